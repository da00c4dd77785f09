"""kravmatrise.xlsx: the answer matrix suppliers fill in, one sheet per lot.

Each lot's sheet holds the requirements that bind that lot (the general ones in every
sheet), so a tenderer for one lot answers only what binds it; without lots there is one
sheet. Only requirements on the offer are here (the specification and the service-level
bilag); qualification requirements are documented as the konkurransegrunnlag says.

The answer is a drop-down from evaluation.yaml: SKAL only Ja/Nei (a «partly» would be a
reservation and lead to rejection), BØR Ja/Delvis/Nei as the evaluation model scores them.
Reservations go in their own column («Kommentar / forbehold»). Rows are as tall as their
text needs, headers repeat on every printed page, and a page is landscape and one page
wide, so nothing overlaps in print.

The requirement columns are locked (sheet protection without password: it guards against
accidental edits, not against a determined user) and the answer columns are open. Text that
Excel would read as a formula (starting with = + - @) is stored as a string with Excel's
quote prefix, so a requirement can never execute as a formula in the supplier's Excel.
"""
from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from digireform.model import formatting
from digireform.tender.assembly import Assembly, SelectedRequirement
from digireform.tender.exports.content import bilag_name, clean
from digireform.tender.texts import answers

WIDTHS = [10, 22, 60, 7, 6, 11, 12, 45, 35, 18]
ANSWER_COLUMNS = (7, 8, 9, 10)  # G–J: open for the supplier
ANSWER_COLUMN = 7
WRAPPED = (2, 3, 6)  # the locked columns whose text wraps and decides the row height
LINE_POINTS = 15.0  # one line of 11 pt Calibri
ROW_PADDING = 4.0
FORMULA_START = ("=", "+", "-", "@")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
ANSWER_FILL = PatternFill("solid", fgColor="FFF8E1")


def set_text(cell, value) -> None:
    """Put a value in a cell; text that looks like a formula stays text (quote prefix)."""
    value = clean(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def text_lines(text: object, width: float) -> int:
    """Lines a wrapped cell of `width` characters needs for `text` (its own line breaks kept).

    A column `width` holds about that many average characters; words are not split, so a
    line is counted as full at the width (the row is never shorter than its text).
    """
    if text is None or text == "":
        return 1
    per_line = max(1, int(width))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def row_height(values: list[object], widths: list[float], columns: tuple[int, ...] = WRAPPED) -> float:
    """Points for a row whose wrapped `columns` (1-based) show `values` in full."""
    lines = max(text_lines(values[c - 1], widths[c - 1]) for c in columns)
    return lines * LINE_POINTS + ROW_PADDING


def sheets(a: Assembly) -> list[tuple[str, str | None, list[SelectedRequirement]]]:
    """(sheet title, lot id or None, the requirements) per sheet: one per lot, or one in all."""
    w = a.words
    reqs = a.answerable
    if not a.tender.lots:
        return [(w("xlsx.sheet"), None, reqs)]
    return [(w("xlsx.sheet_lot", id=lot.id)[:31], lot.id, [s for s in reqs if lot.id in s.lots])
            for lot in a.tender.lots]


def write_xlsx(a: Assembly, path: Path) -> Path:
    wb = Workbook()
    first = True
    for title, _lot, reqs in sheets(a):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        _matrix(ws, a, reqs)
    _about(wb.create_sheet(a.words("xlsx.about")), a)
    wb.properties.title = clean(f"{a.words('xlsx.sheet')} – {a.tender.title}")
    wb.properties.creator = clean(f"{a.host_name} kommune")
    wb.save(str(path))
    return path


def headers(a: Assembly) -> list[str]:
    w = a.words
    return [w("table.id"), w("xlsx.category"), w("table.requirement"), w("xlsx.kind"), w("table.weight"),
            w("table.lots"), w("xlsx.answer"), w("xlsx.description"), w("xlsx.comment"),
            w("xlsx.bilag_ref", bilag=_solution(a))]


def _solution(a: Assembly) -> str:
    """«Bilag 2» (the supplier's description), short for a column header."""
    name = bilag_name(a, "solution")
    return name.split(":")[0] if name else ""


def _category(a: Assembly, s: SelectedRequirement, elsewhere: dict[str, str]) -> str:
    """The category label, with the bilag it belongs to when that is not the specification."""
    label = a.words.category(s.requirement.category)
    return a.words("xlsx.category_bilag", category=label, bilag=elsewhere[s.id]) if s.id in elsewhere else label


def _elsewhere(a: Assembly) -> dict[str, str]:
    """Requirement id → «Bilag 4» for the requirements of the service-level bilag."""
    name = bilag_name(a, "service_levels").split(":")[0]
    return {s.id: name for s in a.in_bilag("service_levels")} if name else {}


def _matrix(ws, a: Assembly, reqs: list[SelectedRequirement]) -> None:
    _header_row(ws, headers(a))
    open_cell = Protection(locked=False)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    validations = {kind: _validation(a, kind) for kind in ("skal", "bor")}
    elsewhere = _elsewhere(a)
    for dv in validations.values():
        ws.add_data_validation(dv)
    for row, s in enumerate(reqs, start=2):
        values = [s.id, _category(a, s, elsewhere), a.text(s), a.words.kind(s.kind), s.weight, a.lot_label(s),
                  None, None, None, None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            set_text(cell, value)
            cell.alignment = wrap_top
            if col in ANSWER_COLUMNS:
                cell.protection = open_cell
                cell.fill = ANSWER_FILL
        ws.row_dimensions[row].height = row_height(values, WIDTHS)
        validations[s.kind].add(ws.cell(row=row, column=ANSWER_COLUMN).coordinate)
    last = len(reqs) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:J{max(last, 1)}"
    _print_setup(ws)
    _protect(ws)


def _header_row(ws, texts: list[str]) -> None:
    bold_white = Font(bold=True, color="FFFFFF")
    for col, (text, width) in enumerate(zip(texts, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=1, column=col)
        set_text(cell, text)
        cell.font, cell.fill = bold_white, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    ws.row_dimensions[1].height = row_height(texts, WIDTHS, tuple(range(1, len(texts) + 1)))


def _validation(a: Assembly, kind: str) -> DataValidation:
    """The drop-down of the answers to a requirement kind; anything else is refused."""
    w = a.words
    options = answers(kind, a.nynorsk)
    message = w("xlsx.error", answers=w.join(options))
    return DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                          showErrorMessage=True, errorTitle=w("xlsx.error_title"), error=message,
                          showInputMessage=True, promptTitle=w("xlsx.answer"), prompt=message)


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, the header row on every page."""
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _protect(ws) -> None:
    """Lock the sheet but let the supplier resize, filter and sort."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.autoFilter = False
    p.sort = False


def _about(ws, a: Assembly) -> None:
    t, w = a.tender, a.words
    names = a.names
    heads = headers(a)
    rows = [
        (w("xlsx.about.tender"), t.title),
        (w("xlsx.about.host"), f"{a.host_name} kommune"),
        (w("xlsx.about.participants"), ", ".join(names[n] for n in t.participants)),
        (w("xlsx.about.reference"), t.reference or "–"),
        (w("xlsx.about.deadline"), formatting.date_long(t.timeline.get("tender_deadline"))),
        (w("xlsx.about.count"), f"{len(a.answerable)}"),
        (w("xlsx.about.sheets"), w("xlsx.about.sheets_lots") if t.lots else w("xlsx.about.sheets_one")),
        (w("xlsx.about.how"), w("xlsx.about.how_text", answer=heads[ANSWER_COLUMN - 1],
                                skal=w.join(answers("skal", a.nynorsk)), bor=w.join(answers("bor", a.nynorsk)),
                                comment=heads[8], bilag=_solution(a))),
        (w("xlsx.about.rules"), w("xlsx.about.rules_text")),
    ]
    if a.example_data:
        rows.append((w("xlsx.about.note"), w("title.example")))
    for r, (key, value) in enumerate(rows, start=1):
        set_text(ws.cell(row=r, column=1), key)
        ws.cell(row=r, column=1).font = Font(bold=True)
        ws.cell(row=r, column=1).alignment = Alignment(vertical="top")
        set_text(ws.cell(row=r, column=2), value)
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = text_lines(value, 100) * LINE_POINTS + ROW_PADDING
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
    ws.protection.sheet = True
