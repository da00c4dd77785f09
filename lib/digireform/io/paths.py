"""Where the data is: the data folder and its municipality folders (`<nr>-<slug>`).

Folder names are checked here because a folder that is skipped silently would
drop a municipality from every output.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from digireform.model.errors import DigireformError, Problem, display_path, os_reason
from digireform.model.region import FOLDER_RE

_FOLDER = "(mappe)"


DATA_ENV = "DIGIREFORM_DATA"
PROJECT_NAME = "digireform"
NO_DATA_DIR = ("Fant ingen datamappe: bruk --data MAPPE eller sett DIGIREFORM_DATA til en mappe med "
               "municipalities/ og procurement/, eller kjør kommandoen fra en slik mappe.")


@cache
def checkout_root() -> Path | None:
    """The source checkout this package is imported from, or None when it is installed.

    A checkout is recognised by what it holds, not by its distance from this module
    (`parents[N]` names some unrelated folder once the package sits in site-packages):
    walking up from this file, the first folder whose pyproject.toml names the project
    «digireform» and that holds municipalities/ (the shipped example region). The walk stops
    at site-packages: an installed copy belongs to no checkout, even when its venv happens to
    live inside one (.venv/lib/python3.x/site-packages), so a wheel never reads a checkout's data.
    """
    return find_checkout(Path(__file__).resolve())


def find_checkout(start: Path) -> Path | None:
    """The first folder above `start` that is a digireform checkout; None at site-packages (see `checkout_root`)."""
    for folder in start.parents:
        if folder.name in ("site-packages", "dist-packages"):
            return None
        if _names_project(folder / "pyproject.toml") and (folder / "municipalities").is_dir():
            return folder
    return None


def _names_project(pyproject: Path) -> bool:
    try:
        return tomllib.loads(pyproject.read_text("utf-8")).get("project", {}).get("name") == PROJECT_NAME
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def repository_root() -> Path:
    """The checkout (see `checkout_root`); DigireformError when the package is installed from a wheel."""
    root = checkout_root()
    if root is None:
        raise DigireformError(NO_DATA_DIR)
    return root


def default_data_dir() -> Path:
    """The data folder when neither --data nor $DIGIREFORM_DATA names one.

    The current folder when it holds municipalities/ (the folder you stand in is the one you
    mean, installed or not); else, in a checkout, the shipped example region, so `make
    dashboards` and the notebooks (run from notebooks/) work unchanged; else, installed from
    a wheel, there is no example region to fall back on: a Norwegian DigireformError.
    """
    here = Path.cwd()
    if (here / "municipalities").is_dir():
        return here
    root = checkout_root()
    if root is None:
        raise DigireformError(NO_DATA_DIR)
    return root


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """--data DIR, else $DIGIREFORM_DATA, else `default_data_dir()`; the folder must exist."""
    chosen = data_dir or os.environ.get(DATA_ENV) or default_data_dir()
    path = Path(chosen).expanduser().resolve()
    if not path.is_dir():
        raise DigireformError(f"Datamappen {display_path(path)} finnes ikke.")
    return path


@dataclass
class FolderScan:
    """The municipality folders under municipalities/ and a problem for each entry refused."""

    folders: list[Path]
    problems: list[Problem]
    duplicates: dict[str, list[Path]] = field(default_factory=dict)


def scan_folders(data_dir: Path) -> FolderScan:
    """Every folder `<4 digits>-<slug>` under municipalities/, one per number; the rest named.

    Refused with a problem, never read: a symbolic link (a folder linked from elsewhere must
    not become a municipality), a folder whose name is not `<number>-<slug>` (it would vanish
    from every output without a word), and every folder of a number that has two (which one
    holds the truth is not ours to guess), a folder that cannot be listed. Hidden entries
    (`.git`, `.ipynb_checkpoints`) and plain files are not municipalities and are passed over.
    """
    base = Path(data_dir) / "municipalities"
    if not base.is_dir():
        return FolderScan([], [])
    try:
        entries = sorted(os.scandir(base), key=lambda e: e.name)
    except OSError as exc:
        return FolderScan([], [Problem(display_path(base), None, _FOLDER, f"mappen kan ikke leses ({os_reason(exc)})",
                                       scope="folder")])
    problems: list[Problem] = []
    by_number: dict[str, list[Path]] = {}
    for entry in entries:
        path = base / entry.name
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.append(Problem(display_path(path), None, _FOLDER, "er en symbolsk lenke; kommunemapper må ligge "
                                    "i datamappen (kopier mappen inn i stedet for å lenke til den); ikke lest",
                                    scope="folder"))
        elif entry.is_dir():
            m = FOLDER_RE.match(entry.name)
            if m and not os.access(path, os.R_OK | os.X_OK):
                problems.append(Problem(display_path(path), None, _FOLDER, "mappen kan ikke leses (ingen lesetilgang); "
                                        "kommunen er ikke med", scope="folder"))
            elif m:
                by_number.setdefault(m[1], []).append(path)
            else:
                problems.append(Problem(display_path(path), None, _FOLDER, "mappenavnet skal være kommunenummer og "
                                        "navn, f.eks. 1853-evenes; mappen er ikke lest", scope="folder"))
    duplicates = {nr: paths for nr, paths in by_number.items() if len(paths) > 1}
    for nr, paths in duplicates.items():
        names = ", ".join(p.name for p in paths)
        problems += [Problem(display_path(p), None, _FOLDER, f"kommunenummer {nr} har flere mapper ({names}); "
                             "behold én; ingen av dem er lest", scope="folder") for p in paths]
    folders = [paths[0] for nr, paths in sorted(by_number.items()) if nr not in duplicates]
    return FolderScan(folders, problems, duplicates)


def municipality_folders(data_dir: Path) -> list[Path]:
    """The folders that hold a municipality (see `scan_folders` for what is refused)."""
    return scan_folders(data_dir).folders


def folder_for(data_dir: Path, number: str) -> Path:
    """The folder of municipality `number`; DigireformError when there is none, or two."""
    scan = scan_folders(data_dir)
    if number in scan.duplicates:
        names = ", ".join(display_path(p) for p in scan.duplicates[number])
        raise DigireformError(f"Kommune {number} har flere mapper ({names}); behold én før du lagrer.")
    for folder in scan.folders:
        if folder.name[:4] == number:
            return folder
    raise DigireformError(f"Fant ingen mappe for kommune {number} under {display_path(data_dir / 'municipalities')}.")
