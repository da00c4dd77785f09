"""Safe saving for a project group that edits the same files at the same time.

Every editor loads a *snapshot* (the rows as text plus a fingerprint of the file's
bytes). Saving is a three-way merge of the snapshot (base), the editor's rows (ours) and
what is on disk now (theirs), row by row and then field by field (`merge_fields`, the one
rule kommune.yaml and tender files are merged by too, key by key), so nobody's work is
silently lost:

* rows changed only by us or only by someone else are both kept; so are changes to
  different fields of one row (one person the users, another the cost);
* the same field changed to different values by both, or a row one side removed while
  the other changed it, is a conflict: nothing is written and `ConflictError` shows the
  row field by field (original, ours, theirs) with Norwegian labels; the caller may then
  save again with ``prefer="ours"`` or ``"theirs"``, which decides only the conflicting
  fields (the other side's other changes stay).

Row identity. systems.csv rows are identified by ``system_id`` (unique, see docs/data-model.md).
welfare.csv has no id column, so rows are paired in two steps: identical rows pair up
first; the remaining rows pair by ``category`` in file order. A status change
(``planned`` → ``in_use``) therefore stays "the same row", and a row whose category
is changed is treated as removed + added.

Every write of a data file (systems.csv, welfare.csv, kommune.yaml, survey.csv, tender
files) goes through `write_files`: lock → re-read → fingerprint check or merge → validate →
atomic write (temp file in the same folder, fsync, rename, fsync of the folder) → on a hub, a
git commit by the person saving (`io.history`; a failed commit never fails the save) → unlock.
A refused write changes nothing on disk.

Locking. The lock is an exclusive ``flock`` on the *folder* that holds the file, not a
lock file: the folder is never replaced by the atomic rename (a lock on the data file's
own inode would be), it exists before the file does (survey.csv), it leaves nothing behind
in the data folder, it works for every user who can read the folder (two hub users in
different OS groups sharing one data folder see the same lock, which a lock under a
per-user runtime folder would not), and the kernel drops it when a process dies. Where a
file system refuses ``flock`` on a folder (some network mounts), a lock file
``.~lock.digireform`` is used instead and removed after each save. Locks are re-entrant
within one thread, so a caller that holds the lock (import-inventory) can call a save.
Users in different OS groups need write access to the folder itself (the rename replaces
the file); give the data folder a shared group with the setgid bit (``chmod g+ws``) so the
files a save creates keep that group. A save keeps the file's permission bits.

Temp files. A save killed between writing its temp file and the rename leaves
``.<file>.XXXXXXXX.tmp``; the next save of that file, holding the lock (so no save of ours
is running), removes such files: only that exact name pattern, only for that file.
"""
from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from digireform.io import access, history, textio
from digireform.io.atomic import atomic_write_bytes
from digireform.io.paths import folder_for, resolve_data_dir
from digireform.io.tables import format_table, leading_comments, read_bytes, rows_from_bytes
from digireform.io.yamlio import inline_yaml
from digireform.model import labels, references
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path, os_reason
from digireform.model.region import PROFILE_FILE
from digireform.model.rows import Row, match_rows, row_key, row_label
from digireform.model.schema import file_spec, load_yaml_text, yaml_problem
from digireform.validate.profile import check_profile
from digireform.validate.tables import validate_table_text

Prefer = Literal["ours", "theirs"] | None


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class FieldDiff:
    """One field of a conflicting row: the value at load time, ours and theirs (as stored)."""

    field: str
    base: Any
    ours: Any
    theirs: Any


@dataclass(frozen=True)
class Conflict:
    """A row (or kommune.yaml key) changed differently by us and by someone else.

    `kind` says where the fields come from ("systems", "welfare", "profile"; None for other
    YAML files), so `words` can show them with their Norwegian labels.
    """

    key: str  # e.g. "EVE-004", "trygghetsalarm", "targets"
    fields: tuple[FieldDiff, ...]
    ours_deleted: bool = False
    theirs_deleted: bool = False
    kind: str | None = None

    def label(self, field_key: str) -> str:
        """The field's Norwegian label («Antall brukere»)."""
        return labels.field_label(field_key, self.kind) if self.kind else field_key

    def words(self, field_key: str, value: Any) -> str:
        """A value of the field as a person reads it («Skytjeneste», «45 000»); "" when empty."""
        if self.kind:
            return labels.value_words(field_key, value, self.kind)
        return "" if value is None else str(inline_yaml(value))

    def describe(self) -> str:
        """Norwegian, one line per field: «felt: opprinnelig …, din endring …, lagret av en annen …»."""
        head = f"«{self.key}»"
        if self.ours_deleted:
            head += ": du slettet raden, men en annen har endret den"
        elif self.theirs_deleted:
            head += ": en annen har slettet raden, men du har endret den"
        else:
            head += ": endret både av deg og av en annen"
        lines = [head]
        for d in self.fields:
            shown = [_show(self.words(d.field, v)) for v in (d.base, d.ours, d.theirs)]
            lines.append(f"  {self.label(d.field)}: opprinnelig {shown[0]}, din endring {shown[1]}, "
                         f"lagret av en annen {shown[2]}")
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
    folder = folder_for(resolve_data_dir(data_dir), number)
    return folder / file_spec(kind).filename


def load_table(data_dir: str | os.PathLike | None, number: str, kind: str) -> TableSnapshot:
    """Read one table and remember its fingerprint, for a later `save_rows`."""
    path = table_path(data_dir, number, kind)
    problems: list[Problem] = []
    data = read_bytes(path, problems) if os.path.lexists(path) else None  # a symlink is named, not followed
    rows, more = rows_from_bytes(data, path, kind)
    return TableSnapshot(path, number, kind, rows, fingerprint_bytes(data), problems + more)


# --------------------------------------------------------------------------- locking


FALLBACK_LOCK = ".~lock.digireform"  # only where the file system refuses flock on a folder
_held = threading.local()  # folder → how often this thread holds its lock (re-entrant)


def _held_counts() -> dict[str, int]:
    if not hasattr(_held, "counts"):
        _held.counts = {}
    return _held.counts


def lock_folder(path: Path) -> Path:
    """The folder whose lock guards saves of `path` (absolute, symlinks not resolved)."""
    return Path(os.path.abspath(path)).parent


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive save lock for `path` (serialises read-merge-write across processes)."""
    with locked_all([path]):
        yield


@contextlib.contextmanager
def locked_all(paths: Iterable[Path]) -> Iterator[None]:
    """Hold the save locks of several files at once, taken in sorted order (no deadlock)."""
    counts = _held_counts()
    releases, counted = [], []
    try:
        for folder in sorted({str(lock_folder(p)) for p in paths}):
            if not counts.get(folder):
                releases.append(_acquire(Path(folder)))
            counts[folder] = counts.get(folder, 0) + 1
            counted.append(folder)
        yield
    finally:
        for folder in counted:  # only what this call took: a failed acquire leaves outer holds alone
            counts[folder] -= 1
            if not counts[folder]:
                del counts[folder]
        for release in reversed(releases):
            release()


def _acquire(folder: Path) -> Callable[[], None]:
    """Lock `folder` (flock on its descriptor); falls back to a removed-after-use lock file."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise DigireformError(f"Kan ikke lagre i {display_path(folder)}: mappen kan ikke åpnes ({os_reason(exc)}).") from None
    try:
        _flock(fd)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EBADF, errno.EINVAL, errno.ENOLCK, errno.EOPNOTSUPP):
            return _acquire_lock_file(folder)
        raise DigireformError(f"Kan ikke låse {display_path(folder)} for lagring: {os_reason(exc)}.") from None

    def release() -> None:
        try:
            _funlock(fd)
        finally:
            os.close(fd)

    return release


def _acquire_lock_file(folder: Path) -> Callable[[], None]:
    """Lock file in `folder`, removed on release; a waiter that locked a removed file retries."""
    lp = folder / FALLBACK_LOCK
    while True:
        fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o666)
        _lockf(fd)
        try:
            same = os.fstat(fd).st_ino == os.stat(lp).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)

    def release() -> None:
        try:
            with contextlib.suppress(OSError):  # gone already, or (Windows) open files cannot be removed
                os.unlink(lp)
        finally:
            os.close(fd)  # closing drops the lock

    return release


try:  # POSIX
    import fcntl

    def _flock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _funlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _lockf(fd: int) -> None:
        fcntl.lockf(fd, fcntl.LOCK_EX)

except ImportError:  # pragma: no cover - Windows: folders cannot be locked, use the lock file
    import msvcrt

    def _flock(fd: int) -> None:
        raise OSError(errno.EOPNOTSUPP, "flock")

    def _funlock(fd: int) -> None:
        pass

    def _lockf(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)


# --------------------------------------------------------------------------- one save path


class ChangedOnDiskError(DigireformError):
    """The file changed under us although we held the lock (a program that does not lock)."""

    def __init__(self, path: Path, current_fingerprint: str):
        self.path = Path(path)
        self.conflicts: list[Conflict] = []
        self.current_fingerprint = current_fingerprint
        super().__init__(
            f"Lagret ikke {display_path(path)}: filen ble endret av et annet program mens den ble lagret. "
            "Last inn filen på nytt og lagre igjen."
        )


Render = Callable[[bytes | None], "str | None"]


def temp_pattern(path: Path) -> re.Pattern[str]:
    """Names of our temp files for `path` (atomic_write_with: «.<name>.XXXXXXXX.tmp»)."""
    return re.compile(rf"^\.{re.escape(Path(path).name)}\.[a-z0-9_]{{8}}\.tmp$")


def clean_stale_temps(path: Path) -> list[Path]:
    """Remove temp files a killed save of `path` left behind. Call only while holding the lock."""
    pattern, removed = temp_pattern(path), []
    folder = Path(path).parent
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            if pattern.match(entry.name) and not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed.append(folder / entry.name)
    return removed


SAVE, OPEN = "Lagret ikke", "Kunne ikke åpne"  # how a refusal starts: on a save, on loading for a form


def read_current(path: Path, action: str = SAVE) -> bytes | None:
    """The bytes on disk (None: no file). A symbolic link is refused: we never write through one."""
    path = Path(path)
    if path.is_symlink():
        raise DigireformError(f"{action} {display_path(path)}: filen er en symbolsk lenke; erstatt den med en vanlig fil.")
    try:
        return path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise DigireformError(f"{action} {display_path(path)}: filen kan ikke leses ({os_reason(exc)}).") from None


def write_files(jobs: list[tuple[Path, Render]], expected: dict[Path, str] | None = None,
                before_write: Callable[[], None] | None = None) -> dict[Path, str]:
    """The one save path: lock all → re-read → check → render all → write each atomically.

    `render(current bytes)` returns the new text (None: leave the file as it is) or raises
    (ConflictError, ValidationError): then nothing at all is written. `expected` maps a path
    to the fingerprint the caller's data was based on; a different file on disk is refused
    (ChangedOnDiskError). Just before each rename the file is checked once more, against
    programs that do not take the lock. `before_write` runs after every render and before
    the first write (a caller that collects problems over several files refuses there).
    Returns path → fingerprint of what is on disk now.
    """
    paths = [Path(p) for p, _ in jobs]
    access.require_writable(paths)  # on a hub the system decides; refused in Norwegian, before any lock
    with locked_all(paths):
        staged, before = [], {}
        for path, render in jobs:
            path = Path(path)
            clean_stale_temps(path)
            data = before[path] = read_current(path)
            current = fingerprint_bytes(data)
            if expected and path in expected and expected[path] != current:
                raise ChangedOnDiskError(path, current)
            staged.append((path, current, render(data)))
        if before_write is not None:
            before_write()
        result, written = {}, []
        for path, current, text in staged:
            if text is None:
                result[path] = current
                continue
            new = text.encode("utf-8")
            atomic_write_bytes(path, new, before_replace=lambda p=path, c=current: _unchanged(p, c))
            result[path] = fingerprint_bytes(new)
            written.append(history.Saved(path, before[path], new))
        history.record(written, locked)  # a commit per save when asked for (DIGIREFORM_COMMIT); never fails the save
    return result


def write_file(path: Path, render: Render, expected: str | None = None) -> str:
    """`write_files` for one file; returns the fingerprint of what is on disk now."""
    path = Path(path)
    return write_files([(path, render)], {path: expected} if expected is not None else None)[path]


def _unchanged(path: Path, fingerprint_before: str) -> None:
    if fingerprint(path) != fingerprint_before:
        raise ChangedOnDiskError(path, fingerprint(path))


# --------------------------------------------------------------------------- merging


_ABSENT = object()  # a key that is not in the mapping (kommune.yaml): different from an empty value


def merge_fields(base: dict, ours: dict, theirs: dict, prefer: Prefer = None) -> tuple[dict, list[str]]:
    """The one three-way merge rule, field by field (a table row's columns, kommune.yaml's keys).

    A field changed only by us or only by them takes that change; the same change on both
    sides is no conflict; a field changed both ways is a conflict, unless `prefer` says
    whose value wins. Returns (merged mapping in theirs' key order, then ours' new keys;
    the conflicting fields). A key missing from a side counts as removed there.
    """
    merged: dict = {}
    conflicts: list[str] = []
    for key in dict.fromkeys([*theirs, *ours, *base]):
        b, o, t = (m.get(key, _ABSENT) for m in (base, ours, theirs))
        if o == b or o == t:
            value = t
        elif t == b or prefer == "ours":
            value = o
        else:
            value = t
            if prefer != "theirs":
                conflicts.append(key)
        if value is not _ABSENT:
            merged[key] = value
    return merged, conflicts


@dataclass
class MergeResult:
    rows: list[Row]
    conflicts: list[Conflict]
    touched: set[int]  # indexes in `rows` holding our additions or changes
    theirs_changed: int  # rows someone else added, changed or removed


def _row_conflict(key: str, b: Row | None, o: Row | None, t: Row | None, kind: str,
                  fields: list[str] | None = None) -> Conflict:
    """The conflict on one row: the fields given, else every field either side changed (or that differ)."""
    b_, o_, t_ = b or {}, o or {}, t or {}
    columns = file_spec(kind).columns
    if fields is None:
        fields = [c for c in columns if o_.get(c) != b_.get(c) or t_.get(c) != b_.get(c)]
        if b is None:  # both added a row with this id: what differs between the two
            fields = [c for c in columns if o_.get(c) != t_.get(c)]
    diffs = tuple(FieldDiff(c, b_.get(c), o_.get(c), t_.get(c)) for c in fields)
    return Conflict(key, diffs, ours_deleted=o is None, theirs_deleted=t is None, kind=kind)


def _merge_row(b: Row, o: Row | None, t: Row | None, kind: str, prefer: Prefer
               ) -> tuple[Row | None, Conflict | None]:
    """One base row edited by us: (the row to keep, None = removed; a conflict or None).

    Both sides kept the row: merged field by field (`merge_fields`). One side removed it
    and the other changed it: a conflict (never a silent resurrection or loss) unless
    `prefer` chooses.
    """
    columns = file_spec(kind).columns
    if o is not None and t is not None:
        row, clash = merge_fields(b, o, t, prefer)
        if clash:
            return t, _row_conflict(row_label(b, kind), b, o, t, kind, clash)
        return {c: row.get(c, "") for c in columns}, None
    if o == t or (t == b and o is None):  # both removed it, or we removed it and they left it
        return None, None
    if prefer == "ours":
        return o, None
    if prefer == "theirs":
        return t, None
    return t, _row_conflict(row_label(b, kind), b, o, t, kind)


def merge_rows(base: list[Row], ours: list[Row], theirs: list[Row], kind: str, prefer: Prefer = None) -> MergeResult:
    """Three-way merge by row, then by field. Result order: the file on disk, then our additions."""
    m_ours, m_theirs = match_rows(base, ours, kind), match_rows(base, theirs, kind)
    replace: dict[int, Row | None] = {}  # index in theirs → our version (None = delete)
    ours_only: list[Row] = []  # base rows they deleted but we changed, re-added if we win
    conflicts: list[Conflict] = []
    for i, b in enumerate(base):
        o = ours[m_ours[i]] if i in m_ours else None
        t = theirs[m_theirs[i]] if i in m_theirs else None
        if o == b or o == t:
            continue  # we did not change it, or we made the same change
        row, conflict = _merge_row(b, o, t, kind, prefer)
        if conflict is not None:
            conflicts.append(conflict)
        elif t is None:
            if row is not None:
                ours_only.append(row)
        elif row != t:
            replace[m_theirs[i]] = row
    paired_theirs, paired_ours = set(m_theirs.values()), set(m_ours.values())
    theirs_added = [j for j in range(len(theirs)) if j not in paired_theirs]
    our_added = [ours[j] for j in range(len(ours)) if j not in paired_ours]
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
                conflicts.append(_row_conflict(row_label(o, kind), None, o, theirs[clash], kind))
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
    """Rows of strings → stored CSV text (canonical columns; no typing, so bad values stay visible).

    The csv module directly (what pandas' to_csv uses underneath, same quoting): a one-row
    save of a large file should not build a DataFrame twice.
    """
    columns = file_spec(kind).columns
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None or pd.isna(value):
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
    can still be fixed one row at a time. A problem's line is mapped to its row through the
    records' physical start lines (a note over several lines moves the rows after it).
    """
    text = rows_to_text(rows, kind)
    _, problems = validate_table_text(text, kind, number, label)
    if not problems:
        return [], []
    before_text = rows_to_text(before, kind)
    _, old = validate_table_text(before_text, kind, number, label)
    old_rows, new_rows = row_at_line(before_text), row_at_line(text)
    old_by_row: dict[str, set[tuple[str, str]]] = {}
    for p in old:
        if (i := old_rows.get(p.line)) is not None and i < len(before):
            old_by_row.setdefault(row_key(before[i]), set()).add((p.field, _LINE_REF.sub("", p.message)))
    block, keep = [], []
    for p in problems:
        idx = new_rows.get(p.line)
        if idx is None or idx >= len(rows) or idx in touched:
            block.append(p)
        elif (p.field, _LINE_REF.sub("", p.message)) in old_by_row.get(row_key(rows[idx]), set()):
            keep.append(p)
        else:
            block.append(p)
    return block, keep


def row_at_line(text: str) -> dict[int | None, int]:
    """Physical start line of each data record → its index among the rows (header = line 1).

    For texts from `rows_to_text`: a problem's line names a row only through this map (a note
    over several lines moves every row after it)."""
    return {line: i for i, line in enumerate(textio.record_lines(text))}


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
    done: dict[str, Any] = {}

    def render(data: bytes | None) -> str:
        merged, keep = _merge_for_save(path, number, kind, base, ours, base_fingerprint, data, prefer)
        done.update(rows=merged.rows, keep=keep, theirs=merged.theirs_changed)
        return rows_to_text(merged.rows, kind)

    new_fingerprint = write_file(path, render)
    snap = TableSnapshot(path, number, kind, done["rows"], new_fingerprint, done["keep"])
    return SaveResult(snap, done["theirs"], done["keep"])


def _merge_for_save(path: Path, number: str, kind: str, base: list[Row], ours: list[Row], base_fingerprint: str,
                    data: bytes | None, prefer: Prefer) -> tuple[MergeResult, list[Problem]]:
    """Our rows merged with the file as it is now, validated: (result, old problems left alone)."""
    current = fingerprint_bytes(data)
    theirs, read_problems = rows_from_bytes(data, path, kind)
    if current == base_fingerprint:
        merged = MergeResult(ours, [], _changed_indexes(base, ours, kind), 0)
    else:
        if read_problems and not theirs:
            raise ValidationError(f"Lagret ikke {display_path(path)}: filen på disken kan ikke leses.", read_problems)
        merged = merge_rows(base, ours, theirs, kind, prefer)
        if merged.conflicts:
            raise ConflictError(path, merged.conflicts, current)
    _refuse_dangling_references(path, kind, theirs, merged.rows)
    block, keep = blocking_problems(merged.rows, merged.touched, theirs, kind, number, display_path(path))
    if block:
        raise ValidationError(f"Lagret ikke {display_path(path)}: dataene har feil.", block)
    return merged, keep


def _refuse_dangling_references(path: Path, kind: str, on_disk: list[Row], rows: list[Row]) -> None:
    """Refuse removing a row that other rows of the would-be file still point to, naming them.

    «EVE-004 Visma Flyt Skole kan ikke slettes: EVE-005 og EVE-013 viser til dette systemet
    (Integrasjoner)» says what to do, where validation alone would only say that EVE-005's
    integrations point to an id that does not exist.
    """
    key = file_spec(kind).key
    if not key or not references.reference_fields(kind):
        return
    kept = {r.get(key) for r in rows}
    problems = []
    for row in on_disk:
        sid = row.get(key)
        if sid and sid not in kept and (refs := references.referring_rows(rows, sid, kind)):
            problems.append(Problem(display_path(path), None, key, references.removal_refused(row, refs, kind)))
    if problems:
        raise ValidationError(f"Lagret ikke {display_path(path)}: en rad som andre rader viser til, kan ikke slettes.",
                              problems)


def _changed_indexes(base: list[Row], ours: list[Row], kind: str) -> set[int]:
    pairs = match_rows(base, ours, kind)
    unchanged = {j for i, j in pairs.items() if base[i] == ours[j]}
    return {j for j in range(len(ours)) if j not in unchanged}


def _as_rows(rows: list[Row] | pd.DataFrame, kind: str) -> list[Row]:
    columns = file_spec(kind).columns
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    return [{c: _cell(r.get(c)) for c in columns} for r in rows]


def save_table(data_dir: str | os.PathLike | None, number: str, kind: str, rows: pd.DataFrame,
               expected_fingerprint: str | None = None) -> Path:
    """Validate and write a municipality's systems.csv or welfare.csv (whole file, typed rows).

    Through the one save path (`write_file`: locked, atomic). `expected_fingerprint`
    is what the caller's rows were based on: a file changed since is refused. Raises
    ValidationError (and leaves the file untouched) when the rows do not validate.
    """
    folder = folder_for(resolve_data_dir(data_dir), number)
    path = folder / file_spec(kind).filename
    text = format_table(rows, kind)
    _, problems = validate_table_text(text, kind, number, display_path(path))
    if problems:
        raise ValidationError(f"Lagret ikke {display_path(path)}: dataene har feil.", problems)
    write_file(path, lambda _current: text, expected_fingerprint)
    return path


# --------------------------------------------------------------------------- kommune.yaml


@dataclass
class ProfileSnapshot:
    """kommune.yaml as loaded (contacts included: for the project group's editor only)."""

    path: Path
    number: str
    data: dict[str, Any]
    fingerprint: str


def profile_path(data_dir: str | os.PathLike | None, number: str) -> Path:
    return folder_for(resolve_data_dir(data_dir), number) / PROFILE_FILE


def load_profile(data_dir: str | os.PathLike | None, number: str) -> ProfileSnapshot:
    """Read kommune.yaml for the editor; DigireformError (Norwegian) when missing, a symlink or unreadable."""
    path = profile_path(data_dir, number)
    data = read_current(path, OPEN)
    if data is None:
        raise DigireformError(f"{display_path(path)} finnes ikke.")
    parsed = parse_mapping(path, data, OPEN)
    return ProfileSnapshot(path, number, parsed, fingerprint_bytes(data))


def merge_profile(base: dict, ours: dict, theirs: dict, prefer: Prefer = None,
                  kind: str | None = labels.PROFILE) -> tuple[dict, list[Conflict]]:
    """Three-way merge of kommune.yaml (`kind` "profile") or another YAML file (None) by top-level key."""
    merged, clash = merge_fields(base, ours, theirs, prefer)
    conflicts = [Conflict(key, (FieldDiff(key, base.get(key), ours.get(key), theirs.get(key)),), kind=kind)
                 for key in clash]
    return merged, conflicts


def save_profile(
    data_dir: str | os.PathLike | None,
    number: str,
    base: dict,
    edited: dict,
    base_fingerprint: str,
    prefer: Prefer = None,
) -> ProfileSnapshot:
    """Save kommune.yaml like `save_rows`: merge by key, refuse conflicts, validate, atomic write.

    The file is rewritten by a round-trip (`yaml_roundtrip`): comments, key order and
    layout of what we did not change stay as they were.
    """
    path = profile_path(data_dir, number)
    done: dict[str, Any] = {}

    def render(data: bytes | None) -> str:
        if data is None:
            raise DigireformError(f"Lagret ikke {display_path(path)}: filen finnes ikke lenger.")
        merged = merge_mapping(path, base, edited, base_fingerprint, data, prefer, labels.PROFILE)
        done["data"] = merged
        return render_profile(path, number, data, merged)

    new_fingerprint = write_file(path, render)
    return ProfileSnapshot(path, number, done["data"], new_fingerprint)


def merge_mapping(path: Path, base: dict, edited: dict, base_fingerprint: str, data: bytes,
                   prefer: Prefer, kind: str | None = None) -> dict:
    """`edited` when the file is as loaded, else merged by key with the file now (conflicts refused).

    `kind` "profile" labels a conflict's keys and values as kommune.yaml's (None: as written).
    """
    current = fingerprint_bytes(data)
    if current == base_fingerprint:
        return edited
    merged, conflicts = merge_profile(base, edited, parse_mapping(path, data), prefer, kind)
    if conflicts:
        raise ConflictError(path, conflicts, current)
    return merged


def parse_mapping(path: Path, data: bytes | None, action: str = SAVE) -> dict:
    """A YAML file's bytes as a dict ({} for a missing or empty file); DigireformError otherwise."""
    if data is None:
        return {}
    text = stored_text(path, data, action)
    try:
        parsed = load_yaml_text(text) or {}
    except yaml.YAMLError as exc:  # the user must fix the file first
        raise ValidationError(f"{action} {display_path(path)}: filen på disken kan ikke leses.",
                              [yaml_problem(exc, display_path(path))]) from None
    if not isinstance(parsed, dict):
        raise DigireformError(f"{action} {display_path(path)}: filen skal være en tabell med nøkler.")
    return parsed


def stored_text(path: Path, data: bytes | None, action: str = SAVE) -> str:
    """The file's text (textio's policy for stored files; "" for none); bad UTF-8 is refused, never replaced."""
    if data is None:
        return ""
    problems: list[Problem] = []
    text = textio.decode_stored(data, display_path(path), problems)
    if text is None:
        raise ValidationError(f"{action} {display_path(path)}: filen på disken kan ikke leses.", problems)
    return text


def render_profile(path: Path, number: str, data: bytes | None, profile: dict) -> str:
    """The kommune.yaml text holding `profile`, laid over the current text; ValidationError if invalid."""
    text = yaml_roundtrip(stored_text(path, data), profile)
    problems: list[Problem] = []
    check_profile(load_yaml_text(text), number, display_path(path), text, problems)
    if problems:
        raise ValidationError(f"Lagret ikke {display_path(path)}: dataene har feil.", problems)
    return text


def write_profile(path: Path, number: str, profile: dict, expected: str | None = None) -> str:
    """Write a whole kommune.yaml (validated, locked, atomic, comments kept); new fingerprint."""
    return write_file(path, lambda data: render_profile(path, number, data, profile), expected)


# --------------------------------------------------------------------------- YAML round-trip


# (mapping, sequence, offset) indents tried on a file; the one that reproduces it is kept.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 0), (4, 6, 2))


def yaml_roundtrip(text: str, data: dict) -> str:
    """`text` changed to hold `data`, keeping comments, key order, quoting and layout of the rest.

    Only values that differ are replaced (ruamel.yaml round-trip), new keys go last. If the
    result would not read back as exactly `data` (an odd file), the whole file is written
    plainly under its leading comment block instead: the data are never wrong, at worst
    comments further down are lost.
    """
    text = text.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in text else "\n"  # a file saved on Windows keeps its line ends
    text = text.replace("\r\n", "\n")
    try:
        out = _roundtrip(text, data)
        if load_yaml_text(out) != data:
            out = _plain_yaml(text, data)
    except Exception:  # ruamel refuses the file (e.g. a repeated key): write it plainly
        out = _plain_yaml(text, data)
    return out.replace("\n", newline)


def _roundtrip(text: str, data: dict) -> str:
    from ruamel.yaml.comments import CommentedMap

    y = _rt_yaml(_guess_indent(text))
    doc = y.load(text) if text.strip() else None
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap()
    return _dump(y, _apply(doc, data))


def _rt_yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold long lines (targets are one-line flow mappings)
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return y


def _dump(y, doc) -> str:
    import io

    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def _guess_indent(text: str) -> tuple[int, int, int]:
    """The indent settings that reproduce `text` unchanged best (fewest differing lines)."""
    if not text.strip():
        return _INDENTS[0]
    lines, best = text.splitlines(), (None, _INDENTS[0])
    for indent in _INDENTS:
        y = _rt_yaml(indent)
        out = _dump(y, y.load(text)).splitlines()
        differing = sum(a != b for a, b in zip(out, lines, strict=False)) + abs(len(out) - len(lines))
        if differing == 0:
            return indent
        if best[0] is None or differing < best[0]:
            best = (differing, indent)
    return best[1]


def _apply(old: Any, new: Any) -> Any:
    """`new` laid over the loaded node `old`: unchanged parts keep their comments and style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import ScalarString

    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _apply(old[key], value) if key in old else value
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        common = min(len(old), len(new))
        for i in range(common):
            old[i] = _apply(old[i], new[i])
        del old[common:]
        old.extend(_styled_like(old[-1] if len(old) else None, v) for v in new[common:])
        return old
    if _same_scalar(old, new):
        return old
    if isinstance(old, ScalarString) and isinstance(new, str):
        return type(old)(new)  # keep the quoting style of the value it replaces
    return new


def _styled_like(sibling: Any, value: Any) -> Any:
    """A new list item written in the style of the one before it (one-line `{…}` rows stay one-line)."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(sibling, CommentedMap) and sibling.fa.flow_style() and isinstance(value, dict):
        item = CommentedMap(value)
        item.fa.set_flow_style()
        return item
    return value


def _same_scalar(old: Any, new: Any) -> bool:
    if isinstance(old, dict | list) or isinstance(new, dict | list):
        return False
    if isinstance(old, bool) != isinstance(new, bool) or isinstance(old, str) != isinstance(new, str):
        return False
    return bool(old == new)


def _plain_yaml(text: str, data: dict) -> str:
    import yaml

    return leading_comments(text) + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                          default_flow_style=False)


# --------------------------------------------------------------------------- tender files


