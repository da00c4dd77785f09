"""Problems found in user data, and the one exception type the CLI turns into messages."""
from __future__ import annotations

import dataclasses
import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Scope = Literal["folder", "file", "row", "cell"]
SCOPES: tuple[Scope, ...] = ("folder", "file", "row", "cell")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file: rendered as ``FILE:LINE: field: message``.

    `scope` says how much of the data the problem keeps out, set where the problem is found
    (so no reader has to interpret the message): ``"folder"`` a whole municipality folder
    (or all of them), ``"file"`` a whole data file or the rest of it, ``"row"`` one row,
    ``"cell"`` at most a cell (also a problem that leaves nothing out, e.g. a BOM: every row
    is still read). It is keyword-only, not part of the text, and not compared: two problems
    with the same place and message are equal.
    """

    file: str
    line: int | None
    field: str
    message: str
    scope: Scope = dataclasses.field(default="cell", kw_only=True, compare=False)

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"Problem.scope must be one of {SCOPES}, not {self.scope!r}")

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


_OS_REASONS = {
    errno.EACCES: "ingen tilgang",
    errno.EPERM: "ingen tilgang",
    errno.ENOENT: "finnes ikke",
    errno.EISDIR: "er en mappe, ikke en fil",
    errno.ENOTDIR: "en del av stien er en fil, ikke en mappe",
    errno.ENOSPC: "disken er full",
    errno.EROFS: "disken er skrivebeskyttet",
    errno.ELOOP: "en symbolsk lenke som ikke følges (eller lenker som går i ring)",
    errno.EADDRINUSE: "adressen er allerede i bruk av et annet program",
    errno.EADDRNOTAVAIL: "adressen finnes ikke på denne maskinen",
}
_OS_ERRNO_OF_TYPE = ((PermissionError, errno.EACCES), (FileNotFoundError, errno.ENOENT),
                     (IsADirectoryError, errno.EISDIR), (NotADirectoryError, errno.ENOTDIR))


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Norwegian: never the system's English `strerror`.

    By error number, else by exception type (an OSError raised without a number); an
    unlisted case is named by its number only.
    """
    code = exc.errno
    if code is None:
        code = next((nr for kind, nr in _OS_ERRNO_OF_TYPE if isinstance(exc, kind)), None)
    if code in _OS_REASONS:
        return _OS_REASONS[code]
    return f"operativsystemet nektet med feilkode {code}" if code is not None else "operativsystemet nektet"


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
