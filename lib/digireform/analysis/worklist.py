"""Completeness worklist: which systems lack which fields, most important first.

The project group asks vendors, system owners and procurement for the missing facts;
the worklist tells them where an answer matters most. Only systems in use count (as in
the completeness figure of the report), and only the completeness fields of schema.yaml.

Impact. A system's *weight* is the larger of its share of the municipality's known annual
cost and its share of the municipality's known users: cost catches expensive back-office
systems with few users, users catch cheap systems many people depend on. A system whose
cost and users are both unknown gets the average share, 1/n, so it is not buried.
``impact = weight × number of missing fields``; items are sorted by impact (highest
first), then by system_id.

Privacy. The report is public. In the public worklist a row marked confidential neither
lists its confidential fields (cost, contract) as missing nor uses its cost for the weight,
so nothing about a hidden value can be read from it. The project group's notebook uses
``public=False`` and sees everything.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from digireform.analysis.options import ReportOptions
from digireform.model import labels
from digireform.model.privacy import confidential_fields, is_confidential, public_systems
from digireform.model.region import Region
from digireform.model.schema import completeness_fields


def field_label(key: str) -> str:
    """The Norwegian header of a systems.csv field (as in the Excel template): `labels.field_label`."""
    return labels.field_label(key, "systems")


def worklist(systems: pd.DataFrame, public: bool = True) -> list[dict[str, Any]]:
    """Worklist items for one municipality's systems (any lifecycle filtering done by caller)."""
    return _worklists(systems.assign(municipality="_"), public).get("_", [])


def region_worklists(region: Region, public: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Worklist per municipality number (every municipality, empty list when complete)."""
    found = _worklists(region.in_use_systems(), public)
    return {nr: found.get(nr, []) for nr in region.numbers}


def _worklists(systems: pd.DataFrame, public: bool) -> dict[str, list[dict[str, Any]]]:
    """Items per `municipality` value, computed for all rows at once."""
    if systems.empty:
        return {}
    fields = completeness_fields()
    secret = is_confidential(systems).to_numpy()
    rows = public_systems(systems) if public else systems
    missing = rows[fields].isna().to_numpy()
    if public and secret.any():
        hidden = [i for i, f in enumerate(fields) if f in set(confidential_fields("systems"))]
        missing[:, hidden] &= ~secret[:, None]  # a hidden value is not "missing" in public
    counts = missing.sum(axis=1)
    weights = _weights(rows, secret if public else None)
    munis, ids, products, areas = (rows[c].tolist() for c in ("municipality", "system_id", "product", "service_area"))
    out: dict[str, list[dict[str, Any]]] = {}
    for pos in counts.nonzero()[0]:
        keys = [f for f, m in zip(fields, missing[pos], strict=True) if m]
        out.setdefault(munis[pos], []).append({
            "system_id": ids[pos],
            "product": products[pos],
            "service_area": None if pd.isna(areas[pos]) else str(areas[pos]),
            "missing": keys,
            "missing_labels": [field_label(f) for f in keys],
            "impact": round(float(weights[pos]) * len(keys), 4),
        })
    for items in out.values():
        items.sort(key=lambda it: (-it["impact"], str(it["system_id"])))
    return out


def _weights(rows: pd.DataFrame, secret: Any | None) -> Any:
    """Per row: max(cost share, user share) within its municipality; 1/n when both are unknown."""
    cost = pd.to_numeric(rows["annual_cost_nok"], errors="coerce").astype("float64")
    if secret is not None:
        cost = cost.where(~pd.Series(secret, index=rows.index))
    users = pd.to_numeric(rows["users"], errors="coerce").astype("float64")
    by = rows["municipality"]
    cost_total = cost.groupby(by).transform("sum")
    user_total = users.groupby(by).transform("sum")
    cost_share = (cost / cost_total).where(cost_total > 0)
    user_share = (users / user_total).where(user_total > 0)
    n = by.map(by.value_counts())
    both = pd.concat([cost_share, user_share], axis=1).max(axis=1, skipna=True)
    return both.fillna(1.0 / n).to_numpy()


def report_section(region: Region, report: dict, options: ReportOptions) -> None:
    """Add `municipalities.<nr>.worklist` (public version) to the report."""
    for nr, items in region_worklists(region, public=True).items():
        report["municipalities"].setdefault(nr, {})["worklist"] = items
