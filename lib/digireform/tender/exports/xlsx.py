"""kravmatrise.xlsx: the answer matrix suppliers fill in, one row per requirement.

The requirement columns are locked (sheet protection without password: it guards
against accidental edits, not against a determined user) and the three answer columns
are open; «Leverandørens svar» is a drop-down. Text that Excel would read as a formula
(starting with = + - @) is stored as a string with Excel's quote prefix, so a
requirement can never execute as a formula in the supplier's Excel.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from digireform.model import formatting
from digireform.tender.assembly import Assembly
from digireform.tender.exports.content import clean

HEADERS = ["ID", "Kategori", "Krav", "Type", "Vekt", "Leverandørens svar", "Beskrivelse", "Henvisning til Bilag 2"]
WIDTHS = [10, 24, 70, 8, 7, 20, 50, 22]
ANSWER_COLUMNS = (6, 7, 8)  # F, G, H: open for the supplier
ANSWERS = ("Oppfylt", "Delvis oppfylt", "Ikke oppfylt")
FORMULA_START = ("=", "+", "-", "@")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
ANSWER_FILL = PatternFill("solid", fgColor="FFF8E1")
SHEET = "Kravmatrise"


def set_text(cell, value) -> None:
    """Put a value in a cell; text that looks like a formula stays text (quote prefix)."""
    value = clean(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_xlsx(a: Assembly, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _matrix(ws, a)
    _about(wb.create_sheet("Om kravmatrisen"), a)
    wb.properties.title = clean(f"Kravmatrise – {a.tender.title}")
    wb.properties.creator = clean(f"{a.host_name} kommune")
    wb.save(str(path))
    return path


def _matrix(ws, a: Assembly) -> None:
    bold_white = Font(bold=True, color="FFFFFF")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for col, (text, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=1, column=col)
        set_text(cell, text)
        cell.font, cell.fill, cell.alignment = bold_white, HEADER_FILL, Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    open_cell = Protection(locked=False)
    for row, s in enumerate(a.requirements, start=2):
        values = [s.id, a.library.category_label(s.requirement.category), a.text(s), s.requirement.kind_label,
                  s.weight if s.weight is not None else None, None, None, None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            set_text(cell, value)
            cell.alignment = wrap_top
            if col in ANSWER_COLUMNS:
                cell.protection = open_cell
                cell.fill = ANSWER_FILL
    last = len(a.requirements) + 1
    dv = DataValidation(type="list", formula1='"' + ",".join(ANSWERS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="Ugyldig svar",
                        error="Velg Oppfylt, Delvis oppfylt eller Ikke oppfylt.",
                        showInputMessage=True, promptTitle="Leverandørens svar",
                        prompt="Velg Oppfylt, Delvis oppfylt eller Ikke oppfylt.")
    ws.add_data_validation(dv)
    if last >= 2:
        dv.add(f"F2:F{last}")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{max(last, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _protect(ws) -> None:
    """Lock the sheet but let the supplier resize, filter and sort."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.autoFilter = False
    p.sort = False


def _about(ws, a: Assembly) -> None:
    t = a.tender
    names = a.names
    rows = [
        ("Anskaffelse", t.title),
        ("Vertskommune", f"{a.host_name} kommune"),
        ("Deltakere", ", ".join(names[n] for n in t.participants)),
        ("Saksnummer", t.reference or "–"),
        ("Tilbudsfrist", formatting.date_long(t.timeline.get("tender_deadline"))),
        ("Antall krav", f"{len(a.requirements)}"),
        ("Slik fyller du ut", "Svar på hvert krav i kolonne F (Oppfylt, Delvis oppfylt, Ikke oppfylt), beskriv "
                              "hvordan kravet oppfylles i kolonne G, og vis til kapittel/side i Bilag 2 i kolonne H. "
                              "Kolonnene A–E er låst."),
        ("SKAL og BØR", "SKAL-krav er absolutte; tilbud som ikke oppfyller dem avvises. BØR-krav vektes etter "
                        "kolonne E (Vekt)."),
    ]
    if a.example_data:
        rows.append(("Merk", "Eksempeldata: fiktive kommunedata, ikke til bruk i en reell konkurranse."))
    for r, (key, value) in enumerate(rows, start=1):
        set_text(ws.cell(row=r, column=1), key)
        ws.cell(row=r, column=1).font = Font(bold=True)
        set_text(ws.cell(row=r, column=2), value)
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
    ws.protection.sheet = True
