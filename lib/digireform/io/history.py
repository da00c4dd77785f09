"""History of a shared data folder: one git commit per save, by the person who saved.

On a hub many people edit one data repository; the weekly change list (`digireform changes`)
and the dashboards' data version only mean something when every save is a commit that says
who changed what. `sync.write_files` calls `record` after it has written, still holding the
files' locks, so what is committed is exactly what was written.

* On only where asked for: ``DIGIREFORM_COMMIT=1`` in the environment (the hub sets it for
  every user's server) and the data folder inside a git repository. Single-user use and a
  data folder outside git do not change.
* The author is the hub user (``JUPYTERHUB_USER``, else the operating-system user), with the
  full name from the system's user database when it has one, and ``<user>@<host>`` as address.
* The message is Norwegian and names what changed, in the words of the data model
  («Evenes: endret EVE-004 (Antall brukere)»; `describe`).
* A failed commit never undoes or blocks a save: the data are on disk and valid, which is
  what the person asked for; losing it because git could not write would be worse than a
  save without its own commit (the next commit that touches the file records it, and
  `digireform changes` shows it until then). The failure is logged and kept as a Norwegian
  warning for the form that saved (`take_warning`).
* Two saves at once (two municipalities' folders, two locks) would race for git's
  ``index.lock``: commits are serialised with the same save lock, taken on the repository's
  ``.git`` folder (`lock` is `sync.locked`, passed in so this layer does not import it).
"""
from __future__ import annotations

import getpass
import logging
import os
import pwd
import re
import socket
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import yaml

from digireform.io import git
from digireform.io.tables import rows_from_bytes
from digireform.model import labels, register
from digireform.model.region import PROFILE_FILE
from digireform.model.rows import Row, match_rows, row_label
from digireform.model.schema import file_spec, load_yaml_text

COMMIT_ENV = "DIGIREFORM_COMMIT"
USER_ENV = "JUPYTERHUB_USER"
MAX_PARTS = 3  # changes named in the first line; the rest are counted there and listed below it
_FOLDER = re.compile(r"^(\d{4})-")
_TABLES = {file_spec(kind).filename: kind for kind in labels.TABLES}

log = logging.getLogger("digireform.history")
_warning = threading.local()


@dataclass(frozen=True)
class Saved:
    """One file a save wrote: its bytes before (None: it did not exist) and after."""

    path: Path
    before: bytes | None
    after: bytes


def enabled() -> bool:
    """Is a commit per save asked for (``DIGIREFORM_COMMIT=1``)?"""
    return os.environ.get(COMMIT_ENV, "").strip().lower() in ("1", "true", "yes", "ja")


def author() -> tuple[str, str]:
    """(name, e-mail) of the person saving: the hub user, else the system user."""
    user = os.environ.get(USER_ENV) or getpass.getuser()
    try:
        full = pwd.getpwnam(user).pw_gecos.split(",")[0].strip()
    except (KeyError, OSError):
        full = ""
    return full or user, f"{user}@{socket.gethostname() or 'localhost'}"


def record(saved: list[Saved], lock: Callable[[Path], AbstractContextManager[object]]) -> str | None:
    """Commit what a save wrote, when asked for; the Norwegian warning when that failed (also kept
    for `take_warning`), else None. Never raises: the save is done."""
    _warning.text = None
    if not saved or not enabled():
        return None
    try:
        problem = _commit(saved, lock)
    except Exception as exc:  # noqa: BLE001 - a save is never lost to its history
        problem = f"{type(exc).__name__}: {exc}"
    if problem is None:
        return None
    names = ", ".join(p.path.name for p in saved)
    text = f"Lagret {names}, men endringen ble ikke registrert i historikken (git): {problem}."
    log.warning("%s", text)
    _warning.text = text
    return text


def take_warning() -> str | None:
    """The warning of this thread's last save (None: none, or committed), cleared when taken."""
    text, _warning.text = getattr(_warning, "text", None), None
    return text


def _commit(saved: list[Saved], lock: Callable[[Path], AbstractContextManager[object]]) -> str | None:
    top = git.work_tree(saved[0].path.parent)
    if top is None:
        return "datamappen er ikke et git-depot"
    paths = [os.path.relpath(os.path.abspath(s.path), top) for s in saved]
    name, email = author()
    with lock(top / ".git" / "index"):  # the lock of the .git folder: one commit at a time
        return git.commit(top, paths, describe(saved, top), name, email)


# --------------------------------------------------------------------------- the message


def describe(saved: list[Saved], top: Path) -> str:
    """The commit message: one line «<who>: <what>» per file joined by «; », and, when a line
    names only the first changes, every change below it."""
    heads, bodies = [], []
    for s in saved:
        where, parts = _owner(s.path, top), _changes(s)
        heads.append(f"{where}: {_summary(parts) if parts else 'lagret ' + s.path.name + ' uten endringer'}")
        if len(parts) > MAX_PARTS:
            bodies.extend(f"- {where}: {part}" for part in parts)
    return "; ".join(heads) + ("\n\n" + "\n".join(bodies) if bodies else "")


def _summary(parts: list[str]) -> str:
    """«A, B og C», or «A, B, C og 2 endringer til» when there are more than `MAX_PARTS`."""
    if len(parts) <= MAX_PARTS:
        return labels.joined(parts)
    more = len(parts) - MAX_PARTS
    return ", ".join(parts[:MAX_PARTS]) + f" og {more} {'endring' if more == 1 else 'endringer'} til"


def _owner(path: Path, top: Path) -> str:
    """Whose file: the municipality's name for municipalities/<nr>-…, «Anskaffelser» for
    procurement/, else the path."""
    rel = Path(os.path.relpath(os.path.abspath(path), top)).parts
    if len(rel) >= 2 and rel[0] == "municipalities" and (m := _FOLDER.match(rel[1])):
        known = register.get(m.group(1))
        return known.name_no if known else m.group(1)
    if rel and rel[0] == "procurement":
        return "Anskaffelser"
    return "/".join(rel[:-1]) or "Data"


def _changes(s: Saved) -> list[str]:
    """What changed in one file, in words: rows of a table, keys of kommune.yaml, else the file."""
    kind = _TABLES.get(s.path.name)
    if kind is not None:
        return _table_changes(s, kind)
    if s.path.name == PROFILE_FILE and s.before is not None:
        return _profile_changes(s)
    return [("la til " if s.before is None else "endret ") + s.path.name] if s.before != s.after else []


def _table_changes(s: Saved, kind: str) -> list[str]:
    before, _ = rows_from_bytes(s.before, s.path, kind)
    after, _ = rows_from_bytes(s.after, s.path, kind)
    pairs = match_rows(before, after, kind)
    parts = []
    for i, j in pairs.items():
        if before[i] != after[j]:
            fields = [labels.field_label(c, kind) for c in file_spec(kind).columns
                      if before[i].get(c, "") != after[j].get(c, "")]
            parts.append(f"endret {_row_name(after[j], kind)} ({labels.joined(fields)})")
    paired = set(pairs.values())
    parts += [f"la til {_row_name(r, kind)}" for j, r in enumerate(after) if j not in paired]
    parts += [f"fjernet {_row_name(r, kind)}" for i, r in enumerate(before) if i not in pairs]
    return parts


def _row_name(row: Row, kind: str) -> str:
    """A row as people name it: its system-ID, or the welfare category's label (+ product)."""
    if kind == "systems":
        return row_label(row, kind)
    words = {**row, "category": labels.value_words("category", row.get("category"), kind)}
    return row_label(words, kind)


def _profile_changes(s: Saved) -> list[str]:
    try:
        before = load_yaml_text(s.before.decode("utf-8")) or {}
        after = load_yaml_text(s.after.decode("utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError):
        return ["endret kommuneprofilen"]
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ["endret kommuneprofilen"]
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    if not keys:
        return ["endret kommuneprofilen (bare oppsett eller kommentarer)"] if s.before != s.after else []
    return [f"endret kommuneprofilen ({labels.joined(labels.field_label(str(k), labels.PROFILE) for k in keys)})"]
