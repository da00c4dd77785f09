"""Read, validate and write the data folders (municipalities/<nr>-<slug>/...).

Every file is read through `textio` (one decoding policy, one CSV reader with physical line
numbers, one tidy step) and validated against the stored-file rules of `values`. Validation
is vectorised over all municipalities at once so a national data set (357 × 180 systems)
loads in about the time pandas needs to read the CSV files.
Every problem becomes a ``Problem`` (FILE:LINE: field: message); nothing here raises
at the user for bad data, and nothing here writes unless asked to save.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from digireform.io import textio
from digireform.model import register, values
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path, os_reason
from digireform.model.privacy import missing_column_problems, private_profile_keys
from digireform.model.schema import (
    DIGITALISATION_LEVELS,
    SERVICE_AREAS,
    FileSpec,
    code_list,
    file_spec,
    load_yaml_text,
    orgnr_valid,
    yaml_problem,
)

FOLDER_RE = re.compile(r"^(\d{4})-(.+)$")
PROFILE_FILE = "kommune.yaml"
KINDS = ("systems", "welfare")
AGE_BANDS = ("0-17", "18-66", "67-79", "80+")
CHANNEL_FIELDS = (
    "personal_visits", "phone_in", "phone_out", "web_visits", "letters_in", "letters_out",
    "email_in", "email_out", "digital_post_out", "selfservice_completed", "selfservice_abandoned",
)
_FOLDER = "(mappe)"


# --------------------------------------------------------------------------- paths


def repository_root() -> Path:
    """The checkout this package was installed from (holds the shipped example region)."""
    return Path(__file__).resolve().parents[3]


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """--data DIR, else $DIGIREFORM_DATA, else the repository (the shipped example region)."""
    chosen = data_dir or os.environ.get("DIGIREFORM_DATA") or repository_root()
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


# --------------------------------------------------------------------------- region


@dataclass
class Region:
    """The loaded data: one row per municipality, system and welfare record."""

    data_dir: Path
    municipalities: pd.DataFrame  # index: number
    systems: pd.DataFrame
    welfare: pd.DataFrame
    profiles: dict[str, dict[str, Any]]  # kommune.yaml without personal data
    contacts: dict[str, list[dict[str, Any]]] = field(repr=False, default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def example_data(self) -> bool:
        return bool(self.municipalities["example_data"].any()) if len(self.municipalities) else False

    @property
    def numbers(self) -> list[str]:
        return list(self.municipalities.index)

    def name(self, number: str) -> str:
        return str(self.municipalities.at[number, "name"])

    def file(self, number: str, kind: str) -> Path:
        """Path of a municipality's data file (`systems`, `welfare` or `profile`)."""
        folder = Path(self.municipalities.at[number, "folder"])
        return folder / (PROFILE_FILE if kind == "profile" else file_spec(kind).filename)

    def in_use_systems(self) -> pd.DataFrame:
        """Systems whose lifecycle is not `retired`."""
        return self.systems[self.systems["lifecycle"] != "retired"]


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
        profile = _load_profile(folder, number, problems, _child_label(folder_label, PROFILE_FILE))
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
            label = _child_label(folder_label, spec.filename)
            text = read_text(path, problems, label)
            if text is not None:
                yield number, label, text


def _optional_file_problems(region: Region) -> list[Problem]:
    """Problems in the optional per-municipality files (survey.csv), so `validate` sees them."""
    from digireform.ingest.survey import load_responses  # imports store: only import it once store is loaded

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


# --------------------------------------------------------------------------- reading files


def read_bytes(path: Path, problems: list[Problem], label: str | None = None) -> bytes | None:
    """The file's bytes; a problem (and None) for a symbolic link or a file that cannot be read.

    A link is never followed: `welfare.csv -> /etc/passwd` must not be read into a report.
    """
    label = label or display_path(path)
    if Path(path).is_symlink():
        problems.append(Problem(label, None, "(fil)", "er en symbolsk lenke; datafiler må være vanlige filer i "
                                "kommunemappen (lenken er ikke fulgt)", scope="file"))
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, "(fil)", f"filen kan ikke leses ({os_reason(exc)})", scope="file"))
        return None


def read_text(path: Path, problems: list[Problem], label: str | None = None) -> str | None:
    """A stored data file as text (textio.decode_stored: UTF-8 without BOM); problems appended.

    `label`: how messages name the file (display_path(path), passed when already known)."""
    label = label or display_path(path)
    data = read_bytes(path, problems, label)
    return None if data is None else textio.decode_stored(data, label, problems)


def _child_label(folder_label: str, name: str) -> str:
    """display_path(folder / name) from display_path(folder), without its relpath per file."""
    return name if folder_label == "." else f"{folder_label}{os.sep}{name}"


def parse_tables(items: Iterable[tuple[str, str, str]], spec: FileSpec, problems: list[Problem]) -> pd.DataFrame:
    """CSV texts (number, file label, text) → one frame of tidy strings with municipality, file, line.

    Every file goes through the same reader (textio.read_records + tidy), so the rows and the
    problems, with their line numbers, do not depend on whether any cell was quoted. Columns
    are filled file by file (a national data set never exists as rows of lists at once), and
    equal cells of a column share one string object, as pandas' own parser does: the typed
    frame lives as long as the region, and the csv reader makes a new string per cell.
    """
    columns: dict[str, list[str]] = {c: [] for c in spec.columns}
    shared: dict[str, dict[str, str]] = {c: {} for c in spec.columns}  # equal cells → one string object
    numbers: list[str] = []
    files: list[str] = []
    lines: list[int] = []
    for number, label, text in items:
        parsed = _table_rows(text, spec, label, problems)
        if parsed is None or not parsed[0]:
            continue
        cells, row_lines = parsed
        for key, column in zip(spec.columns, zip(*cells, strict=True), strict=True):
            seen = shared[key]
            columns[key].extend(map(seen.setdefault, column, column))
        lines += row_lines
        numbers += [number] * len(cells)
        files += [label] * len(cells)
    frame = pd.DataFrame({c: _object_array(columns.pop(c)) for c in spec.columns})
    frame["municipality"] = pd.Series(numbers, dtype=str)
    frame["file"] = pd.Series(files, dtype=str)
    frame["line"] = pd.Series(lines, dtype="int64")
    return frame


def _rows_frame(rows: list[list[str]], columns: list[str]) -> pd.DataFrame:
    """Rows of equal width → a frame of object columns (built column-wise: faster than row-wise)."""
    data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame({c: _object_array(list(v)) for c, v in zip(columns, data, strict=True)})


def _object_array(values: list[str]) -> np.ndarray:
    """A list of strings as an object array (fromiter: no per-item sequence check)."""
    return np.fromiter(values, dtype=object, count=len(values))


def parse_table(text: str, spec: FileSpec, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """One CSV text → DataFrame of tidy strings with a `line` column (header = line 1)."""
    parsed = _table_rows(text, spec, label, problems)
    if parsed is None:
        return None
    frame = _rows_frame(parsed[0], spec.columns)
    frame["line"] = pd.Series(parsed[1], dtype="int64")
    return frame


def _table_rows(text: str, spec: FileSpec, label: str, problems: list[Problem]) -> tuple[list[list[str]], list[int]] | None:
    """The file's data rows in canonical column order, tidy, with their physical lines.

    Header problems are named (`_header_positions`); the rows are fitted to the columns by
    `fit_rows` (a row with too many fields is named and left out, short rows padded).
    """
    if not text.strip():
        problems.append(Problem(label, 1, "(fil)", "filen er tom; første linje skal være overskriftene", scope="file"))
        return None
    recs = textio.read_records(text, label)
    problems += recs.problems
    header = [h.strip() for h in recs.records[0]] if recs.records else []
    _header_positions(header, spec, label, problems)
    data, lines = textio.tidy(recs.records[1:], recs.lines[1:], text)
    out, kept = fit_rows(data, lines, header, spec.columns, label, problems)
    problems += missing_column_problems(spec.kind, label, header, len(out))  # privacy fails closed: say so
    return out, kept


def fit_rows(data: list[list[str]], lines: list[int], header: list[str], columns: list[str], label: str,
             problems: list[Problem]) -> tuple[list[list[str]], list[int]]:
    """Tidy data rows (`textio.tidy`) → rows in `columns` order, with their lines.

    One rule for every stored CSV file (systems.csv, welfare.csv, survey.csv): a row with
    more fields than the header is named (scope "row") and left out, since its fields cannot
    be put in columns without guessing; the other rows are kept. A short row's missing
    trailing fields are empty, and so is a column the header lacks. A column named twice is
    read from its first place (the header check names the repetition).
    """
    first: dict[str, int] = {}
    for i, name in enumerate(header):
        first.setdefault(name, i)
    positions = [first.get(c) for c in columns]
    width, identity = len(header), header == list(columns)
    out, kept = [], []
    for cells, line in zip(data, lines, strict=True):
        if len(cells) > width:
            problems.append(Problem(label, line, "(rad)", f"har {len(cells)} felt, men overskriften har {width}; "
                                    "raden er ikke lest", scope="row"))
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        out.append(cells if identity else [cells[i] if i is not None else "" for i in positions])
        kept.append(line)
    return out, kept


def _header_positions(header: list[str], spec: FileSpec, label: str, problems: list[Problem]) -> list[int | None]:
    """For each canonical column its position in the header (None: absent); header problems appended.

    The positions are those `fit_rows` uses (the first place of each column)."""
    import difflib

    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if not col:
            problems.append(Problem(label, 1, f"kolonne {i + 1}", "kolonnen har ingen overskrift"))
        elif col in spec.by_key and col in seen:
            problems.append(Problem(label, 1, col, f"kolonnen står to ganger (kolonne {seen[col] + 1} og {i + 1})"))
        elif col in spec.by_key:
            seen[col] = i
        else:
            near = difflib.get_close_matches(col, spec.columns, n=1, cutoff=0.8)
            hint = f"; mente du «{near[0]}»?" if near else ""
            problems.append(Problem(label, 1, col, f"ukjent kolonne; gyldige kolonner: {', '.join(spec.columns)}{hint}"))
    for f in spec.fields:
        if f.required and f.key not in seen:
            problems.append(Problem(label, 1, f.key, "kolonnen mangler (påkrevd)"))
    return [seen.get(c) for c in spec.columns]


# --------------------------------------------------------------------------- checking tables


def check_tables(raw: pd.DataFrame, spec: FileSpec, problems: list[Problem]) -> pd.DataFrame:
    """Validate the parsed (stripped, blank rows dropped) rows of all files at once.

    Returns typed rows and appends problems. Messages are built only for the cells that fail.
    The per-cell tests are plain loops over the cells' Python strings: on object columns they
    are several times faster than the equivalent pandas calls (measured at national scale).
    """
    raw = raw.reset_index(drop=True)
    out = pd.DataFrame({"municipality": raw["municipality"].astype(str), "line": raw["line"].astype("int64")})
    files = raw["file"].to_numpy()
    lines = raw["line"].to_numpy()

    def report(mask: np.ndarray | pd.Series, key: str, message: pd.Series | str) -> None:
        """`message`: a text where «{v}» stands for the cell, or one ready message per row."""
        idx = np.asarray(mask, dtype=bool).nonzero()[0]
        if not len(idx):
            return
        cells = raw[key].to_numpy() if isinstance(message, str) and "{v}" in message else None
        for i in idx:
            if isinstance(message, str):
                msg = message if cells is None else message.replace("{v}", str(cells[i]))
            else:
                msg = message.iloc[i]
            problems.append(Problem(files[i], int(lines[i]), key, msg))

    for f in spec.fields:
        cells = raw[f.key].to_numpy(dtype=object)
        empty = cells == ""
        if f.required:
            report(empty, f.key, "mangler (påkrevd felt)")
        out[f.key] = _check_column(cells, empty, f, report)
    if spec.key:
        _check_unique(out, raw, spec.key, report)
        _check_integrations(out, raw, spec.key, report)
    return out


def _matches(cells: np.ndarray, pattern: str) -> np.ndarray:
    """Which cells (Python strings) match the regex."""
    match = re.compile(pattern).match
    return np.fromiter(map(bool, map(match, cells)), dtype=bool, count=len(cells))


def _check_column(cells: np.ndarray, empty: np.ndarray, f, report) -> Any:
    """Type-check one column against the stored-file rules (values.STORED_*); invalid cells → missing."""
    if f.type == "text" or f.type == "id_list":
        return pd.Series(np.where(empty, None, cells), dtype=object)
    if f.type in ("int", "number"):
        return _check_numbers(cells, empty, f, report)
    if f.type == "date":
        form = _matches(cells, values.STORED_DATE_RE)
        report(~form & ~empty, f.key, "«{v}» er ikke en dato på formen ÅÅÅÅ-MM-DD")
        low, high = 1700, 2200  # pandas computes 1677-09-21..2262-04-11; the margin covers notice periods
        far = form & np.array([bool(ok) and not low <= int(v[:4]) <= high for v, ok in zip(cells, form, strict=True)], dtype=bool)
        report(far, f.key, f"«{{v}}» ligger utenfor årene {low}–{high}; er et siffer feil?")
        form = form & ~far
        dates = pd.to_datetime(pd.Series(np.where(form, cells, None), dtype=object), format="%Y-%m-%d", errors="coerce")
        report(form & dates.isna().to_numpy(), f.key, "«{v}» er ikke en gyldig kalenderdato")
        return dates.astype("datetime64[ns]")
    if f.type == "code":
        codes = list(code_list(f.codes))
        where = {c: i for i, c in enumerate(codes)}
        position = np.fromiter(map(where.get, cells, repeat(-1)), dtype=np.int64, count=len(cells))  # -1: not a code
        report((position < 0) & ~empty, f.key, f"«{{v}}» er ikke en gyldig kode; gyldige: {', '.join(codes)}")
        return pd.Categorical.from_codes(position, categories=codes)
    if f.type == "orgnr":
        bad = np.array([bool(v) and not orgnr_valid(v) for v in cells], dtype=bool)
        report(bad, f.key, "«{v}» er ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer mod 11)")
        return pd.Series(np.where(empty | bad, None, cells), dtype=object)
    raise ValueError(f"unknown field type {f.type}")  # a bug in schema.yaml, not user data


def _too_many_digits(cell: str) -> bool:
    return len(cell.split(".")[0].lstrip("-").lstrip("0")) > values.MAX_DIGITS


def _check_numbers(cells: np.ndarray, empty: np.ndarray, f, report) -> pd.Series:
    """`int` / `number` cells: stored spelling, at most MAX_DIGITS whole digits, min/max."""
    pattern = values.STORED_INT_RE if f.type == "int" else values.STORED_NUMBER_RE
    ok_form = _matches(cells, pattern) | empty
    what = "et heltall" if f.type == "int" else "et tall (punktum som desimaltegn, uten tusenskille)"
    report(~ok_form, f.key, f"«{{v}}» er ikke {what}")
    long = np.zeros(len(cells), dtype=bool)
    if len(cells) and max(map(len, cells)) > values.MAX_DIGITS:  # rare: only then cell by cell
        long = np.array([len(v) > values.MAX_DIGITS and _too_many_digits(v) for v in cells], dtype=bool) & ok_form
    report(long, f.key, f"«{{v}}» er for stort (høyst {values.MAX_DIGITS} sifre)")
    usable = ok_form & ~empty & ~long
    numbers = pd.to_numeric(pd.Series(np.where(usable, cells, None), dtype=object), errors="coerce").astype("float64")
    bad = np.zeros(len(cells), dtype=bool)
    if f.min is not None:
        low = (numbers < f.min).to_numpy()
        report(low, f.key, f"«{{v}}» er for lite (minst {_fmt(f.min)})")
        bad |= low
    if f.max is not None:
        high = (numbers > f.max).to_numpy()
        report(high, f.key, f"«{{v}}» er for stort (høyst {_fmt(f.max)})")
        bad |= high
    numbers = numbers.where(~bad)
    return numbers.astype("Int64") if f.type == "int" else numbers


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _check_unique(out: pd.DataFrame, raw: pd.DataFrame, key: str, report) -> None:
    ids = out[key]
    present = ids.notna()
    dup = present & out.duplicated(["municipality", key], keep="first")
    if dup.any():
        first_line = out[present].drop_duplicates(["municipality", key]).set_index(["municipality", key])["line"]
        msgs = pd.Series("", index=out.index, dtype=object)
        for i in dup[dup].index:
            msgs.at[i] = f"«{ids.at[i]}» er brukt før, på linje {first_line.at[(out.at[i, 'municipality'], ids.at[i])]}"
        report(dup, key, msgs)


def _check_integrations(out: pd.DataFrame, raw: pd.DataFrame, key: str, report) -> None:
    """Every `;`-separated id in `integrations` must be a system_id of the same municipality."""
    if "integrations" not in out or not out["integrations"].notna().any():
        return
    refs = out["integrations"].dropna().str.split(";").explode().str.strip()
    refs = refs[refs != ""]
    known = pd.MultiIndex.from_arrays([out["municipality"], out[key]])
    wanted = pd.MultiIndex.from_arrays([out.loc[refs.index, "municipality"], refs])
    missing = refs[~wanted.isin(known)]
    if missing.empty:
        return
    msgs = pd.Series("", index=out.index, dtype=object)
    for i, ids in missing.groupby(level=0):
        msgs.at[i] = "peker på system-ID som ikke finnes i kommunens systems.csv: " + ", ".join(f"«{m}»" for m in ids)
    report(msgs != "", "integrations", msgs)


# --------------------------------------------------------------------------- kommune.yaml


def _load_profile(folder: Path, number: str, problems: list[Problem], label: str | None = None) -> dict | None:
    path = folder / PROFILE_FILE
    label = label or display_path(path)
    if not os.path.lexists(path):
        problems.append(Problem(label, None, "(fil)", "kommune.yaml mangler", scope="file"))
        return None
    text = read_text(path, problems, label)
    if text is None:
        return None
    try:
        data = _load_profile_yaml(text)
    except Exception as exc:  # yaml.YAMLError: report its position
        problems.append(yaml_problem(exc, label))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(label, 1, "(fil)", "kommune.yaml skal være en tabell med nøkler (number, name, ...)",
                                scope="file"))
        return None
    check_profile(data, number, label, text, problems)
    return data


def _load_profile_yaml(text: str) -> Any:
    """YAML → dict; an impossible date (2027-02-30) is kept as text so the check can name it."""
    try:
        return load_yaml_text(text)
    except ValueError:  # raised by the timestamp constructor, without a position
        import yaml

        from digireform.model.schema import YamlLoader

        class _DatesAsText(YamlLoader):  # repeated keys refused here too
            pass

        _DatesAsText.yaml_implicit_resolvers = {
            k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
            for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        return yaml.load(text, Loader=_DatesAsText)


def check_profile(data: dict, folder_number: str, label: str, text: str, problems: list[Problem]) -> None:
    """Check the shape of kommune.yaml (DESIGN.md) and append problems with YAML line numbers."""

    def add(path: tuple, field_name: str, message: str) -> None:
        problems.append(Problem(label, _yaml_line(text, path), field_name, message))

    number = str(data.get("number", "")).strip()
    if not re.fullmatch(r"\d{4}", number):
        add(("number",), "number", f"«{number}» er ikke et firesifret kommunenummer (skriv det i anførselstegn)")
    elif register.get(number) is None:
        add(("number",), "number", f"kommunenummer {number} finnes ikke i kommuneregisteret (2025)")
    elif number != folder_number:
        add(("number",), "number", f"{number} stemmer ikke med mappenavnet ({folder_number}-…)")
    if not str(data.get("name", "") or "").strip():
        add(("name",), "name", "mangler (påkrevd felt)")
    if "example_data" in data and not isinstance(data["example_data"], bool):
        add(("example_data",), "example_data", "skal være true eller false")
    if data.get("orgnr") is not None and not orgnr_valid(str(data["orgnr"])):
        add(("orgnr",), "orgnr", f"«{data['orgnr']}» er ikke et gyldig organisasjonsnummer")
    _check_population(data.get("population"), add)
    _check_contacts(data.get("contacts"), add)
    _check_digitalisation(data.get("digitalisation"), add)
    _check_channels(data.get("channels"), add)
    _check_targets(data.get("targets"), add)


def _is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _check_population(pop: Any, add) -> None:
    if pop is None:
        return
    if not isinstance(pop, dict):
        add(("population",), "population", "skal være en tabell med year, source, total og age_bands")
        return
    for key in ("year", "total"):
        if key in pop and not _is_count(pop[key]):
            add(("population", key), f"population.{key}", f"«{pop[key]}» er ikke et heltall ≥ 0")
    bands = pop.get("age_bands")
    if bands is None:
        return
    if not isinstance(bands, dict):
        add(("population", "age_bands"), "population.age_bands", "skal være en tabell aldersgruppe → antall")
        return
    for band, n in bands.items():
        if str(band) not in AGE_BANDS:
            add(("population", "age_bands", band), "population.age_bands", f"ukjent aldersgruppe «{band}»; gyldige: {', '.join(AGE_BANDS)}")
        elif not _is_count(n):
            add(("population", "age_bands", band), f"population.age_bands.{band}", f"«{n}» er ikke et heltall ≥ 0")
    if _is_count(pop.get("total")) and set(map(str, bands)) == set(AGE_BANDS) and all(_is_count(v) for v in bands.values()):
        s = sum(bands.values())
        if s != pop["total"]:
            add(("population", "age_bands"), "population.age_bands", f"summen av aldersgruppene ({s}) er ikke lik total ({pop['total']})")


def _check_contacts(contacts: Any, add) -> None:
    if contacts is None:
        return
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        add(("contacts",), "contacts", "skal være en liste av {role, name, email, phone}")
        return
    for i, c in enumerate(contacts):
        email = c.get("email")
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(email)):
            add(("contacts", i, "email"), "contacts.email", f"«{email}» er ikke en e-postadresse")


def _check_digitalisation(dig: Any, add) -> None:
    if dig is None:
        return
    if not isinstance(dig, dict):
        add(("digitalisation",), "digitalisation", "skal være en tabell tjenesteområde → nivå")
        return
    areas, levels = code_list(SERVICE_AREAS), code_list(DIGITALISATION_LEVELS)
    for area, level in dig.items():
        if area not in areas:
            add(("digitalisation", area), "digitalisation", f"ukjent tjenesteområde «{area}»; gyldige: {', '.join(areas)}")
        elif level not in levels:
            add(("digitalisation", area), f"digitalisation.{area}", f"«{level}» er ikke et gyldig nivå; gyldige: {', '.join(levels)}")


def _check_channels(channels: Any, add) -> None:
    if channels is None:
        return
    if not isinstance(channels, list) or not all(isinstance(c, dict) for c in channels):
        add(("channels",), "channels", "skal være en liste med én post per år")
        return
    years = set()
    for i, rec in enumerate(channels):
        year = rec.get("year")
        if not _is_count(year):
            add(("channels", i), "channels.year", f"«{year}» er ikke et årstall")
        elif year in years:
            add(("channels", i, "year"), "channels.year", f"året {year} står to ganger")
        years.add(year)
        for key, value in rec.items():
            if key in ("year", "source"):
                continue
            if key not in CHANNEL_FIELDS:
                add(("channels", i, key), f"channels.{key}", f"ukjent kanal; gyldige: {', '.join(CHANNEL_FIELDS)}")
            elif value is not None and not _is_count(value):
                add(("channels", i, key), f"channels.{key}", f"«{value}» er ikke et heltall ≥ 0")


def _check_targets(targets: Any, add) -> None:
    import datetime as dt

    if targets is None:
        return
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        add(("targets",), "targets", "skal være en liste av {id, text, metric, target, deadline}")
        return
    ids = set()
    for i, t in enumerate(targets):
        for key in ("id", "text", "metric", "target", "deadline"):
            if t.get(key) in (None, ""):
                add(("targets", i), f"targets.{key}", "mangler (påkrevd felt)")
        if t.get("id") in ids:
            add(("targets", i, "id"), "targets.id", f"«{t['id']}» er brukt før")
        ids.add(t.get("id"))
        for key in ("target", "baseline", "current"):
            v = t.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                add(("targets", i, key), f"targets.{key}", f"«{v}» er ikke et tall")
        for key in ("deadline", "baseline_date", "current_date"):
            v = t.get(key)
            if v is not None and not isinstance(v, dt.date) and not _iso_date(v):
                add(("targets", i, key), f"targets.{key}", f"«{v}» er ikke en gyldig dato ÅÅÅÅ-MM-DD")


def _iso_date(value: Any) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(str(value))
        return True
    except ValueError:
        return False


def _yaml_line(text: str, path: tuple) -> int | None:
    """1-based line of the node at `path` (keys / list indexes) in a YAML text."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(step)), None)
            key_node = next((k for k, v in node.value if k.value == str(step)), None)
            if nxt is None:
                return line
            line, node = key_node.start_mark.line + 1, nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# --------------------------------------------------------------------------- writing


def format_table(df: pd.DataFrame, kind: str) -> str:
    """Typed rows → the stored CSV text (canonical column order, ISO dates, plain numbers)."""
    spec = file_spec(kind)
    out = pd.DataFrame(index=df.index)
    for f in spec.fields:
        col = df[f.key] if f.key in df else pd.Series(None, index=df.index, dtype=object)
        out[f.key] = [_format_cell(v, f.type) for v in col]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _format_cell(value: Any, ftype: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if ftype == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if ftype in ("int", "number"):
        return values.stored_number(value)
    return str(value).strip()


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


def validate_table_text(text: str, kind: str, number: str, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate the exact text that would be written for one municipality's table."""
    problems: list[Problem] = []
    spec = file_spec(kind)
    typed = check_tables(parse_tables([(number, label, text)], spec, problems), spec, problems)
    return typed, problems


def save_table(data_dir: str | os.PathLike | None, number: str, kind: str, rows: pd.DataFrame,
               expected_fingerprint: str | None = None) -> Path:
    """Validate and write a municipality's systems.csv or welfare.csv (whole file, typed rows).

    Through the one save path (`sync.write_file`: locked, atomic). `expected_fingerprint`
    is what the caller's rows were based on: a file changed since is refused. Raises
    ValidationError (and leaves the file untouched) when the rows do not validate.
    """
    from digireform.sync import write_file

    folder = folder_for(resolve_data_dir(data_dir), number)
    path = folder / file_spec(kind).filename
    text = format_table(rows, kind)
    _, problems = validate_table_text(text, kind, number, display_path(path))
    if problems:
        raise ValidationError(f"Lagret ikke {display_path(path)}: dataene har feil.", problems)
    write_file(path, lambda _current: text, expected_fingerprint)
    return path


def save_profile(data_dir: str | os.PathLike | None, number: str, profile: dict) -> Path:
    """Validate and write a municipality's whole kommune.yaml (comments and layout kept).

    Through the one save path (`sync.write_profile`: locked, atomic, ruamel round-trip).
    """
    from digireform.sync import profile_path, write_profile

    path = profile_path(data_dir, number)
    write_profile(path, number, profile)
    return path


def leading_comments(text: str) -> str:
    """The comment block at the top of a YAML text (e.g. «EKSEMPELDATA …»), kept across saves."""
    kept = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(kept)


def read_profile(data_dir: str | os.PathLike | None, number: str) -> dict:
    """kommune.yaml as stored, personal data included (for the editors, never for outputs)."""
    path = folder_for(resolve_data_dir(data_dir), number) / PROFILE_FILE
    problems: list[Problem] = []
    text = textio.decode_stored(path.read_bytes(), display_path(path), problems)
    if text is None:
        raise ValidationError(f"{display_path(path)} kan ikke leses.", problems)
    return load_yaml_text(text) or {}
