"""Norwegian number, money and date formatting shared by the CLI, documents and dashboards.

No pandas here: the dashboards' kernels import this without the data stack.
"""
from __future__ import annotations

import math
from typing import Any

NBSP = "\u00a0"
MISSING = "–"


def is_missing(x: Any) -> bool:
    """None, NaN, pandas NA/NaT."""
    if x is None or type(x).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(x, float) and math.isnan(x)


def number(x: Any, decimals: int = 0, sep: str = " ") -> str:
    """1234567.8 → «1 234 568»: spaces group thousands, comma is the decimal mark."""
    if is_missing(x):
        return MISSING
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", sep)


def decimal(x: Any, max_decimals: int = 2, sep: str = " ") -> str:
    """0.5 → «0,5», 45000 → «45 000», 2.25 → «2,25»: at most `max_decimals`, trailing zeros dropped.

    For numbers a person typed (limits, stored cells), where «0,50» would claim a
    precision nobody wrote.
    """
    if is_missing(x):
        return MISSING
    text = number(x, max_decimals, sep)
    return text.rstrip("0").rstrip(",") if "," in text else text


def nok(x: Any, sep: str = " ", decimals: int = 0) -> str:
    """Kroner: «1 250 000 kr» (whole kroner unless `decimals` says otherwise: «45 000,50 kr»)."""
    return MISSING if is_missing(x) else f"{number(x, decimals, sep)}{sep}kr"


def nok_short(x: Any, sep: str = " ") -> str:
    """«17,4 mill. kr» from a million up, else whole kroner (for key-figure cards)."""
    if is_missing(x):
        return MISSING
    if abs(float(x)) >= 1_000_000:
        return f"{number(float(x) / 1_000_000, 1, sep)}{sep}mill.{sep}kr"
    return nok(x, sep)


def nok_per_year(x: Any, complete: bool = True) -> str:
    """Yearly cost for summaries; says when part or all of the cost is unknown or hidden."""
    if is_missing(x) or (not complete and not x):
        return "kostnad ukjent"
    return f"{'minst ' if not complete else ''}{nok(x)} per år"


def percent(share: Any, decimals: int = 0, sep: str = " ") -> str:
    """0.2105 → «21 %»."""
    return MISSING if is_missing(share) else f"{number(float(share) * 100, decimals, sep)}{sep}%"


def percent_value(x: Any, sep: str = " ") -> str:
    """A number that is already in per cent (an award weight of 12.5) → «12,5 %»."""
    return MISSING if is_missing(x) else f"{decimal(x, 2, sep)}{sep}%"


def date_no(iso: Any) -> str:
    """2026-11-23 (or a date, or a timestamp) → «23.11.2026»."""
    if is_missing(iso) or not iso:
        return MISSING
    y, m, d = str(iso)[:10].split("-")
    return f"{d}.{m}.{y}"


MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")


def date_long(day: Any) -> str:
    """2027-01-15 (or a date, or a timestamp) → «15. januar 2027», as documents write dates."""
    if is_missing(day) or not day:
        return MISSING
    y, m, d = (int(part) for part in str(day)[:10].split("-"))
    return f"{d}. {MONTHS[m - 1]} {y}"


def count(n: int, singular: str, plural: str) -> str:
    """«1 kommune», «2 kommuner», «1 200 systemer»: the number by `number`, the noun in the right form."""
    return f"{number(n)} {singular if n == 1 else plural}"


NUMBER_WORDS = ("null", "ett", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv")


def years(n: int) -> str:
    """«ett år», «fem år», «tolv år», «15 år»: up to twelve in words, as Norwegian text writes them."""
    n = int(n)
    return f"{NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else number(n)} år"


def rate(x: Any, sep: str = " ") -> str:
    """A rate per 1 000 (or per inhabitant) with one decimal: 270.3 → «270,3»."""
    return number(x, 1, sep)


def _list_text(x: Any) -> str:
    """A list (of IDs, names) as «EVE-001; EVE-002»; a text stays as it is."""
    if isinstance(x, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in x)
    return str(x)


def _date_cell(x: Any) -> str:
    """A date, timestamp or ISO text → «23.11.2026»."""
    return date_no(x.isoformat() if hasattr(x, "isoformat") else x)


CELL_FORMATS = {
    "text": lambda x, sep: _list_text(x),
    "int": lambda x, sep: number(x, 0, sep),
    "decimal": lambda x, sep: decimal(x, 2, sep),
    "number1": lambda x, sep: number(x, 1, sep),
    "number2": lambda x, sep: number(x, 2, sep),
    "rate": rate,
    "nok": nok,
    "percent": lambda x, sep: percent(x, 0, sep),
    "percent1": lambda x, sep: percent(x, 1, sep),
    "date": lambda x, sep: _date_cell(x),
    "date_long": lambda x, sep: date_long(x.isoformat() if hasattr(x, "isoformat") else x),
    "id_list": lambda x, sep: "; ".join(p.strip() for p in _list_text(x).split(";") if p.strip()),
    "year": lambda x, sep: str(int(x)),  # «2027», never «2 027»
    "line": lambda x, sep: str(int(x)),  # a line or row number, as FILE:LINE writes it
}
CELL_KINDS = tuple(CELL_FORMATS)


def cell(x: Any, kind: str = "text", sep: str = " ") -> str:
    """One table cell as a person reads it, by the kind of its column (CELL_KINDS).

    Unknown is a blank cell, never «NaN», «<NA>» or «None»: a table marks what is missing by
    leaving it empty. A text cell that is not a number kind is shown as it is; an already
    formatted text in a number column («for få svar») too, so a table may say why a figure
    is withheld.
    """
    if is_missing(x) or (isinstance(x, str) and not x.strip()):
        return ""
    if isinstance(x, str) and kind not in ("text", "date", "date_long", "id_list"):
        return x
    return CELL_FORMATS[kind](x, sep)
