"""One spreadsheet cell → the text stored for its field, or a Norwegian reason why not.

Numbers, dates and codes go through `model.values`, the one typed-value parser, so an
ambiguous «30.000» is refused here exactly as in a stored file.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from digireform.model import values
from digireform.model.schema import Field, code_list


def convert_cell(value: Any, f: Field) -> tuple[str, str | None]:
    """One imported cell → (stored string, problem message or None).

    `value` is whatever the reader produced: str from CSV; str, int, float, bool,
    datetime or None from Excel. On a problem the string is "" (and the caller reports).
    Numbers, dates and codes go through `values`, the parser the forms use too.
    """
    if value is None:
        return "", None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return "", None
    converter = _CONVERTERS[f.type]
    return converter(value, f)



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



def _to_value(value: Any, f: Field) -> tuple[str, str | None]:
    """int, number and date cells: `values.to_stored_text`, its refusal as the message."""
    if isinstance(value, bool) or (f.type != "date" and isinstance(value, dt.date | dt.datetime | dt.time)):
        return "", f"{values.quoted(value)} er ikke et tall"
    if isinstance(value, dt.time):
        return "", f"{values.quoted(value)} er ikke en dato (skriv f.eks. 31.12.2026)"
    try:
        return values.to_stored_text(value, f.type), None
    except values.Refused as exc:
        return "", exc.message



def _to_code(value: Any, f: Field) -> tuple[str, str | None]:
    assert f.codes is not None
    if isinstance(value, bool) and "yes" in code_list(f.codes):
        return ("yes" if value else "no"), None
    try:
        return values.parse_code(_to_text(value, f)[0], f.codes), None
    except values.Refused as exc:
        return "", exc.message



def _to_orgnr(value: Any, f: Field) -> tuple[str, str | None]:
    text = _to_text(value, f)[0]
    compact = re.sub(r"[\s.\u00a0]", "", text)
    compact = re.sub(r"^NO(?=\d)|(?<=\d)MVA$", "", compact, flags=re.IGNORECASE)
    return compact, None  # the mod-11 check is validate.tables', with its message



def _to_id_list(value: Any, f: Field) -> tuple[str, str | None]:
    text = _to_text(value, f)[0]
    ids = [p.strip() for p in re.split(r"[;,\n]", text)]
    return ";".join(dict.fromkeys(i for i in ids if i)), None


_CONVERTERS = {
    "text": _to_text,
    "int": _to_value,
    "number": _to_value,
    "date": _to_value,
    "code": _to_code,
    "orgnr": _to_orgnr,
    "id_list": _to_id_list,
}
