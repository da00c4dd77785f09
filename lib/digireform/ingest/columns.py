"""Finding the header row of a sheet and matching its headers to the fields of schema.yaml.

Headers match by Norwegian label, alias or key, in any case and spacing; a column
that matches nothing is an error, because dropping it would lose data.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from digireform.ingest.sheets import SheetRows
from digireform.model.errors import DigireformError, Problem, ValidationError
from digireform.model.schema import Field, FileSpec, file_spec, normalise_token

HEADER_SCAN_ROWS = 15  # title rows above the header that we are willing to skip



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



def is_blank(cells: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)



def find_header_row(sheet: SheetRows, spec: FileSpec) -> int:
    """Index (into sheet.rows) of the header: first row naming ≥ 2 known columns, else first non-blank."""
    first_nonblank = None
    for i, (_, cells) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if is_blank(cells):
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
            has_data = any(i < len(r) and not is_blank([r[i]]) for _, r in sheet.rows[header_pos + 1:])
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
