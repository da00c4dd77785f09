"""One reading path for every text file the project reads: decoding, CSV records, tidying.

Why one module: the same bytes must give the same rows and the same problems (with the same
line numbers) whoever reads them — `io.tables`, the editors' snapshots, the change list, the
importers. Rules:

* Decoding. Stored data files (systems.csv, welfare.csv, survey.csv, kommune.yaml) are UTF-8
  without BOM (docs/data-model.md). A BOM is reported as a problem on line 1 but the text is still
  read, so the other rows stay visible; bytes that are not UTF-8 are reported with their line
  and the file is not read (guessing an encoding could change the data). Imports (Excel and
  survey exports) may be UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252;
  anything else (NUL bytes, bytes Windows-1252 does not define) is refused naming the file.
  JSON (SSB's JSON-stat) is UTF-8, with or without BOM.
* Records. Python's csv module in strict mode; each record carries the physical line it
  starts on (header = line 1), also after a quoted cell over several lines. A quote that is
  never closed, or text after a closing quote, is a problem on the record's line: no guess.
* Tidy. Every cell is stripped (spaces, tabs, non-breaking and other Unicode spaces), and
  rows whose cells are all empty are dropped (their line numbers stay with the others). This
  is done the same way whether a cell was quoted or not.
* Delimiters for imports: the header row is parsed with each candidate (`;`, `,`, tab) and the
  one whose records have the same number of fields as the header (and more than one) wins;
  characters are not counted, so `;` exports with commas in question texts are read right.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from digireform.model.errors import DigireformError, Problem, display_path

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = (";", ",", "\t")
SNIFF_RECORDS = 50  # records read per candidate delimiter when choosing one


# --------------------------------------------------------------------------- files


def check_import_file(path: Path, label: str | None = None) -> None:
    """The path given to an import must be a file: a folder is named as one, not as «not found»."""
    label = label or display_path(path)
    if path.is_dir():
        raise DigireformError(f"{label} er en mappe, ikke en fil; oppgi fila som skal importeres.")
    if not path.is_file():
        raise DigireformError(f"Fant ikke fila {label}.")


# --------------------------------------------------------------------------- decoding


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode_stored(data: bytes, label: str, problems: list[Problem]) -> str | None:
    """A stored data file's bytes → text; problems for a BOM (text still read) or bad UTF-8 (None)."""
    if data.startswith(UTF8_BOM):
        # every row is still read: nothing is left out (scope "cell")
        problems.append(Problem(label, 1, "(fil)", "filen starter med BOM; lagre som UTF-8 uten BOM"))
        data = data[len(UTF8_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, _line_of(data, exc.start), "(fil)",
                                f"ugyldig UTF-8 (byte 0x{data[exc.start]:02x}); lagre filen som UTF-8",
                                scope="file"))
        return None


def decode_import(data: bytes, label: str) -> str:
    """An exported file's bytes → text (UTF-8 ± BOM, UTF-16 with BOM, Windows-1252); else refused."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DigireformError(f"{label}: filen starter som UTF-16, men byte {exc.start} er ugyldig; "
                                  "lagre den på nytt som CSV UTF-8.") from None
    if b"\x00" in data:
        line = _line_of(data, data.index(b"\x00"))
        raise DigireformError(f"{label}:{line}: filen inneholder NUL-tegn (UTF-16 uten BOM eller ikke en "
                              "tekstfil); lagre den på nytt som CSV UTF-8.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DigireformError(f"{label}:{_line_of(data, exc.start)}: filen er verken UTF-8 eller Windows-1252 "
                              f"(byte 0x{data[exc.start]:02x}); lagre den på nytt som CSV UTF-8.") from None


def decode_json(data: bytes, label: str) -> str:
    """A JSON file's bytes → text: UTF-8, a leading BOM tolerated (SSB's downloads have none)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DigireformError(f"{label}:{_line_of(data, exc.start)}: filen er ikke UTF-8 "
                              f"(byte {exc.start}: 0x{data[exc.start]:02x}).") from None


# --------------------------------------------------------------------------- records


@dataclass
class Records:
    """CSV records of one text with the physical line each starts on (header = line 1)."""

    records: list[list[str]]
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)


def read_records(text: str, label: str, delimiter: str = ",", limit: int | None = None) -> Records:
    """Every record (blank lines are empty records); a quoting error ends the reading with a problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    problems: list[Problem] = []
    try:
        for record in reader:
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
            if limit is not None and len(records) >= limit:
                break
    except csv.Error as exc:
        problems.append(Problem(label, start, "(fil)", _csv_message(str(exc)), scope="file"))  # the rest is unread
    return Records(records, lines, problems)


def _csv_message(error: str) -> str:
    """The csv module's English error as a Norwegian explanation of what to fix."""
    if "unexpected end of data" in error:
        return "et anførselstegn (\") åpner en celle som aldri lukkes; resten av filen kan ikke leses"
    if "expected after" in error:
        return "tekst etter et avsluttende anførselstegn i en celle; skriv \"\" for et anførselstegn inne i teksten"
    return f"kan ikke leses som CSV ({error})"


def tidy(records: list[list[str]], lines: list[int], text: str | None = None) -> tuple[list[list[str]], list[int]]:
    """Strip every cell and drop rows that are then empty (the remaining rows keep their lines).

    With the records' `text` (delimiter `,`), cells are stripped only when some cell could need
    it (`needs_strip`): the same result, without a strip call per cell on tidy files (those the
    workbook writes itself).
    """
    strip = text is None or needs_strip(text)
    out, kept = [], []
    for record, line in zip(records, lines, strict=True):
        if strip:
            record = list(map(str.strip, record))  # the cells are str (csv.reader): C-level calls
        if any(record):
            out.append(record)
            kept.append(line)
    return out, kept


# White space that str.strip removes, besides space, tab and line breaks (all are below U+3001).
_OTHER_SPACES = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \t\n\r")
# A space or tab at the edge of a cell of a `,` file: next to a delimiter, line break or quote.
_EDGES = tuple(pair for w in " \t" for pair in (f",{w}", f"{w},", f"\n{w}", f"{w}\n", f"{w}\r", f'"{w}', f'{w}"'))


def needs_strip(text: str) -> bool:
    """Could any cell of this `,`-separated text start or end with white space (NBSP included)?

    Substring tests only (fast); a false positive just means stripping a tidy file.
    """
    at_ends = text[:1].isspace() or text[-4:].rstrip("\r\n")[-1:].isspace()  # no line break before/after
    return at_ends or any(e in text for e in _EDGES) or any(c in text for c in _OTHER_SPACES)


def record_lines(text: str, label: str = "") -> list[int]:
    """The start line of each data record (after the header), blank records included."""
    return read_records(text, label).lines[1:]


# --------------------------------------------------------------------------- delimiters


def detect_delimiter(text: str, label: str) -> str:
    """`;`, `,` or tab: the candidate whose header has > 1 field and whose next records match it.

    The header is the first record with more than one field (a one-cell title row above it
    is passed over, as the importer does).
    Ranked by: every record fits (and no quoting error), then how many records fit, then the
    header's width; a tie goes to the first of DELIMITERS (Norwegian Excel writes `;`). A
    one-column file is read with `,` (nothing to split).
    """
    best, best_score = ",", (False, -1, -1)
    for delimiter in DELIMITERS:
        recs = read_records(text, label, delimiter, limit=SNIFF_RECORDS)
        rows = [r for r in recs.records if any(c.strip() for c in r)]
        start = next((i for i, r in enumerate(rows) if len(r) >= 2), None)  # title rows above: passed over
        if start is None:
            continue
        width = len(rows[start])
        agree = sum(1 for r in rows[start + 1:] if len(r) == width)
        score = (not recs.problems and agree == len(rows) - start - 1, agree, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
