"""Domain rules that the report, the notebooks, the dashboards and the tender must agree on.

Each rule is defined here once; every caller imports it, so two views of the same data
cannot give two answers.

- The welfare gap: units a municipality still has to get, `needed − in_use`, never below
  zero. A municipality that plans fewer units than it has (Lødingen's trygghetsalarm:
  60 in use, 55 needed) has a surplus, not a negative need; the surplus is its own
  figure (`welfare_surplus`), and it does not cover another partner's need.
- The planning horizon: how many years ahead contract ends and exit windows are looked
  for (`HORIZON_YEARS`), the default of the report, the CLI, the notebooks and the
  dashboards.
"""
from __future__ import annotations

from typing import Any

from digireform.model.formatting import is_missing

HORIZON_YEARS = 5


def welfare_gap(needed: Any, in_use: Any) -> Any:
    """Units still needed: max(needed − in_use, 0); unknown when either is unknown.

    Works on numbers and on aligned pandas Series (element by element, NaN stays NaN).
    """
    return _clipped(needed, in_use)


def welfare_surplus(needed: Any, in_use: Any) -> Any:
    """Units in use beyond the need: max(in_use − needed, 0); unknown when either is unknown."""
    return _clipped(in_use, needed)


def _clipped(a: Any, b: Any) -> Any:
    """max(a − b, 0) for numbers or Series; no pandas import, so the CLI starts light."""
    if is_missing(a) or is_missing(b):
        return None
    diff = a - b
    return diff.clip(lower=0) if hasattr(diff, "clip") else max(diff, 0)
