"""Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder.

Readers see the old file or the new one, never half. Locking and merging are
`digireform.sync`'s; every save of the data goes through there.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write_with(path: Path, write: Callable[[Path], object],
                      before_replace: Callable[[], object] | None = None) -> Path:
    """Let `write(tmp_path)` fill a temp file in the same folder, then rename it over `path`.

    Readers see the old file or the new one, never half; a write that fails leaves the old
    file and no temp file behind. For libraries that save to a file name (docx, xlsx).
    `before_replace` runs just before the rename and may refuse it by raising. The folder
    is fsynced after the rename, so the new name survives a power cut. A process killed
    before the rename leaves «.<name>.XXXXXXXX.tmp», removed by the next save through
    `sync.write_files`.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)
    return path


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, before_replace: Callable[[], object] | None = None) -> None:
    """Write bytes atomically (temp file + fsync + rename); see `atomic_write_with`."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write_with(path, write, before_replace)


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (temp file + fsync + rename)."""
    atomic_write_bytes(path, text.encode("utf-8"))
