"""What changed in the data since the last git commit, in Norwegian, for the weekly meeting.

Git is the history of the data (docs/data-model.md). This module compares every municipality's
systems.csv, welfare.csv and kommune.yaml in the working tree with the version in HEAD
(`git show HEAD:./<path>`, run in the data folder, so the data folder may be the
repository itself or any folder inside one). Rows are named by municipality and
system_id (welfare rows by category), paired the same way the editors' merge pairs them
(`model.rows.match_rows`, the rule the save path merges by). Contacts in kommune.yaml are personal data (data/privacy.yaml
`private_profile_keys`, read through `privacy`): the summary says that they changed, never
what they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digireform.io import git, textio
from digireform.io.paths import municipality_folders, resolve_data_dir
from digireform.io.tables import rows_from_bytes
from digireform.io.yamlio import inline_yaml
from digireform.model import labels, privacy
from digireform.model.errors import DigireformError, display_path
from digireform.model.region import FOLDER_RE, PROFILE_FILE
from digireform.model.rows import Row, match_rows, row_label
from digireform.model.schema import file_spec, load_yaml_text

PROFILE_LABEL = "kommune.yaml"
KIND_LABELS = {"systems": "systemer", "welfare": "velferdsteknologi", "profile": "kommuneprofil"}
ACTION_LABELS = {"added": "Ny", "changed": "Endret", "removed": "Fjernet"}


@dataclass
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass
class Change:
    """One added, changed or removed row (or kommune.yaml key) of one municipality."""

    municipality: str
    name: str
    kind: str  # systems | welfare | profile
    action: str  # added | changed | removed
    key: str  # system_id, welfare category, or kommune.yaml key
    fields: list[FieldChange] = field(default_factory=list)
    private: bool = False  # a private kommune.yaml key (privacy.private_profile_keys): say that it changed, never show it


# --------------------------------------------------------------------------- git


def _head_exists(data_dir: Path) -> bool:
    """Is there a commit to compare with? Says in Norwegian why not when there is no repository."""
    if not git.installed():
        raise DigireformError("Fant ikke programmet git; endringsoversikten trenger git.")
    if not git.is_repo(data_dir):
        raise DigireformError(
            f"Datamappen {display_path(data_dir)} ligger ikke i et git-depot, så det finnes ingen "
            "forrige versjon å sammenligne med. Opprett et med «git init» og gjør en commit."
        )
    return git.head(data_dir) is not None


# --------------------------------------------------------------------------- comparing


def _folders(data_dir: Path, has_head: bool) -> dict[str, str]:
    """Municipality number → folder path relative to the data folder (now or in HEAD)."""
    folders = {p.name[:4]: f"municipalities/{p.name}" for p in municipality_folders(data_dir)}
    if has_head:
        for rel in git.files_at_head(data_dir, "municipalities"):
            parts = rel.split("/")
            if len(parts) >= 3 and FOLDER_RE.match(parts[1]):
                folders.setdefault(parts[1][:4], f"municipalities/{parts[1]}")
    return dict(sorted(folders.items()))


def _now_bytes(data_dir: Path, rel: str) -> bytes | None:
    path = data_dir / rel
    return path.read_bytes() if path.is_file() else None


def diff_tables(old: list[Row], new: list[Row], kind: str) -> list[tuple[str, str, list[FieldChange]]]:
    """(action, row name, field changes) for rows added, changed or removed."""
    pairs = match_rows(old, new, kind)
    out: list[tuple[str, str, list[FieldChange]]] = []
    columns = file_spec(kind).columns
    for i, o in enumerate(old):
        if i not in pairs:
            out.append(("removed", row_label(o, kind), []))
            continue
        n = new[pairs[i]]
        diffs = [FieldChange(c, o.get(c) or None, n.get(c) or None) for c in columns if o.get(c) != n.get(c)]
        if diffs:
            out.append(("changed", row_label(n, kind), diffs))
    matched = set(pairs.values())
    for j, n in enumerate(new):
        if j not in matched:
            fields = [FieldChange(c, None, n.get(c)) for c in columns if n.get(c)]
            out.append(("added", row_label(n, kind), fields))
    return out


def _profile(data: bytes | None) -> dict[str, Any]:
    """kommune.yaml bytes → dict, decoded like every data file (textio); {} when unreadable."""
    if data is None:
        return {}
    text = textio.decode_stored(data, PROFILE_LABEL, [])
    try:
        parsed = load_yaml_text(text) if text is not None else None
    except Exception:  # an unreadable committed/working file: compare as empty, validate reports it
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _flatten(value: Any, prefix: str) -> dict[str, Any]:
    """Nested mappings → dotted paths (population.total); lists and scalars stay whole."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}"))
        return out
    return {prefix: value}


def diff_profile(old: dict, new: dict) -> list[tuple[str, str, list[FieldChange], bool]]:
    """(action, key, changes, private) per top-level key of kommune.yaml; changes by dotted path."""
    out = []
    private_keys = set(privacy.private_profile_keys())
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) == new.get(key):
            continue
        action = "added" if key not in old else "removed" if key not in new else "changed"
        private = key in private_keys
        fields = []
        if not private:
            a, b = _flatten(old.get(key), key), _flatten(new.get(key), key)
            fields = [FieldChange(p, inline_yaml(a.get(p)), inline_yaml(b.get(p)))
                      for p in dict.fromkeys([*a, *b]) if a.get(p) != b.get(p)]
        out.append((action, key, fields, private))
    return out


def changes(data_dir: str | Path | None = None) -> list[Change]:
    """Every change in municipalities/ since HEAD, ordered by municipality, file, row."""
    root = resolve_data_dir(data_dir)
    has_head = _head_exists(root)
    result: list[Change] = []
    for nr, rel in _folders(root, has_head).items():
        old_prof_bytes = git.file_at_head(root, f"{rel}/{PROFILE_FILE}") if has_head else None
        new_prof_bytes = _now_bytes(root, f"{rel}/{PROFILE_FILE}")
        old_prof, new_prof = _profile(old_prof_bytes), _profile(new_prof_bytes)
        name = str(new_prof.get("name") or old_prof.get("name") or nr)
        for action, key, fields, private in diff_profile(old_prof, new_prof):
            result.append(Change(nr, name, "profile", action, key, fields, private))
        for kind in ("systems", "welfare"):
            frel = f"{rel}/{file_spec(kind).filename}"
            old_bytes = git.file_at_head(root, frel) if has_head else None
            new_bytes = _now_bytes(root, frel)
            if old_bytes == new_bytes:
                continue
            old_rows, _ = rows_from_bytes(old_bytes, root / frel, kind)
            new_rows, _ = rows_from_bytes(new_bytes, root / frel, kind)
            for action, key, fields in diff_tables(old_rows, new_rows, kind):
                result.append(Change(nr, name, kind, action, key, fields))
    return result


# --------------------------------------------------------------------------- text


def _row_title(c: Change) -> str:
    """How the summary names a row or key: «A», «Trygghetsalarm (Careium)», «Folketall»."""
    if c.kind == "profile":
        return labels.field_label(c.key, labels.PROFILE)
    return labels.row_title(c.kind, c.key)


def _words(field: str, value: str | None, kind: str) -> str:
    """A stored value in words with its code («Skytjeneste (saas)»), «(tom)» when empty."""
    return labels.value_words(field, value, kind, with_code=True) or labels.EMPTY


def _field_lines(c: Change) -> list[str]:
    """One line per field: «Antall brukere: 10 → 25», «Driftsform: Skytjeneste (saas)» for a new row.

    Field labels and code labels through `labels` (the one (field, value) → words function),
    the stored code in parentheses so whoever edits the files can find it."""
    kind = c.kind
    if c.action == "changed":
        return [f"    {labels.field_label(f.field, kind)}: {_words(f.field, f.old, kind)} → {_words(f.field, f.new, kind)}"
                for f in c.fields]
    if c.action == "added":
        return [f"    {labels.field_value(f.field, f.new, kind, with_code=True)}" for f in c.fields
                if not (kind == "systems" and f.field == "system_id")]
    return []


def format_changes(items: list[Change], has_head: bool = True) -> str:
    """The summary as Norwegian text, grouped by municipality and file, fields by their labels."""
    if not items:
        return "Ingen endringer i dataene siden siste commit."
    counts = {a: sum(1 for c in items if c.action == a) for a in ACTION_LABELS}
    lines = [
        "Endringer i dataene siden siste commit"
        + ("" if has_head else " (ingen commit ennå: alt er nytt)")
        + f": {counts['added']} nye, {counts['changed']} endrede, {counts['removed']} fjernede.",
    ]
    current: tuple[str, str] | None = None
    for c in items:
        if (c.municipality, c.kind) != current:
            current = (c.municipality, c.kind)
            lines += ["", f"{c.municipality} {c.name} – {KIND_LABELS[c.kind]}:"]
        if c.private:
            lines.append(f"  {ACTION_LABELS[c.action]}: kontaktpersoner (personopplysninger vises ikke)")
            continue
        lines.append(f"  {ACTION_LABELS[c.action]}: {_row_title(c)}")
        lines += _field_lines(c)
    return "\n".join(lines)


def summary(data_dir: str | Path | None = None) -> str:
    """The Norwegian change summary of a data folder."""
    root = resolve_data_dir(data_dir)
    return format_changes(changes(root), has_head=_head_exists(root))
