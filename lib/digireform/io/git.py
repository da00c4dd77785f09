"""Git access: the one place the package runs git.

Git is the history of the data: the weekly change list compares the working files with
HEAD (`analysis.changes`), and the dashboards say which commit they show (`dashboard.dataversion`).
Every call runs ``git -C <folder> …`` with its output captured and a timeout, and none
raises for git's own failures: a folder outside any repository, a path not in HEAD or a
missing git program give None, False or an empty list, and the caller decides what that
means for the user (`installed` tells a missing program from a missing repository).

The folder may be the repository's root or any folder inside it; paths and pathspecs are
relative to the folder, as git takes them with ``-C``.

Shared repositories. On a hub the data repository belongs to one owner and is written by
many users of one group (``core.sharedRepository=group``); git refuses a repository owned by
someone else («dubious ownership») unless it is named in ``safe.directory``. Every call names
the repository that holds the folder we were given (`work_tree`) with ``-c safe.directory``,
for this call only: the folder is the data the user chose to work on. `digireform access apply`
keeps the repository's config and hooks owned by root and closed to the group, so no member
can make git run a program as another member.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_SECONDS = 30


def installed() -> bool:
    """Is there a git program on the PATH?"""
    return shutil.which("git") is not None


def run(folder: str | Path, *args: str, timeout: float = TIMEOUT_SECONDS,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes] | None:
    """``git -C folder args…`` with stdout and stderr captured as bytes; None when git could not run
    (not installed, not startable, or slower than `timeout` seconds). `env` is added to ours."""
    trust = work_tree(folder)
    safe = ["-c", f"safe.directory={trust}"] if trust is not None else []
    try:
        return subprocess.run(["git", *safe, "-C", str(folder), *args], capture_output=True, check=False,
                              timeout=timeout, env={**os.environ, **env} if env else None)
    except (OSError, subprocess.SubprocessError):
        return None


def work_tree(folder: str | Path) -> Path | None:
    """The nearest folder at or above `folder` that holds a ``.git`` entry (absolute); None if none.
    Found by looking, not by asking git, which refuses a repository of another owner."""
    here = Path(os.path.abspath(folder))
    for candidate in (here, *here.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
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


def commit(folder: str | Path, paths: Sequence[str], message: str, name: str, email: str) -> str | None:
    """Commit exactly `paths` (relative to `folder`, new files included) as `name` <`email`>,
    author and committer, whatever else is staged; None when done or when they hold no change,
    else git's reason (one line) for the caller to show. Never raises for git's failures."""
    added = run(folder, "add", "--", *paths)
    if added is None or added.returncode != 0:
        return _reason(added)
    staged = run(folder, "diff", "--cached", "--quiet", "--", *paths)
    if staged is not None and staged.returncode == 0:
        return None  # the files are as committed: nothing to record
    who = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    done = run(folder, "commit", "--quiet", "--no-gpg-sign", "--only", "-m", message, "--", *paths, env=who)
    return None if done is not None and done.returncode == 0 else _reason(done)


def _reason(done: subprocess.CompletedProcess[bytes] | None) -> str:
    """git's own message, shortened to its first line that says something («fatal: …»)."""
    if done is None:
        return "git kunne ikke startes eller svarte ikke" if installed() else "git er ikke installert"
    lines = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else
                f"git avsluttet med kode {done.returncode}")
