"""Norwegian number and money formatting shared by the CLI, documents and dashboards."""
from __future__ import annotations

import math
from typing import Any

NBSP = "\u00a0"


def _missing(x: Any) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def number(x: Any, decimals: int = 0, sep: str = " ") -> str:
    """1234567.8 → «1 234 568» (Norwegian grouping with spaces, comma as decimal mark)."""
    if _missing(x):
        return "–"
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", sep)


def nok(x: Any, sep: str = " ") -> str:
    """Whole kroner: «1 250 000 kr»; «ukjent» when missing."""
    return "ukjent" if _missing(x) else f"{number(x, 0, sep)} kr"


def nok_per_year(x: Any, complete: bool = True) -> str:
    """Yearly cost for summaries; says when part or all of the cost is unknown or hidden."""
    if _missing(x) or (not complete and not x):
        return "kostnad ukjent"
    return f"{'minst ' if not complete else ''}{nok(x)} per år"


def percent(share: Any, decimals: int = 0) -> str:
    """0.2105 → «21 %»."""
    return "–" if _missing(share) else f"{number(float(share) * 100, decimals)} %"
