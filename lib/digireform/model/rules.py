"""Domain rules that the report, the notebooks, the dashboards and the tender must agree on.

Each rule is defined here once; every caller imports it, so two views of the same data
cannot give two answers.

- The welfare gap: units a municipality still has to get, `needed − in_use`, never below
  zero. A municipality that plans fewer units than it has (Lødingen's trygghetsalarm:
  60 in use, 55 needed) has a surplus, not a negative need; the surplus is its own
  figure (`welfare_surplus`), and it does not cover another partner's need.
- The gap's inputs (`welfare_totals`): units count as in use only on rows whose status is
  in use or piloting (`WELFARE_IN_USE_STATUSES`); the need is the sum of `units_needed`, and
  a need nobody has given stays unknown, and so do its gap and surplus.
- The planning horizon: how many years ahead contract ends and exit windows are looked
  for (`HORIZON_YEARS`), the default of the report, the CLI, the notebooks and the
  dashboards.
"""
from __future__ import annotations

from typing import Any

from digireform.model.formatting import is_missing

HORIZON_YEARS = 5

WELFARE_IN_USE_STATUSES = ("in_use", "piloting")
"""welfare.csv statuses whose `units_in_use` are in use now (schema.yaml `welfare_status`).

«I bruk» and «Utprøving» are units that exist and serve users today; «Planlagt» and «Behov»
rows describe units still to come, so a number written in their `units_in_use` is not in use
(counting it would shrink the gap by units nobody has yet).
"""


def welfare_gap(needed: Any, in_use: Any) -> Any:
    """Units still needed: max(needed − in_use, 0); unknown when either is unknown.

    Works on numbers and on aligned pandas Series (element by element, NaN stays NaN).
    """
    return _clipped(needed, in_use)


def welfare_surplus(needed: Any, in_use: Any) -> Any:
    """Units in use beyond the need: max(in_use − needed, 0); unknown when either is unknown."""
    return _clipped(in_use, needed)


def welfare_totals(rows: Any, keys: list[str]) -> Any:
    """Per group of welfare.csv rows (`keys`, e.g. municipality × category): in_use, needed, gap, surplus.

    The one definition of the gap's inputs, used by the report and the tender alike:

    - `in_use`: the sum of `units_in_use` over rows whose status is in `WELFARE_IN_USE_STATUSES`;
      0 when the group has no such row (nothing is in use), unknown when it has such rows
      but none gives a number.
    - `needed`: the sum of `units_needed` over the group's rows of any status (the total
      needed by the target year, in use included); unknown when no row gives one. An
      unknown need is never guessed (not as "what is in use", not as 0): it stays unknown,
      so the gap and surplus are unknown too and callers show «ukjent» rather than a number.
    - `gap` / `surplus`: `welfare_gap` / `welfare_surplus` of the two.

    `rows` is a pandas DataFrame with `status`, `units_in_use`, `units_needed` and `keys`;
    the result is indexed by `keys`, one row per group, in order of first appearance.
    """
    counts = rows["status"].isin(WELFARE_IN_USE_STATUSES)
    df = rows.assign(_in_use=rows["units_in_use"].where(counts), _counts=counts)
    grouped = df.groupby(keys, sort=False)
    out = grouped.agg(_n=("_counts", "sum"), _u=("_in_use", lambda s: s.sum(min_count=1)),
                      needed=("units_needed", lambda s: s.sum(min_count=1)))
    out["in_use"] = out["_u"].where(out["_n"] > 0, 0)
    out["gap"] = welfare_gap(out["needed"], out["in_use"])
    out["surplus"] = welfare_surplus(out["needed"], out["in_use"])
    return out[["in_use", "needed", "gap", "surplus"]]


def _clipped(a: Any, b: Any) -> Any:
    """max(a − b, 0) for numbers or Series; no pandas import, so the CLI starts light."""
    if is_missing(a) or is_missing(b):
        return None
    diff = a - b
    return diff.clip(lower=0) if hasattr(diff, "clip") else max(diff, 0)
