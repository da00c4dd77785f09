"""The Excel template for the ICT inventory (`digireform inventory-template OUT.xlsx`).

A municipality that has no inventory yet starts from this workbook: the sheet «Systemer»
has the Norwegian headers from schema.yaml (what the importer reads back), drop-down lists
of Norwegian labels for every code-list column, number and date formats, and input checks
on numbers and dates; «Instruksjoner» explains every column; the hidden «Kodelister» sheet
feeds the drop-downs (an inline list is limited to 255 characters, so ranges are used).
Input checks only warn, because the importer also accepts codes, aliases and text dates.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .errors import DigireformError, display_path
from .schema import Field, FileSpec, code_list, file_spec

DATA_SHEET = "Systemer"
HELP_SHEET = "Instruksjoner"
CODES_SHEET = "Kodelister"
TEMPLATE_ROWS = 500  # rows prepared with formats and drop-downs
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
NUMBER_FORMATS = {"int": "0", "number": "#,##0.00", "date": "dd.mm.yyyy"}

# Norwegian description of each field type, shown in «Instruksjoner».
TYPE_TEXT = {
    "text": "Tekst",
    "int": "Heltall",
    "number": "Tall (kroner; desimaler med komma)",
    "date": "Dato (dd.mm.åååå)",
    "code": "Velg fra listen",
    "orgnr": "Organisasjonsnummer, 9 siffer",
    "id_list": "System-ID-er skilt med semikolon",
}

# Explanation and example per column. (Candidate for data/inventory_template.yaml.)
FIELD_HELP: dict[str, tuple[str, str]] = {
    "system_id": ("Kommunens egen ID for systemet, unik i kommunen. Brukes for å kjenne igjen "
                  "systemet ved ny import.", "EVE-001"),
    "product": ("Navnet på systemet eller produktet slik leverandøren kaller det.", "Visma Enterprise"),
    "vendor": ("Leverandøren kommunen har avtale med.", "Visma"),
    "vendor_orgnr": ("Leverandørens organisasjonsnummer (Enhetsregisteret).", "974760673"),
    "service_area": ("Tjenesteområdet systemet hovedsakelig brukes i.", "Økonomi og personal"),
    "function": ("Hva systemet brukes til, med egne ord.", "Økonomi, lønn og personal"),
    "hosting": ("Hvor systemet driftes.", "Skytjeneste"),
    "lifecycle": ("Hvor i livsløpet systemet er. Avviklede systemer telles ikke med i analysene.", "I drift"),
    "users": ("Omtrentlig antall brukere i kommunen (ansatte med tilgang).", "35"),
    "annual_cost_nok": ("Samlet årlig kostnad i kroner eksklusive mva (lisens, drift, support).", "160 000"),
    "contract_end": ("Når gjeldende avtale utløper (uten forlengelser som ikke er utløst).", "31.12.2028"),
    "notice_months": ("Oppsigelsestid i måneder.", "12"),
    "contract_type": ("Avtaletype (statens standardavtaler SSA eller annen avtale).", "SSA-L (løpende tjenestekjøp)"),
    "personal_data": ("Om systemet behandler personopplysninger, og i så fall hvilke.", "Alminnelige"),
    "dpa": ("Om det er inngått databehandleravtale med leverandøren.", "Ja"),
    "integrations": ("System-ID-ene til systemene dette systemet utveksler data med.", "EVE-005; EVE-006"),
    "satisfaction": ("Hvor fornøyd kommunen er med systemet, fra 1 (svært misfornøyd) til 5 (svært fornøyd).", "4"),
    "confidential": ("«Ja» skjuler kostnad og avtalefelter fra dashbord, rapport og anbudsdokumenter.", "Nei"),
    "notes": ("Annet som er nyttig å vite.", "Skal fases ut når ny løsning er på plass"),
}

INSTRUCTIONS = [
    "Slik fyller du ut systemlisten",
    "Én rad per system kommunen bruker, planlegger eller er i ferd med å fase ut, i arket «Systemer».",
    "Ikke endre kolonneoverskriftene. Kolonner du ikke bruker, kan slettes; ved ny import beholdes "
    "da de lagrede verdiene for de kolonnene.",
    "Felter merket «Ja» under «Påkrevd» må fylles ut. Tomme felter betyr «ukjent».",
    "For kolonner med nedtrekksliste velger du fra listen. Koden (f.eks. saas) godtas også.",
    "Tall kan skrives med mellomrom som tusenskille og komma som desimaltegn (1 250 000,50). "
    "Datoer skrives som 31.12.2026.",
    "Importer med: digireform import-inventory FIL.xlsx --municipality KOMMUNENUMMER "
    "(legg til --dry-run for å se endringene først).",
]


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
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def _write_codes_sheet(wb: Workbook, spec: FileSpec) -> dict[str, str]:
    """Hidden sheet with one column of labels per code list; returns list name → range formula."""
    ws = wb.create_sheet(CODES_SHEET)
    ranges: dict[str, str] = {}
    lists = list(dict.fromkeys(f.codes for f in spec.fields if f.codes))
    for col, name in enumerate(lists, start=1):
        letter = get_column_letter(col)
        labels = list(code_list(name).values())
        ws.cell(row=1, column=col, value=name).font = Font(bold=True)
        for row, lab in enumerate(labels, start=2):
            ws.cell(row=row, column=col, value=lab)
        ranges[name] = f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        ws.column_dimensions[letter].width = max(len(x) for x in [name, *labels]) + 2
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
        low = _num(f.min) if f.min is not None else "-1E+307"
        high = _num(f.max) if f.max is not None else "1E+307"
        low, high = low.replace(",", "."), high.replace(",", ".")
        return DataValidation(type=kind, operator="between", formula1=low, formula2=high,
                              error=f"Skriv {TYPE_TEXT[f.type].lower()} ({_allowed_text(f) or 'tall'}).",
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
    ws.cell(row=1, column=1, value=INSTRUCTIONS[0]).font = Font(bold=True, size=14)
    for i, text in enumerate(INSTRUCTIONS[1:], start=2):
        ws.cell(row=i, column=1, value=text)
    top = len(INSTRUCTIONS) + 2
    heads = ["Kolonne", "Overskrift", "Påkrevd", "Type", "Tillatte verdier", "Forklaring", "Eksempel"]
    for col, text in enumerate(heads, start=1):
        cell = ws.cell(row=top, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for i, f in enumerate(spec.fields, start=1):
        explanation, example = FIELD_HELP.get(f.key, ("", ""))
        values = [get_column_letter(i), f.header, "Ja" if f.required else "Nei", TYPE_TEXT[f.type],
                  _allowed_text(f), explanation, example]
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
    buf = io.BytesIO()
    build_template().save(buf)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.getvalue())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
