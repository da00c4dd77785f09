"""`digireform report --json`: every computed figure as one JSON document.

The base section (municipalities, region) lives here; analysis modules add their own
sections through `report_section(region, report, options)`, listed in SECTIONS. The
report is a public output: every section sees `privacy.public_region(region)`, so costs and
contract dates of rows that are not validly public (`confidential` other than «no») are not
in it, nor contacts or unknown keys of kommune.yaml. Cost totals are sums over public rows;
completeness is computed over public rows only, so it says nothing about hidden cells.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from digireform.analysis import maturity, overlap, survey, welfare, worklist
from digireform.analysis.options import ReportOptions
from digireform.model import formatting
from digireform.model.privacy import (
    is_confidential,
    is_public,
    not_marked_count,
    public_region,
    public_systems,
)
from digireform.model.region import Region
from digireform.model.schema import completeness_fields

Section = Callable[[Region, dict[str, Any], ReportOptions], None]

# The sections after the base one, in the order they are added (later ones may read earlier ones).
SECTIONS: tuple[Section, ...] = (
    overlap.report_section,
    welfare.report_section,
    maturity.report_section,
    survey.report_section,
    worklist.report_section,
)


def completeness(systems: pd.DataFrame) -> float | None:
    """Share (0–1) of the completeness fields that are filled; None without rows."""
    cols = completeness_fields()
    if systems.empty:
        return None
    filled = systems[cols].notna().to_numpy().sum()
    return round(float(filled) / (len(systems) * len(cols)), 4)


def base_report(region: Region, options: ReportOptions) -> dict[str, Any]:
    """Per municipality and region: systems, public cost, completeness over public rows."""
    in_use = region.in_use_systems()
    public = public_systems(in_use)
    open_rows = public[is_public(public)]
    per_muni: dict[str, Any] = {}
    counts = in_use.groupby("municipality").size()
    costs = public.groupby("municipality")["annual_cost_nok"].sum(min_count=1)
    filled = open_rows[completeness_fields()].notna().sum(axis=1).groupby(open_rows["municipality"]).sum()
    n_open = open_rows.groupby("municipality").size()
    n_fields = len(completeness_fields())
    munis = region.municipalities
    for nr, name, population in zip(munis.index, munis["name"], munis["population"], strict=True):
        cost = _num(costs.get(nr))
        pop = _int(population)
        n = int(counts.get(nr, 0))
        per_muni[nr] = {
            "name": name,
            "population": pop,
            "systems": n,
            "annual_cost_nok": cost if cost is not None else 0,
            "cost_per_inhabitant_nok": round(cost / pop, 2) if cost and pop else None,
            "completeness": _share(filled.get(nr, 0), int(n_open.get(nr, 0)) * n_fields),
        }
    total_cost = sum(m["annual_cost_nok"] for m in per_muni.values())
    total_pop = sum(m["population"] or 0 for m in per_muni.values())
    return {
        "as_of": options.as_of.isoformat(),
        "example_data": region.example_data,
        "municipalities": per_muni,
        "region": {
            "municipalities": len(per_muni),
            "systems": int(len(in_use)),
            "annual_cost_nok": total_cost,
            "population": total_pop,
            "cost_per_inhabitant_nok": round(total_cost / total_pop, 2) if total_pop else None,
            "confidential_systems": int(is_confidential(in_use).sum()),
        },
        "warnings": _privacy_warnings(in_use),
    }


def _share(part: Any, whole: int) -> float | None:
    return round(float(part) / whole, 4) if whole else None


def _privacy_warnings(in_use: pd.DataFrame) -> list[str]:
    """Say that rows without a valid yes/no in `confidential` are hidden (fail closed), without naming them."""
    n = not_marked_count(in_use)
    if not n:
        return []
    return [f"{formatting.count(n, 'system', 'systemer')} har ikke gyldig verdi (yes/no) i «Unntatt offentlighet» "
            "og er behandlet som unntatt offentlighet: kostnad og avtalefelter er ikke med."]


def build_report(region: Region, options: ReportOptions | None = None) -> dict[str, Any]:
    """The whole report: base figures plus every available section."""
    options = options or ReportOptions()
    region = public_region(region)  # every section sees public data only
    report = base_report(region, options)
    for section in SECTIONS:
        section(region, report, options)
    return report


def _num(value: Any) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    f = float(value)
    return int(f) if f.is_integer() else round(f, 2)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def to_json(report: dict[str, Any]) -> str:
    """Serialise with ISO dates, plain numbers and null for missing values.

    Compact output through the C encoder: the national data set's report is tens of MB,
    and indenting it costs seconds and hundreds of MB. A NaN anywhere sends the whole
    document through `_clean` (NaN is not JSON). No circular-reference check: the report
    is a tree built here, and the check costs a dict insert and delete for each of its
    hundreds of thousands of lists and dicts (about a tenth of the encoding time).
    """
    import json

    options = {"ensure_ascii": False, "allow_nan": False, "check_circular": False, "default": _default}
    try:
        return json.dumps(report, **options)
    except ValueError:
        return json.dumps(_clean(report), **options)


def _default(obj: Any) -> Any:
    """Values the json module does not know: timestamps, dates, numpy scalars, NA."""
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.date().isoformat()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, set | tuple):
        return list(obj)
    if hasattr(obj, "item"):  # numpy scalar
        value = obj.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    raise TypeError(f"cannot serialise {type(obj).__name__} in the report")


def _clean(obj: Any) -> Any:
    """Replace NaN (and NaN-like values) by None, recursively."""
    t = type(obj)
    if t is str or t is int or t is bool or obj is None:
        return obj
    if t is dict:
        return {k if type(k) is str else str(k): _clean(v) for k, v in obj.items()}
    if t is list or t is tuple:
        return [_clean(v) for v in obj]
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp | dt.date):
        return obj
    if hasattr(obj, "item"):
        return _clean(obj.item())
    return obj
