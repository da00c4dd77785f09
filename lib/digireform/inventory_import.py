"""Import a municipality's ICT inventory from an Excel (.xlsx) or CSV export.

The project group keeps its inventory in whatever spreadsheet it already has; this module
turns such a sheet into the stored ``systems.csv`` (DESIGN.md, "Data"). It accepts what
Norwegian Excel produces: ``;`` or ``,`` (or tab) delimiters, UTF-8 (with or without BOM),
UTF-16 or Windows-1252, ``1 250 000,50`` numbers, ``31.12.2026`` dates, headers in any case
with stray spaces, blank rows, and code-list cells written as the code, its Norwegian label
or an alias.

Rules (documented here because users rely on them):

* The first sheet of an .xlsx is read. The header row is the first row that names at least
  two known columns (title rows above it are ignored); row numbers in messages are the
  sheet's own (header = row 1 when it is the first row), like ``FILE:LINE`` for stored files.
* Every column must be recognised (by Norwegian header, header alias or canonical key):
  an unknown column is an error listing the accepted headers, because silently dropping
  a column would lose data. ``System-ID`` is required.
* Merge by ``system_id``: the import is the truth for the columns present in the file (an
  empty cell means «unknown» and clears the stored value); columns absent from the file
  keep their stored values. Stored rows missing from the import are kept unless
  ``replace``. Existing rows keep their place; new rows are appended in file order.
* All or nothing: every cell is converted and the whole merged table is validated before
  anything is written; any problem → ``ValidationError`` listing every bad row and field,
  and the stored file is untouched. An import that changes nothing writes nothing, so
  re-importing the same file leaves ``systems.csv`` byte-identical.
* Line breaks inside text cells become spaces (stored files keep one record per line so
  that ``FILE:LINE`` stays true).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import register, store
from .errors import DigireformError, Problem, ValidationError, display_path
from .schema import Field, FileSpec, code_list, code_lookup, file_spec, normalise_token

KIND = "systems"
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SCAN_ROWS = 15  # title rows above the header that we are willing to skip
EMPTY = "(tom)"
KEPT_SHOWN = 10  # stored rows not in the import: how many the summary names


# --------------------------------------------------------------------------- cell values


_THOUSANDS_SPACES = ("\u00a0", "\u202f", "\u2009", "\u2007", " ", "'")
_CURRENCY_PREFIX = re.compile(r"^(?:kr\.?|nok)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:,-|,–|kr\.?|nok)$", re.IGNORECASE)


def parse_number(text: str) -> Decimal | None:
    """A number as people type it in Norway or export it from Excel; None when it is not one.

    ``1 250 000,50``, ``1.250.000,50``, ``1,250,000.50``, ``1250000.5``, ``kr 12 000,-``.
    A single ``,`` or ``.`` is the decimal mark; repeated ones, or one before the other
    mark, are thousands separators and must group by three digits.
    """
    t = str(text).strip().replace("\u2212", "-")
    t = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", t)).strip()
    for sep in _THOUSANDS_SPACES:
        t = t.replace(sep, "")
    sign = ""
    if t.startswith(("-", "+")):
        sign, t = ("-" if t[0] == "-" else ""), t[1:]
    if not t or not re.fullmatch(r"[\d.,]+", t) or not t[0].isdigit() or not t[-1].isdigit():
        return None
    if "," in t and "." in t:
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        whole, frac = t.rsplit(dec, 1)
        thousands = "." if dec == "," else ","
    elif t.count(",") == 1 or t.count(".") == 1:
        dec = "," if "," in t else "."
        whole, frac = t.split(dec)
        thousands = None
    elif "," in t or "." in t:
        thousands = "," if "," in t else "."
        whole, frac = t, ""
    else:
        whole, frac, thousands = t, "", None
    if thousands:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole):
            return None
        whole = whole.replace(thousands, "")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    try:
        return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - guarded by the regexes above
        return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})")


class _BadDate(ValueError):
    """The text has a date's shape but is not a calendar date (31.02.2026)."""


def parse_date(text: str) -> dt.date | None:
    """``31.12.2026``, ``31.12.26`` (20yy), ``31/12/2026``, ``2026-12-31``; None if not a date.

    Raises ``_BadDate`` when the shape is right but the day does not exist.
    """
    t = str(text).strip()
    if m := _ISO_DATE.fullmatch(t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.fullmatch(t):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            y += 2000
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError as exc:
        raise _BadDate(t) from exc


def _format_decimal(value: Decimal | float, ftype: str) -> str:
    """The stored spelling of a number (same as store.format_table: int, or repr of float)."""
    f = float(value)
    return str(int(f)) if f.is_integer() else repr(f)


def _excel_serial_date(value: float) -> dt.date | None:
    """An Excel day number (a date cell that lost its format) → date, in a plausible range."""
    if 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    return None


def convert_cell(value: Any, f: Field) -> tuple[str, str | None]:
    """One imported cell → (stored string, problem message or None).

    `value` is whatever the reader produced: str from CSV; str, int, float, bool,
    datetime or None from Excel. On a problem the string is "" (and the caller reports).
    """
    if value is None:
        return "", None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return "", None
    converter = _CONVERTERS[f.type]
    return converter(value, f)


def _quoted(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%d.%m.%Y")
    return f"«{value}»"


def _to_text(value: Any, f: Field) -> tuple[str, str | None]:
    if isinstance(value, bool):
        return ("Ja" if value else "Nei"), None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        value = value.isoformat()
    return re.sub(r"\s*[\r\n]+\s*", " ", str(value)).strip(), None


def _to_number(value: Any, f: Field) -> tuple[str, str | None]:
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time):
        return "", f"{_quoted(value)} er ikke et tall"
    number: Decimal | float | None
    number = value if isinstance(value, int | float) else parse_number(value)
    if number is None:
        return "", f"{_quoted(value)} er ikke et tall (skriv f.eks. 1 250 000,50)"
    if f.type == "int" and float(number) != int(number):
        return "", f"{_quoted(value)} er ikke et heltall"
    return _format_decimal(number, f.type), None


def _to_date(value: Any, f: Field) -> tuple[str, str | None]:
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _excel_serial_date(float(value))
        if day is not None:
            return day.isoformat(), None
        return "", f"{_quoted(value)} er ikke en dato (skriv f.eks. 31.12.2026)"
    try:
        day = parse_date(str(value))
    except _BadDate:
        return "", f"{_quoted(value)} er ikke en gyldig kalenderdato"
    if day is None:
        return "", f"{_quoted(value)} er ikke en dato (skriv f.eks. 31.12.2026 eller 2026-12-31)"
    return day.isoformat(), None


def _to_code(value: Any, f: Field) -> tuple[str, str | None]:
    assert f.codes is not None
    codes = code_list(f.codes)
    if isinstance(value, bool) and "yes" in codes:
        return ("yes" if value else "no"), None
    text = _to_text(value, f)[0]
    code = code_lookup(f.codes).get(normalise_token(text))
    if code is None:
        labels = ", ".join(f"{lab} ({c})" for c, lab in codes.items())
        return "", f"{_quoted(text)} er ikke en gyldig verdi; gyldige: {labels}"
    return code, None


def _to_orgnr(value: Any, f: Field) -> tuple[str, str | None]:
    text = _to_text(value, f)[0]
    compact = re.sub(r"[\s.\u00a0]", "", text)
    compact = re.sub(r"^NO(?=\d)|(?<=\d)MVA$", "", compact, flags=re.IGNORECASE)
    return compact, None  # the mod-11 check is store's, with its message


def _to_id_list(value: Any, f: Field) -> tuple[str, str | None]:
    text = _to_text(value, f)[0]
    ids = [p.strip() for p in re.split(r"[;,\n]", text)]
    return ";".join(dict.fromkeys(i for i in ids if i)), None


_CONVERTERS = {
    "text": _to_text,
    "int": _to_number,
    "number": _to_number,
    "date": _to_date,
    "code": _to_code,
    "orgnr": _to_orgnr,
    "id_list": _to_id_list,
}


# --------------------------------------------------------------------------- reading files


@dataclass
class SheetRows:
    """The raw cells of a file: (sheet row number, cell values) for every row."""

    label: str
    rows: list[tuple[int, list[Any]]]
    excel: bool


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252: what Excel and Notepad save."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """`;`, `,` or tab: whichever occurs most in the first non-blank line outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_rows(path: Path) -> SheetRows:
    """A CSV/text export as rows of strings, numbered by the line each record starts on."""
    text = decode_bytes(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[tuple[int, list[Any]]] = []
    start = 1
    try:
        for record in reader:
            rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DigireformError(f"{display_path(path)}:{start}: kan ikke leses som CSV: {exc}") from exc
    return SheetRows(display_path(path), rows, excel=False)


def read_xlsx_rows(path: Path) -> SheetRows:
    """The first sheet of an .xlsx as rows of cell values (numbers, dates, text)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise DigireformError(
            f"{display_path(path)}: kan ikke leses som Excel-fil (.xlsx): {exc}. "
            "Lagre den på nytt fra Excel som «Excel-arbeidsbok (.xlsx)» eller som CSV."
        ) from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some exporters write a wrong <dimension>; read every row
        rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
    finally:
        wb.close()
    return SheetRows(f"{display_path(path)}", rows, excel=True)


def read_rows(path: str | Path) -> SheetRows:
    """Dispatch on the file suffix; DigireformError for missing or unsupported files."""
    p = Path(path)
    if not p.is_file():
        raise DigireformError(f"Fant ikke fila {display_path(p)}.")
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx_rows(p)
    if suffix in TEXT_SUFFIXES:
        return read_csv_rows(p)
    raise DigireformError(
        f"{display_path(p)}: filtypen «{p.suffix or '(ingen)'}» støttes ikke; "
        "lagre systemlisten som .xlsx (Excel-arbeidsbok) eller .csv."
    )


# --------------------------------------------------------------------------- headers


def _compact(text: str) -> str:
    """Header spelling with punctuation and spaces removed («Org. nr» = «org.nr» = «orgnr»)."""
    return re.sub(r"[\W_]+", "", normalise_token(text))


@cache
def header_index(kind: str) -> tuple[dict[str, Field], dict[str, Field]]:
    """Accepted header spellings → field: exact (normalised) and compact forms."""
    spec = file_spec(kind)
    exact: dict[str, Field] = {}
    compact: dict[str, Field] = {}
    for f in spec.fields:
        for spelling in (f.key, f.header, *f.header_aliases):
            exact.setdefault(normalise_token(spelling), f)
            compact.setdefault(_compact(spelling), f)
    return exact, compact


def match_header(text: str, spec: FileSpec) -> Field | None:
    """The field a header cell names, or None."""
    exact, compact = header_index(spec.kind)
    return exact.get(normalise_token(text)) or compact.get(_compact(text))


def _is_blank(cells: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def find_header_row(sheet: SheetRows, spec: FileSpec) -> int:
    """Index (into sheet.rows) of the header: first row naming ≥ 2 known columns, else first non-blank."""
    first_nonblank = None
    for i, (_, cells) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if _is_blank(cells):
            continue
        if first_nonblank is None:
            first_nonblank = i
        known = sum(1 for c in cells if c is not None and match_header(str(c), spec))
        if known >= 2:
            return i
    if first_nonblank is None:
        raise DigireformError(f"{sheet.label}: fila er tom; første rad skal være kolonneoverskriftene.")
    return first_nonblank


def _column_name(index: int, excel: bool) -> str:
    if excel:
        from openpyxl.utils import get_column_letter

        return f"kolonne {get_column_letter(index + 1)}"
    return f"kolonne {index + 1}"


def field_label(f: Field) -> str:
    """How messages name a field: the Norwegian header and the key."""
    return f"{f.header} ({f.key})"


def map_columns(sheet: SheetRows, header_pos: int, spec: FileSpec) -> dict[int, Field]:
    """Column index → field; ValidationError naming every unknown, duplicate or unnamed column."""
    row_no, cells = sheet.rows[header_pos]
    problems: list[Problem] = []
    mapping: dict[int, Field] = {}
    seen: dict[str, tuple[int, str]] = {}
    width = max((len(c) for _, c in sheet.rows[header_pos:]), default=0)
    for i in range(width):
        head = cells[i] if i < len(cells) else None
        col = _column_name(i, sheet.excel)
        if head is None or not str(head).strip():
            has_data = any(i < len(r) and not _is_blank([r[i]]) for _, r in sheet.rows[header_pos + 1:])
            if has_data:
                problems.append(Problem(sheet.label, row_no, col, "kolonnen har data, men ingen overskrift"))
            continue
        f = match_header(str(head), spec)
        if f is None:
            accepted = ", ".join(f"«{x.header}»" for x in spec.fields)
            problems.append(Problem(sheet.label, row_no, f"«{str(head).strip()}» ({col})",
                                    f"ukjent kolonneoverskrift; gyldige overskrifter: {accepted}"))
            continue
        if f.key in seen:
            other_col, other_head = seen[f.key]
            problems.append(Problem(sheet.label, row_no, f"«{str(head).strip()}» ({col})",
                                    f"samme felt som «{other_head}» ({other_col}): {field_label(f)}"))
            continue
        seen[f.key] = (col, str(head).strip())
        mapping[i] = f
    if spec.key and spec.key not in seen:
        problems.append(Problem(sheet.label, row_no, field_label(spec.by_key[spec.key]),
                                "kolonnen mangler; den trengs for å kjenne igjen systemene"))
    if problems:
        raise ValidationError(f"Importerte ikke {sheet.label}: kolonneoverskriftene har feil.", problems)
    return mapping


# --------------------------------------------------------------------------- imported table


@dataclass
class ImportedTable:
    """The converted sheet: stored-form strings for the columns present, with sheet row numbers."""

    label: str
    header_row: int
    columns: list[str]
    rows: pd.DataFrame  # columns: `columns` + "line"
    problems: list[Problem] = field(default_factory=list)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)  # (row, key) that failed conversion


def read_inventory(path: str | Path, kind: str = KIND) -> ImportedTable:
    """Read and convert an inventory file; cell problems are collected, header problems raise."""
    spec = file_spec(kind)
    sheet = read_rows(path)
    header_pos = find_header_row(sheet, spec)
    mapping = map_columns(sheet, header_pos, spec)
    columns = [f.key for f in mapping.values()]
    records, problems, bad = [], [], set()
    for row_no, cells in sheet.rows[header_pos + 1:]:
        if _is_blank(cells):
            continue
        rec: dict[str, Any] = {"line": row_no}
        for i, f in mapping.items():
            text, message = convert_cell(cells[i] if i < len(cells) else None, f)
            rec[f.key] = text
            if message:
                problems.append(Problem(sheet.label, row_no, field_label(f), message))
                bad.add((row_no, f.key))
        records.append(rec)
    frame = pd.DataFrame(records, columns=[*columns, "line"]).astype({c: object for c in columns})
    if frame.empty:
        raise DigireformError(f"{sheet.label}: fila har ingen systemer (bare overskrifter eller tomme rader).")
    frame["line"] = frame["line"].astype("int64")
    return ImportedTable(sheet.label, sheet.rows[header_pos][0], columns, frame, problems, bad)


# --------------------------------------------------------------------------- merge


@dataclass
class ImportPlan:
    """What an import would do to one municipality's systems.csv."""

    number: str
    path: Path
    added: list[str]
    changed: dict[str, list[tuple[str, str, str]]]  # id → [(key, old, new)]
    removed: list[str]
    kept: list[str]  # stored, not in the import, kept (no --replace)
    unchanged: list[str]
    rows: pd.DataFrame  # typed rows to write, in final order

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _stored_rows(path: Path, spec: FileSpec, replace: bool) -> pd.DataFrame:
    """The stored table as stripped raw strings with lines; empty when there is no file yet."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.columns})
    empty["line"] = pd.Series(dtype="int64")
    if not path.exists():
        return empty
    problems: list[Problem] = []
    text = store.read_text(path, problems)
    raw = None if text is None or not text.strip() else store.parse_table(text, spec, display_path(path), problems)
    if raw is None or problems:
        if replace or (text is not None and not text.strip()):
            return empty
        raise ValidationError(
            f"Importerte ikke: {display_path(path)} kan ikke leses. Rett fila (se digireform validate) "
            "eller bruk --replace for å erstatte hele innholdet.", problems)
    raw = raw.astype({c: object for c in spec.columns})
    for c in spec.columns:
        raw[c] = [str(v).strip() for v in raw[c]]
    blank = (raw[spec.columns] == "").all(axis=1)
    return raw[~blank].reset_index(drop=True)


def _canonical(value: str, f: Field) -> str:
    """A stored cell in the importer's spelling, so unchanged values compare equal."""
    text, message = convert_cell(value, f)
    return value if message else text


def plan_import(data_dir: Path, number: str, table: ImportedTable, replace: bool = False) -> ImportPlan:
    """Merge the imported rows into the stored table and validate the result (nothing written).

    Raises ValidationError with every problem (bad cells, missing required fields, duplicate
    IDs, unknown integrations, and problems in stored rows that are kept).
    """
    spec = file_spec(KIND)
    key = spec.key or "system_id"
    path = store.folder_for(data_dir, number) / spec.filename
    stored = _stored_rows(path, spec, replace)
    for f in spec.fields:
        stored[f.key] = [_canonical(v, f) for v in stored[f.key]]
    stored_by_id = {r[key]: r for r in stored.to_dict("records") if r[key]}

    merged_import, added, changed, unchanged = [], [], {}, []
    seen: set[str] = set()
    for rec in table.rows.to_dict("records"):
        sid = rec[key]
        old = stored_by_id.get(sid)
        new = {f.key: (rec[f.key] if f.key in table.columns else (old[f.key] if old else "")) for f in spec.fields}
        new["line"] = rec["line"]
        merged_import.append(new)
        if not sid or sid in seen:
            continue  # an empty or repeated ID: check_tables reports it
        seen.add(sid)
        if old is None:
            added.append(sid)
            continue
        diffs = [(k, old[k], new[k]) for k in spec.columns if k in table.columns and old[k] != new[k]]
        if diffs:
            changed[sid] = diffs
        else:
            unchanged.append(sid)
    imported_ids = {r[key] for r in merged_import if r[key]}
    not_in_import = [r for r in stored.to_dict("records") if r[key] not in imported_ids]
    removed = [r[key] for r in not_in_import if r[key]] if replace else []
    kept_rows = [] if replace else not_in_import

    columns = [*spec.columns, "line"]
    raw = pd.concat([
        pd.DataFrame(merged_import, columns=columns).assign(file=table.label),
        pd.DataFrame(kept_rows, columns=columns).assign(file=display_path(path)),
    ], ignore_index=True).astype({c: object for c in spec.columns})
    raw["municipality"] = number
    check_problems: list[Problem] = []
    typed = store.check_tables(raw, spec, check_problems)
    problems = table.problems + _import_problems(check_problems, table, spec, added)
    if problems:
        problems.sort(key=lambda p: (p.file != table.label, p.file, p.line or 0))
        raise ValidationError(_failure_headline(table, problems), problems)

    order = [sid for sid in stored[key] if sid in imported_ids or not replace] + added
    rows = typed.set_index(key, drop=False).loc[order].reset_index(drop=True)
    return ImportPlan(number, path, added, changed, removed, [r[key] for r in kept_rows], unchanged, rows)


def _import_problems(problems: list[Problem], table: ImportedTable, spec: FileSpec,
                     added: list[str]) -> list[Problem]:
    """Store's problems renamed for the import (Norwegian header + key), minus repeats."""
    out: list[Problem] = []
    absent_required = [f for f in spec.fields if f.required and f.key not in table.columns]
    for f in absent_required:
        if added:
            rows = table.rows.loc[table.rows[spec.key].isin(added), "line"].tolist()
            out.append(Problem(table.label, table.header_row, field_label(f),
                               "kolonnen mangler; den er påkrevd for nye systemer (rad "
                               + ", ".join(map(str, rows)) + ")"))
    absent = {f.key for f in absent_required}
    for p in problems:
        if p.file != table.label:
            out.append(p)
            continue
        f = spec.by_key.get(p.field)
        if (p.line, p.field) in table.bad_cells or (p.field in absent and f is not None):
            continue
        out.append(Problem(p.file, p.line, field_label(f) if f else p.field, p.message))
    return out


def _failure_headline(table: ImportedTable, problems: list[Problem]) -> str:
    rows = sorted({p.line for p in problems if p.file == table.label and p.line and p.line != table.header_row})
    where = f" (rad {', '.join(map(str, rows))})" if rows else ""
    return (f"Importerte ikke {table.label}: {len(problems)} feil{where}. "
            "Ingenting er lagret; rett feilene og importer på nytt.")


# --------------------------------------------------------------------------- the operation


@dataclass
class ImportResult:
    plan: ImportPlan
    source: str
    written: bool
    dry_run: bool


def resolve_municipality(text: str) -> str:
    """`--municipality` as a four-digit number (a register name is accepted too)."""
    try:
        return register.lookup(text).number
    except KeyError as exc:
        raise DigireformError(f"--municipality {text}: {exc.args[0]}.") from exc


def import_inventory(path: str | Path, municipality: str, data_dir: Any = None,
                     dry_run: bool = False, replace: bool = False) -> ImportResult:
    """Read, convert, merge and validate an inventory file; write systems.csv unless dry_run.

    Nothing is written when anything is wrong (ValidationError) or when nothing changed.
    """
    root = store.resolve_data_dir(data_dir)
    number = resolve_municipality(municipality)
    target = store.folder_for(root, number) / file_spec(KIND).filename  # clear error before reading
    table = read_inventory(path)
    if dry_run:
        return ImportResult(plan_import(root, number, table, replace=replace), table.label, False, True)
    from .sync import fingerprint, locked

    with locked(target):  # serialise with notebook editors saving the same file (sync.save_rows)
        seen = fingerprint(target)  # the plan's base: a file changed by a program that does not lock is refused
        plan = plan_import(root, number, table, replace=replace)
        if plan.has_changes:
            store.save_table(root, number, KIND, plan.rows, expected_fingerprint=seen)
    return ImportResult(plan, table.label, plan.has_changes, False)


def _show(value: str) -> str:
    return value if value != "" else EMPTY


def format_summary(result: ImportResult) -> str:
    """Norwegian summary: «Legges til: …», «Endres: EVE-003 (users: 40 → 45)», «Fjernes: …»."""
    plan = result.plan
    target = display_path(plan.path)
    lines = []
    if result.dry_run:
        lines.append(f"Prøvekjøring: {result.source} → {target}. Ingenting er lagret.")
        verbs = ("Legges til", "Endres", "Fjernes")
    else:
        verbs = ("Lagt til", "Endret", "Fjernet")
    lines.append(f"{verbs[0]}: " + (", ".join(plan.added) if plan.added else "ingen"))
    if plan.changed:
        for sid, diffs in plan.changed.items():
            parts = "; ".join(f"{k}: {_show(old)} → {_show(new)}" for k, old, new in diffs)
            lines.append(f"{verbs[1]}: {sid} ({parts})")
    else:
        lines.append(f"{verbs[1]}: ingen")
    lines.append(f"{verbs[2]}: " + (", ".join(plan.removed) if plan.removed else "ingen"))
    if plan.kept:
        shown = ", ".join(plan.kept[:KEPT_SHOWN]) + (f" … og {len(plan.kept) - KEPT_SHOWN} til"
                                                     if len(plan.kept) > KEPT_SHOWN else "")
        lines.append(f"Beholdes (står ikke i fila; bruk --replace for å fjerne dem): {shown}")
    lines.append(f"Uendret: {len(plan.unchanged)}")
    if not result.dry_run:
        lines.append(f"Lagret {target}." if result.written else f"Ingen endringer; {target} er ikke endret.")
    return "\n".join(lines)


def cli_import(args: argparse.Namespace) -> int:
    """`digireform import-inventory FILE --municipality NR [--data DIR] [--dry-run] [--replace]`."""
    result = import_inventory(args.file, args.municipality, args.data,
                              dry_run=args.dry_run, replace=args.replace)
    print(format_summary(result))
    return 0


def cli_template(args: argparse.Namespace) -> int:
    """`digireform inventory-template OUT.xlsx`: the Excel template (see inventory_template)."""
    from .inventory_template import write_template

    path = write_template(args.out)
    print(f"Skrev malen {display_path(path)}.")
    return 0
