"""Problems found in user data, and the one exception type the CLI turns into messages."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file: rendered as ``FILE:LINE: field: message``."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}"


def display_path(path: Path | str) -> str:
    """Path as the user typed it: relative to the working directory when below it."""
    p = Path(path)
    try:
        return os.path.relpath(p) if p.is_absolute() and Path.cwd() in p.parents else str(p)
    except ValueError:
        return str(p)


class DigireformError(Exception):
    """Bad input or a refused operation: shown to the user without a traceback."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __str__(self) -> str:
        lines = [self.message] if self.message else []
        lines += [str(p) for p in self.problems]
        return "\n".join(lines)


class ValidationError(DigireformError):
    """Data did not validate; nothing was written."""
