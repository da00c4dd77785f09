"""The Excel template for the ICT inventory (`digireform inventory-template OUT.xlsx`).

A municipality that has no inventory yet starts from this workbook: the sheet «Systemer»
has the Norwegian headers from schema.yaml (what the importer reads back), drop-down lists
of Norwegian labels for every code-list column, number and date formats, and input checks
on numbers and dates; «Instruksjoner» explains every column; the hidden «Kodelister» sheet
feeds the drop-downs (an inline list is limited to 255 characters, so ranges are used).
Input checks only warn, because the importer also accepts codes, aliases and text dates.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from digireform.io.atomic import atomic_write_with
from digireform.model import formatting
from digireform.model.errors import DigireformError, display_path
from digireform.model.labels import code_list_label
from digireform.model.schema import Field, FileSpec, code_list, file_spec, package_yaml

DATA_SHEET = "Systemer"
HELP_SHEET = "Instruksjoner"
CODES_SHEET = "Kodelister"
TEMPLATE_ROWS = 500  # rows prepared with formats and drop-downs
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
NUMBER_FORMATS = {"int": "0", "number": "#,##0.00", "date": "dd.mm.yyyy"}


def _texts() -> dict:
    """Template texts from data/inventory_template.yaml (Norwegian data, not code; cached by package_yaml)."""
    return package_yaml("inventory_template.yaml")


def _type_text(field_type: str) -> str:
    """Norwegian description of a field type, for «Instruksjoner» and input-check messages."""
    return _texts()["type_text"][field_type]


def _allowed_text(f: Field) -> str:
    if f.codes:
        return "; ".join(code_list(f.codes).values())
    parts = []
    if f.min is not None:
        parts.append(f"minst {_num(f.min)}")
    if f.max is not None:
        parts.append(f"høyst {_num(f.max)}")
    return ", ".join(parts)


def _num(x: float) -> str:
    """A limit as the help text shows it: «2000», «0,5» (no thousands separator: years are limits too)."""
    return formatting.decimal(x, max_decimals=6, sep="")


def _formula_number(x: float | None, default: str) -> str:
    """A limit in an Excel validation formula: decimal point, no separators."""
    return default if x is None else (str(int(x)) if float(x).is_integer() else repr(float(x)))


def _write_codes_sheet(wb: Workbook, spec: FileSpec) -> dict[str, str]:
    """Hidden sheet with one column of labels per code list; returns list name → range formula."""
    ws = wb.create_sheet(CODES_SHEET)
    ranges: dict[str, str] = {}
    lists = list(dict.fromkeys(f.codes for f in spec.fields if f.codes))
    for col, name in enumerate(lists, start=1):
        letter = get_column_letter(col)
        labels = list(code_list(name).values())
        head = code_list_label(name, spec.kind)  # «Tjenesteområde», never the list's key
        ws.cell(row=1, column=col, value=head).font = Font(bold=True)
        for row, lab in enumerate(labels, start=2):
            ws.cell(row=row, column=col, value=lab)
        ranges[name] = f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        ws.column_dimensions[letter].width = max(len(x) for x in [head, *labels]) + 2
    ws.sheet_state = "hidden"
    return ranges


def _validation_for(f: Field, ranges: dict[str, str]) -> DataValidation | None:
    """The Excel input check for a column (warning style: the importer is more lenient)."""
    common = {"allow_blank": True, "showErrorMessage": True, "errorStyle": "warning",
              "errorTitle": f.header}
    if f.codes:
        return DataValidation(type="list", formula1=ranges[f.codes],
                              error="Velg en verdi fra listen.", **common)
    if f.type in ("int", "number"):
        kind = "whole" if f.type == "int" else "decimal"
        low, high = _formula_number(f.min, "-1E+307"), _formula_number(f.max, "1E+307")
        return DataValidation(type=kind, operator="between", formula1=low, formula2=high,
                              error=f"Skriv {_type_text(f.type).lower()} ({_allowed_text(f) or 'tall'}).",
                              **common)
    if f.type == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1",
                              error="Skriv en dato, f.eks. 31.12.2026.", **common)
    return None


def _write_data_sheet(ws: Worksheet, spec: FileSpec, ranges: dict[str, str]) -> None:
    ws.title = DATA_SHEET
    for col, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col, value=f.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if f.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = max(14, min(40, len(f.header) + 4))
        fmt = NUMBER_FORMATS.get(f.type)
        if fmt:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=col).number_format = fmt
        elif f.type in ("text", "orgnr", "id_list"):
            for row in range(2, TEMPLATE_ROWS + 2):  # text format: Excel keeps «001» and org.nr as typed
                ws.cell(row=row, column=col).number_format = "@"
        dv = _validation_for(f, ranges)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.fields))}1"


def _write_help_sheet(ws: Worksheet, spec: FileSpec) -> None:
    instructions = _texts()["instructions"]
    ws.cell(row=1, column=1, value=instructions["title"]).font = Font(bold=True, size=14)
    for i, text in enumerate(instructions["paragraphs"], start=2):
        ws.cell(row=i, column=1, value=text)
    top = len(instructions["paragraphs"]) + 3  # title, paragraphs, one blank row
    heads = ["Kolonne", "Overskrift", "Påkrevd", "Type", "Tillatte verdier", "Forklaring", "Eksempel"]
    for col, text in enumerate(heads, start=1):
        cell = ws.cell(row=top, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for i, f in enumerate(spec.fields, start=1):
        values = [get_column_letter(i), f.header, "Ja" if f.required else "Nei", _type_text(f.type),
                  _allowed_text(f), f.help or "", f.example or ""]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=top + i, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (9, 28, 9, 26, 45, 60, 28), strict=True):
        ws.column_dimensions[letter].width = width


def build_template(kind: str = "systems") -> Workbook:
    """The template workbook: «Systemer» (first, read by the importer), «Instruksjoner», «Kodelister»."""
    spec = file_spec(kind)
    wb = Workbook()
    ranges = _write_codes_sheet(wb, spec)
    _write_data_sheet(wb.active, spec, ranges)
    _write_help_sheet(wb.create_sheet(HELP_SHEET, index=1), spec)
    wb.active = 0
    return wb


def write_template(out: str | Path) -> Path:
    """Write the template atomically to `out` (.xlsx); DigireformError on a bad path."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise DigireformError(f"{display_path(path)}: malen må ha filendelsen .xlsx.")
    if not path.parent.is_dir():
        raise DigireformError(f"Mappen {display_path(path.parent)} finnes ikke.")
    workbook = build_template()
    return atomic_write_with(path, workbook.save)
