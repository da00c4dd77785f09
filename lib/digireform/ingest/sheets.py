"""Reading a spreadsheet file into rows of cells with the sheet's own row numbers.

The first sheet of an .xlsx (openpyxl, saved values of formulas) or a CSV/TSV text
(`textio`: encoding and delimiter). A formula without a saved value is found here,
so it can be refused naming its cell instead of being read as empty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digireform.io import textio
from digireform.model.errors import DigireformError, display_path

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}



@dataclass
class SheetRows:
    """The raw cells of a file: (sheet row number, cell values) for every row."""

    label: str
    rows: list[tuple[int, list[Any]]]
    excel: bool
    merged: list[Any] = field(default_factory=list)  # openpyxl CellRange of merged cells (.xlsx)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column index) → formula



def read_csv_rows(path: Path) -> SheetRows:
    """A CSV/text export as rows of strings, numbered by the line each record starts on."""
    label = display_path(path)
    text = textio.decode_import(path.read_bytes(), label)
    recs = textio.read_records(text, label, textio.detect_delimiter(text, label))
    if recs.problems:
        p = recs.problems[0]
        raise DigireformError(f"{label}:{p.line}: kan ikke leses som CSV: {p.message}.")
    return SheetRows(label, list(zip(recs.lines, recs.records, strict=True)), excel=False)



def read_xlsx_rows(path: Path) -> SheetRows:
    """The first sheet of an .xlsx as rows of cell values (numbers, dates, text), with its merges.

    Read in full (not read-only) mode: only that mode knows the merged cells.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise DigireformError(
            f"{display_path(path)}: kan ikke leses som Excel-fil (.xlsx): {exc}. "
            "Lagre den på nytt fra Excel som «Excel-arbeidsbok (.xlsx)» eller som CSV."
        ) from exc
    try:
        ws = wb.worksheets[0]
        rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
        merged = list(ws.merged_cells.ranges)
    finally:
        wb.close()
    formulas = _uncached_formulas(path, rows) if _has_formulas(path) else {}
    return SheetRows(f"{display_path(path)}", rows, excel=True, merged=merged, formulas=formulas)


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")



def _has_formulas(path: Path) -> bool:
    """Does any worksheet of the file hold a formula? A scan of the XML, so that the second
    reading below (openpyxl gives either formulas or cached values, never both) is only
    done for files that have formulas at all."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return any(_FORMULA_TAG.search(z.read(n)) for n in z.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))



def _uncached_formulas(path: Path, rows: list[tuple[int, list[Any]]]) -> dict[tuple[int, int], str]:
    """(row, column index) → formula of the cells that are empty as cached values but hold a formula.

    Excel saves each formula's value; a file written by a program that does not compute has
    none, and reading it as empty would silently lose the value. The sheet's XML is read
    because openpyxl cannot tell the two kinds of empty: a formula whose saved value is empty
    text (t="str", Excel's =IF(…;"";…)) is a real empty cell.
    """
    from openpyxl import load_workbook
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl reads

    empty = {(r, j) for r, cells in rows for j, c in enumerate(cells) if c is None}
    if not empty:
        return {}
    wb = load_workbook(path, read_only=True)
    out: dict[tuple[int, int], str] = {}
    shared: dict[str, str] = {}  # a shared formula's text, written only in its first cell
    try:
        with wb.worksheets[0]._get_source() as source:  # the first worksheet's XML, as openpyxl opens it
            for _, el in iterparse(source):
                if _local(el.tag) != "row":
                    continue
                for cell in el:
                    if (found := _uncached_formula(cell, shared)) and (pos := _cell_pos(cell)) in empty:
                        out[pos] = found
                el.clear()
    finally:
        wb.close()
    return out



def _local(tag: str) -> str:
    return tag.rpartition("}")[2]



def _cell_pos(cell: Any) -> tuple[int, int] | None:
    from openpyxl.utils.cell import coordinate_to_tuple

    ref = cell.get("r")
    if not ref:
        return None
    row, col = coordinate_to_tuple(ref)
    return row, col - 1



def _uncached_formula(cell: Any, shared: dict[str, str]) -> str | None:
    """«=formula» of a `<c>` element holding a formula without a saved value, else None."""
    parts = {_local(x.tag): x for x in cell}
    formula = parts.get("f")
    if formula is None:
        return None
    si = formula.get("si")
    if si is not None and formula.text:
        shared[si] = formula.text
    text = formula.text or shared.get(si or "", "")
    cached = parts["v"].text if "v" in parts else None
    return None if cached or cell.get("t") == "str" else f"={text}"



def read_rows(path: str | Path) -> SheetRows:
    """Dispatch on the file suffix; DigireformError for missing or unsupported files."""
    p = Path(path)
    textio.check_import_file(p)
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx_rows(p)
    if suffix in TEXT_SUFFIXES:
        return read_csv_rows(p)
    raise DigireformError(
        f"{display_path(p)}: filtypen «{p.suffix or '(ingen)'}» støttes ikke; "
        "lagre systemlisten som .xlsx (Excel-arbeidsbok) eller .csv."
    )
