"""Reading and writing the CSV tables (systems.csv, welfare.csv) as text.

Every file is read through `textio` (one decoding policy, one CSV reader with
physical line numbers, one tidy step); rows are fitted to the header of
schema.yaml. Checking the values is `validate.tables`'s job.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from digireform.io import textio
from digireform.model import values
from digireform.model.errors import Problem, display_path, os_reason
from digireform.model.privacy import missing_column_problems
from digireform.model.rows import Row
from digireform.model.schema import FileSpec, file_spec


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


def child_label(folder_label: str, name: str) -> str:
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
    read = header_and_rows(text, label, problems)
    if read is None:
        return None
    header, data, lines = read
    _header_positions(header, spec, label, problems)
    out, kept = fit_rows(data, lines, header, spec.columns, label, problems)
    problems += missing_column_problems(spec.kind, label, header, len(out))  # privacy fails closed: say so
    return out, kept


def header_and_rows(text: str, label: str, problems: list[Problem]
                    ) -> tuple[list[str], list[list[str]], list[int]] | None:
    """A stored CSV text's header (cells stripped) and its tidy data rows with their physical lines.

    The one start of reading every stored table (systems, welfare, survey): an empty file is
    a problem on line 1 (None), the CSV reader's problems are added to `problems`.
    """
    if not text.strip():
        problems.append(Problem(label, 1, "(fil)", "filen er tom; første linje skal være overskriftene", scope="file"))
        return None
    recs = textio.read_records(text, label)
    problems += recs.problems
    header = [h.strip() for h in recs.records[0]] if recs.records else []
    rows, lines = textio.tidy(recs.records[1:], recs.lines[1:], text)
    return header, rows, lines


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


def leading_comments(text: str) -> str:
    """The comment block at the top of a YAML text (e.g. «EKSEMPELDATA …»), kept across saves."""
    kept = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(kept)


def rows_from_bytes(data: bytes | None, path: Path, kind: str) -> tuple[list[Row], list[Problem]]:
    """A stored table's bytes → rows of tidy strings and the problems found reading them.

    The same reading as `load` (textio decoding, CSV reader and tidy step), so the
    editors, the saves and the change list see exactly the rows validation sees. A missing
    or empty file is an empty table.
    """
    problems: list[Problem] = []
    if data is None or not data.strip():
        return [], problems
    label = display_path(path)
    text = textio.decode_stored(data, label, problems)
    raw = None if text is None else parse_table(text, file_spec(kind), label, problems)
    if raw is None:
        return [], problems
    cols = file_spec(kind).columns
    return [dict(zip(cols, r, strict=True)) for r in raw[cols].itertuples(index=False, name=None)], problems
