"""Import a municipality's ICT inventory from an Excel (.xlsx) or CSV export.

The project group keeps its inventory in whatever spreadsheet it already has; this module
turns such a sheet into the stored ``systems.csv`` (docs/data-model.md). It accepts what
Norwegian Excel produces: ``;`` or ``,`` (or tab) delimiters, UTF-8 (with or without BOM),
UTF-16 or Windows-1252 (`textio`), ``1 250 000,50`` numbers and ``31.12.2026`` dates
(`values`: an ambiguous ``30.000`` or ``12,500`` is refused, never guessed), headers in any
case with stray spaces, blank rows, and code-list cells written as the code, its Norwegian
label or an alias.

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
* Line breaks inside text cells become spaces (a spreadsheet's wrapped cell is one line
  of text; the forms are where a note over several lines is written on purpose).
* Rows that are not systems are skipped and named in the summary: empty rows between
  systems, and totals rows: no System-ID, and a cell «Sum», «Totalt», «Sum:» … (the words are
  in schema.yaml, ``import.total_row_words``) or nothing but numbers (or SUM formulas) in
  number columns (a sum under the cost column without a label).
* Formulas (.xlsx): the value Excel saved with the formula is imported. A formula without a
  saved value (a file written by a program that does not compute) is refused naming its cell:
  reading it as empty would silently lose the value.
* Merged cells (.xlsx): a merge down one text-like column inside the data (text, code, org.nr,
  ID list: a vendor written once for two rows) is filled down — every row of the merge gets
  the value — and the summary says where. A merge down a number or date column is refused
  naming its range and field (filled down, a cost would count on every row). A merge across
  columns, or one that includes the header row, is refused naming its cells, because which
  column the value belongs to would be a guess.
* The summary shows what will be stored: every new row with its values and every changed
  value (old → new), with the Norwegian column names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from digireform.ingest.cells import convert_cell
from digireform.ingest.columns import field_label, find_header_row, is_blank, map_columns
from digireform.ingest.sheets import SheetRows, read_rows
from digireform.io.paths import folder_for, resolve_data_dir
from digireform.io.tables import parse_table, read_text
from digireform.model import labels, register, values
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path
from digireform.model.schema import Field, FileSpec, file_spec, normalise_token, package_yaml
from digireform.sync import save_table
from digireform.validate.tables import check_tables

KIND = "systems"
EMPTY = "(tom)"
KEPT_SHOWN = 10  # stored rows not in the import: how many the summary names


# --------------------------------------------------------------------------- cell values


# --------------------------------------------------------------------------- reading files


    # without a cached value (.xlsx written by a program that does not compute, e.g. openpyxl)


# --------------------------------------------------------------------------- headers


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
    notes: list[str] = field(default_factory=list)  # skipped rows, filled-down merges: said in the summary


def read_inventory(path: str | Path, kind: str = KIND) -> ImportedTable:
    """Read and convert an inventory file; cell problems are collected, header problems raise."""
    spec = file_spec(kind)
    sheet = read_rows(path)
    header_pos = find_header_row(sheet, spec)
    mapping = map_columns(sheet, header_pos, spec)
    notes = fill_merged_cells(sheet, header_pos, mapping)
    columns = [f.key for f in mapping.values()]
    key_col = next((i for i, f in mapping.items() if f.key == spec.key), None)
    records, problems, bad = [], [], set()
    blank_rows: list[int] = []
    totals: list[str] = []  # notes on skipped totals rows
    formula_rows = {r for r, _ in sheet.formulas}  # cells empty as values but not empty
    for row_no, cells in sheet.rows[header_pos + 1:]:
        if is_blank(cells) and row_no not in formula_rows:
            blank_rows.append(row_no)
            continue
        if (note := _totals_note(sheet, row_no, cells, mapping, key_col)) is not None:
            totals.append(note)
            continue
        records.append(_convert_row(sheet, row_no, cells, mapping, problems, bad))
    frame = pd.DataFrame(records, columns=[*columns, "line"]).astype({c: object for c in columns})
    if frame.empty:
        raise DigireformError(f"{sheet.label}: fila har ingen systemer (bare overskrifter eller tomme rader).")
    frame["line"] = frame["line"].astype("int64")
    last = int(frame["line"].max())
    notes += _skipped_notes([r for r in blank_rows if r < last], totals)
    return ImportedTable(sheet.label, sheet.rows[header_pos][0], columns, frame, problems, bad, notes)


def _convert_row(sheet: SheetRows, row_no: int, cells: list[Any], mapping: dict[int, Field],
                 problems: list[Problem], bad: set[tuple[int, str]]) -> dict[str, Any]:
    """One data row → stored strings by key (and its line); a cell's problem is appended."""
    rec: dict[str, Any] = {"line": row_no}
    for i, f in mapping.items():
        if (row_no, i) in sheet.formulas:
            text, message = "", _formula_message(row_no, i, f)
        else:
            text, message = convert_cell(cells[i] if i < len(cells) else None, f)
        rec[f.key] = text
        if message:
            problems.append(Problem(sheet.label, row_no, field_label(f), message))
            bad.add((row_no, f.key))
    return rec


def _formula_message(row_no: int, col: int, f: Field) -> str:
    """A formula without a saved value: its value is unknown here, so the cell is refused, never stored empty."""
    from openpyxl.utils import get_column_letter

    what = {"int": "tallet", "number": "tallet", "date": "datoen"}.get(f.type, "verdien")
    return (f"cellen {get_column_letter(col + 1)}{row_no} har en formel uten lagret verdi; "
            f"åpne og lagre fila i Excel, eller skriv {what}")


@cache
def total_row_words() -> frozenset[str]:
    """Words that mark a totals row («Sum», «Totalt» …), normalised (schema.yaml, import)."""
    return frozenset(normalise_token(w).rstrip(":").strip() for w in package_yaml("schema.yaml")["import"]["total_row_words"])


NUMBER_TYPES = ("int", "number")
_SUM_FORMULA = re.compile(r"=\s*(?:SUM|SUBTOTAL)\s*\(.*\)\s*", re.IGNORECASE)


def _totals_note(sheet: SheetRows, row_no: int, cells: list[Any], mapping: dict[int, Field],
                 key_col: int | None) -> str | None:
    """The summary's note for a totals row, or None for a row that is not one.

    The one rule: no System-ID of its own, and either a totals word («Sum», «Totalt» …) in
    some cell, or nothing but numbers (or SUM formulas) and only in number columns — a
    spreadsheet's sum under the cost column, with or without a label.
    """
    words = total_row_words()
    key = cells[key_col] if key_col is not None and key_col < len(cells) else None
    key_text = normalise_token(str(key)).rstrip(":").strip() if key is not None else ""
    if key_text and key_text not in words:
        return None
    for c in cells:
        if isinstance(c, str) and normalise_token(c).rstrip(":").strip() in words:
            return f"Hoppet over rad {row_no}: summeringsrad («{c.strip()}»), ikke et system."
    filled = [i for i, c in enumerate(cells) if not is_blank([c]) or (row_no, i) in sheet.formulas]
    if filled and all(i in mapping and mapping[i].type in NUMBER_TYPES
                      and _number_like(cells[i], sheet.formulas.get((row_no, i))) for i in filled):
        headers = ", ".join(mapping[i].header for i in filled)
        return f"Rad {row_no} ser ut som en sumrad og er hoppet over (bare tall i {headers})."
    return None


def _number_like(value: Any, formula: str | None) -> bool:
    """A number (also one refused as ambiguous: still a number), or a SUM formula without a saved value."""
    if formula is not None:
        return bool(_SUM_FORMULA.fullmatch(formula))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        values.parse_number(str(value))
    except values.Refused as exc:
        return exc.kind != "invalid"
    return True


def _skipped_notes(blank_rows: list[int], totals: list[str]) -> list[str]:
    notes = [f"Hoppet over tomme rader: rad {', '.join(map(str, blank_rows))}."] if blank_rows else []
    return notes + totals


def fill_merged_cells(sheet: SheetRows, header_pos: int, mapping: dict[int, Field]) -> list[str]:
    """Fill merges down one text-like column inside the data; refuse other merges (ValidationError).

    Returns a note per filled merge («Leverandør (C3:C4): «Visma» brukt på rad 3–4»).
    """
    header_row = sheet.rows[header_pos][0]
    by_row = {row_no: cells for row_no, cells in sheet.rows}
    notes, problems = [], []
    for rng in sorted(sheet.merged, key=lambda r: (r.min_row, r.min_col)):
        if rng.max_row < header_row:
            continue  # a title above the header
        if rng.min_col != rng.max_col or rng.min_row <= header_row:
            where = "overskriftsraden" if rng.min_row <= header_row else "flere kolonner"
            problems.append(Problem(sheet.label, rng.min_row, f"celleområde {rng.coord}",
                                    f"sammenslåtte celler over {where} kan ikke importeres uten å gjette; del dem opp "
                                    "(Excel: Hjem → Slå sammen og midtstill → Del opp celler) og importer på nytt"))
            continue
        col = rng.min_col - 1
        value = by_row[rng.min_row][col] if col < len(by_row[rng.min_row]) else None
        held = value is not None or (rng.min_row, col) in sheet.formulas  # an empty merge is nothing to share
        if held and col in mapping and (refusal := _merge_refusal(mapping[col])):
            problems.append(Problem(sheet.label, rng.min_row, f"{rng.coord} ({mapping[col].header})", refusal))
            continue
        for r in range(rng.min_row + 1, rng.max_row + 1):
            cells = by_row.get(r)
            if cells is not None and col < len(cells):
                cells[col] = value
        if value is not None and col in mapping:
            notes.append(f"Sammenslåtte celler {rng.coord} ({mapping[col].header}): {values.quoted(value)} er brukt "
                         f"på rad {rng.min_row}–{rng.max_row}.")
    if problems:
        raise ValidationError(f"Importerte ikke {sheet.label}: fila har sammenslåtte celler.", problems)
    return notes


def _merge_refusal(f: Field) -> str | None:
    """Why a merge down column `f` cannot be filled down, or None (text-like fields: fill down).

    A vendor or service area written once for two rows belongs to both; an amount, count or
    date written once would be counted on every row (a cost twice), and splitting it is a guess.
    """
    if f.type not in ("int", "number", "date"):
        return None
    column = "datokolonne" if f.type == "date" else "tallkolonne"
    what = "datoen" if f.type == "date" else "beløpet" if f.key.endswith("_nok") else "tallet"
    return f"sammenslåtte celler i en {column} kan ikke fordeles på radene; skriv {what} på hver rad"


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
    new_values: dict[str, dict[str, str]] = field(default_factory=dict)  # added id → its non-empty stored cells

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
    text = read_text(path, problems)
    raw = None if text is None or not text.strip() else parse_table(text, spec, display_path(path), problems)
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
    """A stored cell in its canonical stored spelling («55000.00» → «55000»), so unchanged values
    compare equal. Stored cells follow the stored-file rules (`.` decimals), not the import's."""
    if f.type in ("int", "number") and re.fullmatch(values.STORED_NUMBER_RE, value):
        return values.stored_number(Decimal(value))
    return value


def plan_import(data_dir: Path, number: str, table: ImportedTable, replace: bool = False) -> ImportPlan:
    """Merge the imported rows into the stored table and validate the result (nothing written).

    Raises ValidationError with every problem (bad cells, missing required fields, duplicate
    IDs, unknown integrations, and problems in stored rows that are kept).
    """
    spec = file_spec(KIND)
    key = spec.key or "system_id"
    path = folder_for(data_dir, number) / spec.filename
    stored = _stored_rows(path, spec, replace)
    for f in spec.fields:
        stored[f.key] = [_canonical(v, f) for v in stored[f.key]]
    stored_by_id = {r[key]: r for r in stored.to_dict("records") if r[key]}

    merged_import, added, changed, unchanged = [], [], {}, []
    new_values: dict[str, dict[str, str]] = {}
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
            new_values[sid] = {k: new[k] for k in spec.columns if new[k]}
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
    typed = check_tables(raw, spec, check_problems)
    problems = table.problems + _import_problems(check_problems, table, spec, added)
    if problems:
        problems.sort(key=lambda p: (p.file != table.label, p.file, p.line or 0))
        raise ValidationError(_failure_headline(table, problems), problems)

    order = [sid for sid in stored[key] if sid in imported_ids or not replace] + added
    rows = typed.set_index(key, drop=False).loc[order].reset_index(drop=True)
    return ImportPlan(number, path, added, changed, removed, [r[key] for r in kept_rows], unchanged, rows, new_values)


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
    notes: list[str] = field(default_factory=list)  # rows skipped, merged cells filled down


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
    root = resolve_data_dir(data_dir)
    number = resolve_municipality(municipality)
    target = folder_for(root, number) / file_spec(KIND).filename  # clear error before reading
    table = read_inventory(path)
    if dry_run:
        return ImportResult(plan_import(root, number, table, replace=replace), table.label, False, True, table.notes)
    from digireform.sync import fingerprint, locked

    with locked(target):  # serialise with notebook editors saving the same file (sync.save_rows)
        seen = fingerprint(target)  # the plan's base: a file changed by a program that does not lock is refused
        plan = plan_import(root, number, table, replace=replace)
        if plan.has_changes:
            save_table(root, number, KIND, plan.rows, expected_fingerprint=seen)
    return ImportResult(plan, table.label, plan.has_changes, False, table.notes)


def show_value(value: str, f: Field) -> str:
    """A stored cell as a person reads it: «45 000 kr», «31.12.2026», «Skytjeneste», «(tom)» (`labels`)."""
    return labels.value_words(f.key, value, KIND) or labels.EMPTY


def _changes_text(diffs: list[tuple[str, str, str]]) -> str:
    def words(key: str, value: str) -> str:
        return labels.value_words(key, value, KIND) or labels.EMPTY

    return "; ".join(f"{labels.field_label(k, KIND)}: {words(k, old)} → {words(k, new)}" for k, old, new in diffs)


def _new_row_text(cells: dict[str, str]) -> str:
    key = file_spec(KIND).key
    return "; ".join(labels.field_value(k, v, KIND) for k, v in cells.items() if k != key)


def format_summary(result: ImportResult) -> str:
    """Norwegian summary of what is (or would be) stored: every new row with its values, every
    changed value («Endres: EVE-003 (Antall brukere: 40 → 45)»), removed and kept rows, and
    the rows and merged cells the reading skipped or filled."""
    plan = result.plan
    target = display_path(plan.path)
    lines = []
    if result.dry_run:
        lines.append(f"Prøvekjøring: {result.source} → {target}. Ingenting er lagret.")
        verbs = ("Legges til", "Endres", "Fjernes")
    else:
        verbs = ("Lagt til", "Endret", "Fjernet")
    lines.append(f"{verbs[0]}: " + (", ".join(plan.added) if plan.added else "ingen"))
    for sid in plan.added:
        if plan.new_values.get(sid):
            lines.append(f"  {sid}: {_new_row_text(plan.new_values[sid])}")
    if plan.changed:
        for sid, diffs in plan.changed.items():
            lines.append(f"{verbs[1]}: {sid} ({_changes_text(diffs)})")
    else:
        lines.append(f"{verbs[1]}: ingen")
    lines.append(f"{verbs[2]}: " + (", ".join(plan.removed) if plan.removed else "ingen"))
    if plan.kept:
        shown = ", ".join(plan.kept[:KEPT_SHOWN]) + (f" … og {len(plan.kept) - KEPT_SHOWN} til"
                                                     if len(plan.kept) > KEPT_SHOWN else "")
        lines.append(f"Beholdes (står ikke i fila; bruk --replace for å fjerne dem): {shown}")
    lines.append(f"Uendret: {len(plan.unchanged)}")
    lines += result.notes
    if not result.dry_run:
        lines.append(f"Lagret {target}." if result.written else f"Ingen endringer; {target} er ikke endret.")
    return "\n".join(lines)
