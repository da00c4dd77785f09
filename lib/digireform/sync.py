"""Safe saving for a project group that edits the same files at the same time.

Every editor loads a *snapshot* (the rows as text plus a fingerprint of the file's
bytes). Saving is a three-way, row-level merge of the snapshot (base), the editor's
rows (ours) and what is on disk now (theirs), so nobody's work is silently lost:

* rows changed only by us or only by someone else are both kept;
* the same row changed differently by both is a conflict: nothing is written and
  `ConflictError` shows the row field by field (original, ours, theirs) in Norwegian;
  the caller may then save again with ``prefer="ours"`` or ``"theirs"``.

Row identity. systems.csv rows are identified by ``system_id`` (unique, see DESIGN.md).
welfare.csv has no id column, so rows are paired in two steps: identical rows pair up
first; the remaining rows pair by ``category`` in file order. A status change
(``planned`` → ``in_use``) therefore stays "the same row", and a row whose category
is changed is treated as removed + added.

The read-merge-validate-write sequence runs under an exclusive ``fcntl.flock`` on a
lock file next to the data file (``.~lock.<file>.digireform``, ignored by git through
the ``.~lock*`` pattern), so two processes saving at once are serialised and the second
one merges against the first one's result. The write itself is `store.atomic_write_text`.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import store
from .errors import DigireformError, Problem, ValidationError, display_path
from .schema import file_spec, load_yaml_text

Row = dict[str, str]
Prefer = Literal["ours", "theirs"] | None


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class FieldDiff:
    """One field of a conflicting row: the value at load time, ours and theirs."""

    field: str
    base: str | None
    ours: str | None
    theirs: str | None


@dataclass(frozen=True)
class Conflict:
    """A row (or kommune.yaml key) changed differently by us and by someone else."""

    key: str  # e.g. "EVE-004", "trygghetsalarm", "targets"
    fields: tuple[FieldDiff, ...]
    ours_deleted: bool = False
    theirs_deleted: bool = False

    def describe(self) -> str:
        """Norwegian, one line per field: «felt: opprinnelig → din endring | lagret av andre»."""
        head = f"«{self.key}»"
        if self.ours_deleted:
            head += ": du slettet raden, men en annen har endret den"
        elif self.theirs_deleted:
            head += ": en annen har slettet raden, men du har endret den"
        else:
            head += ": endret både av deg og av en annen"
        lines = [head]
        for d in self.fields:
            lines.append(
                f"  {d.field}: opprinnelig {_show(d.base)}, din endring {_show(d.ours)}, lagret av en annen {_show(d.theirs)}"
            )
        return "\n".join(lines)


def _show(value: Any) -> str:
    return "(tom)" if value in (None, "") else f"«{value}»"


class ConflictError(DigireformError):
    """The save was refused: someone else changed the same rows. Nothing was written."""

    def __init__(self, path: Path, conflicts: list[Conflict], current_fingerprint: str):
        self.path = Path(path)
        self.conflicts = list(conflicts)
        self.current_fingerprint = current_fingerprint
        n = len(conflicts)
        message = (
            f"Lagret ikke {display_path(path)}: filen er endret av en annen siden du åpnet den, "
            f"og {n} {'rad' if n == 1 else 'rader'} er endret både av deg og av den andre. "
            "Se endringene under, og velg hvilken versjon som skal gjelde."
        )
        super().__init__(message + "\n" + "\n".join(c.describe() for c in conflicts))


# --------------------------------------------------------------------------- snapshots


def fingerprint_bytes(data: bytes | None) -> str:
    """SHA-256 of the file's bytes; "" stands for a missing file."""
    return "" if data is None else hashlib.sha256(data).hexdigest()


def fingerprint(path: Path) -> str:
    path = Path(path)
    return fingerprint_bytes(path.read_bytes()) if path.exists() else ""


@dataclass
class TableSnapshot:
    """A municipality's systems.csv or welfare.csv as loaded: rows of stripped strings."""

    path: Path
    number: str
    kind: str
    rows: list[Row]
    fingerprint: str
    problems: list[Problem] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """Rows as a DataFrame of strings in canonical column order."""
        return pd.DataFrame(self.rows, columns=file_spec(self.kind).columns, dtype=object)


def table_path(data_dir: str | os.PathLike | None, number: str, kind: str) -> Path:
    folder = store.folder_for(store.resolve_data_dir(data_dir), number)
    return folder / file_spec(kind).filename


def _rows_from_bytes(data: bytes | None, path: Path, kind: str) -> tuple[list[Row], list[Problem]]:
    """Parse the stored bytes; a missing or empty file is an empty table."""
    problems: list[Problem] = []
    if data is None or not data.strip():
        return [], problems
    label = display_path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [], [Problem(label, None, "(fil)", "ugyldig UTF-8; lagre filen som UTF-8")]
    raw = store.parse_table(text.removeprefix("\ufeff"), file_spec(kind), label, problems)
    if raw is None:
        return [], problems
    cols = file_spec(kind).columns
    return [dict(zip(cols, r, strict=True)) for r in raw[cols].itertuples(index=False, name=None)], problems


def load_table(data_dir: str | os.PathLike | None, number: str, kind: str) -> TableSnapshot:
    """Read one table and remember its fingerprint, for a later `save_rows`."""
    path = table_path(data_dir, number, kind)
    data = path.read_bytes() if path.exists() else None
    rows, problems = _rows_from_bytes(data, path, kind)
    return TableSnapshot(path, number, kind, rows, fingerprint_bytes(data), problems)


# --------------------------------------------------------------------------- locking


def lock_path(path: Path) -> Path:
    return Path(path).with_name(f".~lock.{Path(path).name}.digireform")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for `path` (serialises read-merge-write across processes)."""
    lp = lock_path(path)
    fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(fd)
        yield
    finally:
        try:
            _unlock(fd)
        finally:
            os.close(fd)


try:  # POSIX
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


# --------------------------------------------------------------------------- matching rows


def row_label(row: Row, kind: str) -> str:
    """How a row is named to people: system_id for systems, category (+product) for welfare."""
    if kind == "systems":
        return row.get("system_id") or "(uten system-ID)"
    text = row.get("category") or "(uten kategori)"
    return f"{text} ({row['product']})" if row.get("product") else text


def match_rows(base: list[Row], other: list[Row], kind: str) -> dict[int, int]:
    """Pair rows of `base` with rows of `other` (index → index); see the module docstring."""
    pairs: dict[int, int] = {}
    if kind == "systems":
        where = {r.get("system_id"): j for j, r in reversed(list(enumerate(other))) if r.get("system_id")}
        for i, r in enumerate(base):
            j = where.get(r.get("system_id"))
            if j is not None and j not in pairs.values():
                pairs[i] = j
        return pairs
    used: set[int] = set()
    for i, r in enumerate(base):  # identical rows first
        j = next((j for j, o in enumerate(other) if j not in used and o == r), None)
        if j is not None:
            pairs[i] = j
            used.add(j)
    for i, r in enumerate(base):  # then same category, in file order
        if i in pairs:
            continue
        j = next((j for j, o in enumerate(other) if j not in used and o.get("category") == r.get("category")), None)
        if j is not None:
            pairs[i] = j
            used.add(j)
    return pairs


# --------------------------------------------------------------------------- merging


@dataclass
class MergeResult:
    rows: list[Row]
    conflicts: list[Conflict]
    touched: set[int]  # indexes in `rows` holding our additions or changes
    theirs_changed: int  # rows someone else added, changed or removed


def _row_conflict(key: str, b: Row | None, o: Row | None, t: Row | None, columns: list[str]) -> Conflict:
    diffs = tuple(
        FieldDiff(c, (b or {}).get(c), (o or {}).get(c), (t or {}).get(c))
        for c in columns
        if (o or {}).get(c) != (b or {}).get(c) or (t or {}).get(c) != (b or {}).get(c)
    )
    return Conflict(key, diffs, ours_deleted=o is None, theirs_deleted=t is None)


def merge_rows(base: list[Row], ours: list[Row], theirs: list[Row], kind: str, prefer: Prefer = None) -> MergeResult:
    """Three-way merge by row. Result order: the file on disk, then our additions."""
    columns = file_spec(kind).columns
    m_ours, m_theirs = match_rows(base, ours, kind), match_rows(base, theirs, kind)
    replace: dict[int, Row | None] = {}  # index in theirs → our version (None = delete)
    ours_only: list[Row] = []  # base rows they deleted but we changed, re-added if we win
    conflicts: list[Conflict] = []
    for i, b in enumerate(base):
        o = ours[m_ours[i]] if i in m_ours else None
        t = theirs[m_theirs[i]] if i in m_theirs else None
        if o == b or o == t:
            continue  # we did not change it, or we made the same change
        if t == b or prefer == "ours":
            if t is None:
                ours_only.append(o)
            else:
                replace[m_theirs[i]] = o
        elif prefer != "theirs":
            conflicts.append(_row_conflict(row_label(b, kind), b, o, t, columns))
    theirs_added = [j for j in range(len(theirs)) if j not in m_theirs.values()]
    our_added = [ours[j] for j in range(len(ours)) if j not in m_ours.values()]
    rows, touched = [], set()
    for j, t in enumerate(theirs):
        if j in replace:
            if replace[j] is not None:
                touched.add(len(rows))
                rows.append(replace[j])
        else:
            rows.append(t)
    for o in [*ours_only, *our_added]:
        clash = next((j for j in theirs_added if _same_key(theirs[j], o, kind)), None)
        if clash is not None and theirs[clash] != o:
            if prefer == "ours":
                idx = rows.index(theirs[clash])
                rows[idx] = o
                touched.add(idx)
            elif prefer != "theirs":
                conflicts.append(_row_conflict(row_label(o, kind), None, o, theirs[clash], columns))
            continue
        if clash is None:
            touched.add(len(rows))
            rows.append(o)
    changed_by_them = sum(1 for i, b in enumerate(base) if i not in m_theirs or theirs[m_theirs[i]] != b)
    return MergeResult(rows, conflicts, touched, changed_by_them + len(theirs_added))


def _same_key(a: Row, b: Row, kind: str) -> bool:
    if kind == "systems":
        return bool(a.get("system_id")) and a.get("system_id") == b.get("system_id")
    return a == b


# --------------------------------------------------------------------------- saving tables


@dataclass
class SaveResult:
    """What a save did: the new snapshot, and whether others' changes were merged in."""

    snapshot: TableSnapshot
    merged_from_others: int  # rows someone else had changed since our load (kept)
    warnings: list[Problem] = field(default_factory=list)  # old problems in rows we did not touch

    @property
    def message(self) -> str:
        text = f"Lagret {display_path(self.snapshot.path)} ({len(self.snapshot.rows)} rader)."
        if self.merged_from_others:
            text += (
                f" Filen var endret av en annen siden du åpnet den; de {self.merged_from_others} "
                "endringene deres er beholdt sammen med dine."
            )
        if self.warnings:
            text += f" Merk: {len(self.warnings)} eldre feil i rader du ikke endret står igjen."
        return text


def rows_to_text(rows: list[Row], kind: str) -> str:
    """Rows of strings → stored CSV text (canonical columns; no typing, so bad values stay visible)."""
    columns = file_spec(kind).columns
    frame = pd.DataFrame([{c: _cell(r.get(c)) for c in columns} for r in rows], columns=columns, dtype=object)
    return frame.to_csv(index=False, lineterminator="\n")


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


_LINE_REF = re.compile(r"på linje \d+")


def blocking_problems(
    rows: list[Row], touched: set[int], before: list[Row], kind: str, number: str, label: str
) -> tuple[list[Problem], list[Problem]]:
    """Validate the would-be file: (problems that block the save, old problems we leave alone).

    A problem blocks when it is in a row we add or change, concerns the whole file, or is
    new in a row we did not touch (e.g. a removed system_id still listed in `integrations`).
    Problems that were already in untouched rows do not block, so a file with old errors
    can still be fixed one row at a time.
    """
    _, problems = store.validate_table_text(rows_to_text(rows, kind), kind, number, label)
    if not problems:
        return [], []
    _, old = store.validate_table_text(rows_to_text(before, kind), kind, number, label)
    old_by_row: dict[str, set[tuple[str, str]]] = {}
    for p in old:
        if p.line and p.line >= 2 and p.line - 2 < len(before):
            key = _row_key(before[p.line - 2])
            old_by_row.setdefault(key, set()).add((p.field, _LINE_REF.sub("", p.message)))
    block, keep = [], []
    for p in problems:
        idx = p.line - 2 if p.line and p.line >= 2 else None
        if idx is None or idx >= len(rows) or idx in touched:
            block.append(p)
        elif (p.field, _LINE_REF.sub("", p.message)) in old_by_row.get(_row_key(rows[idx]), set()):
            keep.append(p)
        else:
            block.append(p)
    return block, keep


def _row_key(row: Row) -> str:
    return "\x1f".join(f"{k}={v}" for k, v in sorted(row.items()))


def save_rows(
    data_dir: str | os.PathLike | None,
    number: str,
    kind: str,
    base_rows: list[Row] | pd.DataFrame,
    edited_rows: list[Row] | pd.DataFrame,
    base_fingerprint: str,
    prefer: Prefer = None,
) -> SaveResult:
    """Merge our edits into the file as it is now, validate, and write atomically.

    Raises ConflictError when someone else changed the same rows (nothing written),
    ValidationError when the result would have (new) errors (nothing written).
    """
    path = table_path(data_dir, number, kind)
    base, ours = _as_rows(base_rows, kind), _as_rows(edited_rows, kind)
    with locked(path):
        data = path.read_bytes() if path.exists() else None
        current = fingerprint_bytes(data)
        theirs, read_problems = _rows_from_bytes(data, path, kind)
        if current == base_fingerprint:
            merged = MergeResult(ours, [], _changed_indexes(base, ours, kind), 0)
        else:
            if read_problems and not theirs:
                raise ValidationError(f"Lagret ikke {display_path(path)}: filen på disken kan ikke leses.", read_problems)
            merged = merge_rows(base, ours, theirs, kind, prefer)
            if merged.conflicts:
                raise ConflictError(path, merged.conflicts, current)
        block, keep = blocking_problems(merged.rows, merged.touched, theirs, kind, number, display_path(path))
        if block:
            raise ValidationError(f"Lagret ikke {display_path(path)}: dataene har feil.", block)
        text = rows_to_text(merged.rows, kind)
        store.atomic_write_text(path, text)
        snap = TableSnapshot(path, number, kind, merged.rows, fingerprint_bytes(text.encode("utf-8")), keep)
    return SaveResult(snap, merged.theirs_changed, keep)


def _changed_indexes(base: list[Row], ours: list[Row], kind: str) -> set[int]:
    pairs = match_rows(base, ours, kind)
    unchanged = {j for i, j in pairs.items() if base[i] == ours[j]}
    return {j for j in range(len(ours)) if j not in unchanged}


def _as_rows(rows: list[Row] | pd.DataFrame, kind: str) -> list[Row]:
    columns = file_spec(kind).columns
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    return [{c: _cell(r.get(c)) for c in columns} for r in rows]


# --------------------------------------------------------------------------- kommune.yaml


@dataclass
class ProfileSnapshot:
    """kommune.yaml as loaded (contacts included: for the project group's editor only)."""

    path: Path
    number: str
    data: dict[str, Any]
    fingerprint: str


def profile_path(data_dir: str | os.PathLike | None, number: str) -> Path:
    return store.folder_for(store.resolve_data_dir(data_dir), number) / store.PROFILE_FILE


def load_profile(data_dir: str | os.PathLike | None, number: str) -> ProfileSnapshot:
    path = profile_path(data_dir, number)
    data = path.read_bytes()
    try:
        parsed = load_yaml_text(data.decode("utf-8")) or {}
    except Exception as exc:  # yaml or unicode error: the user must fix the file first
        raise DigireformError(f"{display_path(path)} kan ikke leses: {exc}") from exc
    if not isinstance(parsed, dict):
        raise DigireformError(f"{display_path(path)}: kommune.yaml skal være en tabell med nøkler.")
    return ProfileSnapshot(path, number, parsed, fingerprint_bytes(data))


def merge_profile(base: dict, ours: dict, theirs: dict, prefer: Prefer = None) -> tuple[dict, list[Conflict]]:
    """Three-way merge of kommune.yaml by top-level key (population, targets, contacts, ...)."""
    merged = dict(theirs)
    conflicts: list[Conflict] = []
    for key in dict.fromkeys([*base, *ours, *theirs]):
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o == b or o == t:
            continue
        if t == b or prefer == "ours":
            if key in ours:
                merged[key] = o
            else:
                merged.pop(key, None)
        elif prefer != "theirs":
            conflicts.append(Conflict(key, (FieldDiff(key, _yaml_inline(b), _yaml_inline(o), _yaml_inline(t)),)))
    return merged, conflicts


def _yaml_inline(value: Any) -> str | None:
    import yaml

    if value is None:
        return None
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10_000).strip().removesuffix("...").strip()


def save_profile(
    data_dir: str | os.PathLike | None,
    number: str,
    base: dict,
    edited: dict,
    base_fingerprint: str,
    prefer: Prefer = None,
) -> ProfileSnapshot:
    """Save kommune.yaml like `save_rows`: merge by key, refuse conflicts, validate, atomic write."""
    path = profile_path(data_dir, number)
    with locked(path):
        data = path.read_bytes()
        current = fingerprint_bytes(data)
        if current == base_fingerprint:
            merged = edited
        else:
            theirs = load_yaml_text(data.decode("utf-8")) or {}
            merged, conflicts = merge_profile(base, edited, theirs, prefer)
            if conflicts:
                raise ConflictError(path, conflicts, current)
        written = store.save_profile(data_dir, number, merged)
        new = written.read_bytes()
    return ProfileSnapshot(path, number, merged, fingerprint_bytes(new))
