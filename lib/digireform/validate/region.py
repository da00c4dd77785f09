"""Loading a whole region, checked: every folder, profile, table and survey file.

Problems are collected, not raised, so `digireform validate` lists them all;
`load_valid` is for computations that must not run on bad data.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from digireform.io.paths import resolve_data_dir, scan_folders
from digireform.io.tables import child_label, parse_tables, read_text
from digireform.model import register
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.privacy import private_profile_keys
from digireform.model.region import KINDS, PROFILE_FILE, Region
from digireform.model.schema import FileSpec, file_spec
from digireform.validate.profile import read_profile
from digireform.validate.survey import load_responses
from digireform.validate.tables import check_tables


def load(data_dir: str | os.PathLike | None = None) -> Region:
    """Read and validate every municipality folder; problems are collected, not raised."""
    root = resolve_data_dir(data_dir)
    scan = scan_folders(root)
    problems: list[Problem] = list(scan.problems)
    rows, profiles, contacts = [], {}, {}
    loaded: list[tuple[str, Path, str]] = []  # (number, folder, its label) of every readable profile
    for folder in scan.folders:
        number = folder.name[:4]
        folder_label = display_path(folder)
        profile = read_profile(folder, number, problems, child_label(folder_label, PROFILE_FILE))
        if profile is None:
            continue
        private = {key: profile.pop(key) for key in private_profile_keys() if key in profile}  # data/privacy.yaml
        contacts[number] = private.get("contacts") or []
        profiles[number] = profile
        rows.append(_municipality_row(number, folder, profile))
        loaded.append((number, folder, folder_label))
    if not (root / "municipalities").is_dir():
        problems.append(Problem(display_path(root), None, "municipalities", "mappen municipalities/ mangler",
                                scope="folder"))
    munis = pd.DataFrame(rows, columns=_MUNI_COLUMNS).set_index("number", drop=False)
    munis.index.name = None
    tables = {}
    for kind in KINDS:  # files are read one at a time while parsing: no national set of texts in memory
        spec = file_spec(kind)
        tables[kind] = check_tables(parse_tables(_texts(loaded, spec, problems), spec, problems), spec, problems)
    systems, welfare = tables["systems"], tables["welfare"]
    region = Region(root, munis, systems, welfare, profiles, contacts, problems)
    problems += _optional_file_problems(region)
    problems.sort(key=lambda p: (p.file, p.line or 0))
    return region


def _texts(loaded: list[tuple[str, Path, str]], spec: FileSpec, problems: list[Problem]) -> Iterator[tuple[str, str, str]]:
    """(number, file label, text) of each municipality's file of this kind, read when asked for."""
    for number, folder, folder_label in loaded:
        path = folder / spec.filename
        if os.path.lexists(path):
            label = child_label(folder_label, spec.filename)
            text = read_text(path, problems, label)
            if text is not None:
                yield number, label, text


def _optional_file_problems(region: Region) -> list[Problem]:
    """Problems in the optional per-municipality files (survey.csv), so `validate` sees them."""
    return load_responses(region)[1]


def load_valid(data_dir: str | os.PathLike | None = None, purpose: str = "Beregningen") -> Region:
    """`load`, but refuse (ValidationError listing every problem) when the data has problems."""
    region = load(data_dir)
    if region.problems:
        raise ValidationError(
            f"{purpose} lages ikke før dataene er gyldige (se digireform validate):", region.problems
        )
    return region


def validate(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """All problems in the data folder (empty when valid). Writes nothing."""
    return load(data_dir).problems


_MUNI_COLUMNS = [
    "number", "name", "register_name", "folder", "example_data", "population", "population_year",
    "area_km2", "adm_center", "language", "orgnr",
]


def _municipality_row(number: str, folder: Path, profile: dict) -> dict:
    reg = register.get(number)
    pop = profile.get("population") if isinstance(profile.get("population"), dict) else {}
    total = pop.get("total") if isinstance(pop.get("total"), int) else (reg.population if reg else None)
    return {
        "number": number,
        "name": profile.get("name") or (reg.name_no if reg else number),
        "register_name": reg.name if reg else None,
        "folder": str(folder),
        "example_data": bool(profile.get("example_data", False)),
        "population": total,
        "population_year": pop.get("year"),
        "area_km2": reg.area_km2 if reg else None,
        "adm_center": reg.adm_center if reg else None,
        "language": reg.language if reg else None,
        "orgnr": str(profile["orgnr"]) if profile.get("orgnr") else None,
    }
