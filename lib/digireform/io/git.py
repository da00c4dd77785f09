"""Git access: the one place the package runs git.

Git is the history of the data: the weekly change list compares the working files with
HEAD (`analysis.changes`), and the dashboards say which commit they show (`dashboard.dataversion`).
Every call runs ``git -C <folder> …`` with its output captured and a timeout, and none
raises for git's own failures: a folder outside any repository, a path not in HEAD or a
missing git program give None, False or an empty list, and the caller decides what that
means for the user (`installed` tells a missing program from a missing repository).

The folder may be the repository's root or any folder inside it; paths and pathspecs are
relative to the folder, as git takes them with ``-C``.
"""
from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_SECONDS = 30


def installed() -> bool:
    """Is there a git program on the PATH?"""
    return shutil.which("git") is not None


def run(folder: str | Path, *args: str, timeout: float = TIMEOUT_SECONDS) -> subprocess.CompletedProcess[bytes] | None:
    """``git -C folder args…`` with stdout and stderr captured as bytes; None when git could not run
    (not installed, not startable, or slower than `timeout` seconds)."""
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None


def output(folder: str | Path, *args: str, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """The command's stdout as text (UTF-8, stripped) when it succeeded, else None."""
    done = run(folder, *args, timeout=timeout)
    if done is None or done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace").strip()


def is_repo(folder: str | Path) -> bool:
    """Does `folder` lie inside a git working tree?"""
    return output(folder, "rev-parse", "--is-inside-work-tree") == "true"


def head(folder: str | Path, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """The full hash of HEAD; None outside a repository or before the first commit."""
    return output(folder, "rev-parse", "--verify", "-q", "HEAD", timeout=timeout)


def last_commit(folder: str | Path, pathspecs: Sequence[str] = ()) -> tuple[str, int] | None:
    """(short hash, commit time in Unix seconds) of the last commit that touched `pathspecs`
    (any path when empty); None when there is none."""
    line = output(folder, "log", "-1", "--format=%h|%ct", "--", *pathspecs)
    if not line or "|" not in line:
        return None
    short, stamp = line.split("|", 1)
    return short, int(stamp)


def has_uncommitted(folder: str | Path, pathspecs: Sequence[str] = ()) -> bool:
    """Are there uncommitted changes (staged, unstaged or untracked) under `pathspecs`?"""
    return bool(output(folder, "status", "--porcelain", "--", *pathspecs))


def file_at_head(folder: str | Path, path: str) -> bytes | None:
    """The bytes of `path` (relative to `folder`) as committed in HEAD; None when it is not there."""
    done = run(folder, "show", f"HEAD:./{path}")
    return done.stdout if done is not None and done.returncode == 0 else None


def files_at_head(folder: str | Path, under: str) -> list[str]:
    """Every file path in HEAD below `under` (relative to `folder`); empty when there is no HEAD."""
    text = output(folder, "ls-tree", "-r", "--name-only", "HEAD", "--", under)
    return text.splitlines() if text else []
