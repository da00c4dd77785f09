"""Which data a dashboard shows, and on which day: the data's fingerprint and version.

`fingerprint` is the cheap identity of the data the server polls: every file under
municipalities/, procurement/ (not its out/), catalogue/ and products*.yaml (path,
size, mtime), the git HEAD when the data folder is in a repository, and today's date
(the figures depend on it). `data_version` is what the pages say they show. Both the
pages (`pages`) and the site build (`site`) read these, so they sit below both.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from digireform.io import git

DATA_TREES = ("municipalities", "procurement", "catalogue")
OSLO = ZoneInfo("Europe/Oslo")
POLL_GIT_TIMEOUT = 10  # seconds: the server polls the fingerprint and must not hang on git
SKIPPED_DIRS = {"out", "__pycache__"}


def data_files(data_dir: Path) -> list[Path]:
    """The files whose change means new figures (symlinks are not followed)."""
    files = [p for p in data_dir.glob("products*.yaml") if p.is_file() and not p.is_symlink()]
    for tree in DATA_TREES:
        root = data_dir / tree
        if not root.is_dir() or root.is_symlink():
            continue
        for folder, dirs, names in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            files.extend(Path(folder) / n for n in sorted(names) if not n.startswith("."))
    return sorted(files)


def local_now() -> dt.datetime:
    """Now in Norway (the server may run in UTC): every time and date a page shows is Oslo time."""
    return dt.datetime.now(OSLO)


def local_today() -> dt.date:
    return local_now().date()


def fingerprint(data_dir: Path, today: dt.date | None = None) -> str:
    """Changes when any data file, the git HEAD or the date changes."""
    h = hashlib.sha256(f"{data_dir}|{(today or local_today()).isoformat()}".encode())
    h.update(f"head|{git.head(data_dir, timeout=POLL_GIT_TIMEOUT) or ''}".encode())
    for p in data_files(data_dir):
        try:
            st = p.lstat()
        except OSError:
            continue
        h.update(f"{p.relative_to(data_dir)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


DATA_PATHSPECS = (*DATA_TREES, "products*.yaml", ":(exclude)procurement/out")


def data_version(data_dir: Path) -> dict[str, Any]:
    """Which data a page shows: the last commit that touched the data, else the newest file time.

    The data folder may sit inside the code's repository (the shipped example): the commit
    is the last one that changed municipalities/, procurement/ (not its out/), catalogue/ or
    products*.yaml, relative to the data folder, and «dirty» means uncommitted changes
    under those paths only. Dates and times are Oslo time (`OSLO`), not the server's zone.
    """
    last = git.last_commit(data_dir, DATA_PATHSPECS)
    if last:
        short, stamp = last
        date = dt.datetime.fromtimestamp(stamp, OSLO).date().isoformat()
        return {"kind": "git", "hash": short, "date": date, "dirty": git.has_uncommitted(data_dir, DATA_PATHSPECS)}
    times = []
    for p in data_files(data_dir):
        try:
            times.append(p.lstat().st_mtime)
        except OSError:
            continue
    newest = dt.datetime.fromtimestamp(max(times), OSLO).replace(tzinfo=None) if times else None
    return {"kind": "files", "time": newest.isoformat(timespec="seconds") if newest else ""}
