"""What the last build wrote, so a new build never overwrites adjusted documents silently.

A procurement officer often finishes a Word document by hand (konkurransegrunnlag.docx).
Each build records the SHA-256 of every file it wrote in a small manifest in the output
folder (`.digireform-bygg.json`; the dot keeps it out of file lists and off the dashboard
server, whose document names start with a letter or digit). Before the next build, a file
that exists and is not byte-for-byte what the last build wrote — edited since, or not made
by a build at all — is reported instead of overwritten (`OverwriteRefused`), until the
person says so (`overwrite=True`, `--overwrite`) or builds into a fresh folder. A missing or
unreadable manifest proves nothing, so every existing file then counts as changed: fail closed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from digireform.io.atomic import atomic_write_bytes
from digireform.model.errors import DigireformError, display_path

MANIFEST = ".digireform-bygg.json"


class OverwriteRefused(DigireformError):
    """A build would overwrite files that are not what the last build wrote; nothing was written."""

    def __init__(self, out: Path, changed: list[Path]):
        self.out = Path(out)
        self.changed = list(changed)
        names = "\n".join(f"  {display_path(p)} ({modified_text(p)})" for p in self.changed)
        super().__init__(
            f"Bygget ikke: disse filene i {display_path(out)} er endret etter forrige bygging (eller ikke laget av "
            f"en bygging) og ville blitt overskrevet:\n{names}\n"
            "Flytt dem bort, bygg til en annen mappe med --out MAPPE, eller overskriv dem med --overwrite. "
            "Ingenting er skrevet."
        )


def modified_text(path: Path) -> str:
    """«endret 2026-12-01 14:05», the file's modification time in local time."""
    try:
        when = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return "kan ikke leses"
    return f"endret {when:%Y-%m-%d %H:%M}"


def digest(path: Path) -> str | None:
    """SHA-256 of the file, None when it cannot be read (then it counts as changed)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def recorded(out: Path) -> dict[str, str]:
    """File name → SHA-256 as the last build in `out` wrote it; {} without a readable manifest."""
    try:
        data = json.loads((Path(out) / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def changed_since_build(out: Path, names: list[str]) -> list[Path]:
    """The files among `names` in `out` a build would overwrite that the last build did not write as they are."""
    last = recorded(out)
    changed = []
    for name in names:
        path = Path(out) / name
        if path.is_file() and (name not in last or digest(path) != last[name]):
            changed.append(path)
    return changed


def record(out: Path, files: dict[str, Path]) -> None:
    """Record the files a build wrote (name → SHA-256), keeping the entries of files it did not write.

    Called also after a build that failed half-way, so what it did write is known as its own.
    """
    entries = {**recorded(out), **{_name(out, p): digest(p) for p in files.values()}}
    text = json.dumps({"files": entries}, ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(Path(out) / MANIFEST, text.encode("utf-8"))


def _name(out: Path, path: Path) -> str:
    """The file's name as `changed_since_build` is asked about it: relative to `out` («intern/…»)."""
    try:
        return Path(path).relative_to(out).as_posix()
    except ValueError:
        return Path(path).name


def fresh_folder(out: Path, now: dt.datetime | None = None) -> Path:
    """A new sibling folder «<out>-ÅÅÅÅ-MM-DD-TTMM» (with «-2», «-3» … if taken), for a build beside the old one."""
    now = now or dt.datetime.now()
    base = Path(out).parent / f"{Path(out).name}-{now:%Y-%m-%d-%H%M}"
    candidate, n = base, 2
    while candidate.exists():
        candidate, n = base.with_name(f"{base.name}-{n}"), n + 1
    return candidate
