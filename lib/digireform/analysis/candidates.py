"""Joint-tender candidates: which shared products or tasks are worth buying together, first.

Each shared product and each harmonisation candidate (same service area and function,
different products) is scored on three components scaled to 0–1 (weights in
``data/overlap.yaml``): combined annual cost (relative to the largest candidate),
partners (relative to the region), and window feasibility (share of the partners that are
free together in the best joint exit window). The estimated contract value is the
combined annual cost × (period + option years), as the procurement regulation counts
options in the value (FOA § 5-4, `analysis.value.estimate`, the one definition the tender
documents use too), and `thresholds.classify` says which procurement threshold that value
crosses on the report date (with the group's own threshold entries, when it has any).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from digireform.analysis.value import estimate
from digireform.model.schema import package_yaml
from digireform.model.thresholds import Threshold, classify


def settings() -> dict[str, Any]:
    return package_yaml("overlap.yaml")["candidates"]


def estimated_value(annual_cost_nok: float, period_years: int, option_years: int) -> float:
    """Total value over the contract period including options (NOK excl. VAT), by `value.estimate`."""
    return estimate(annual_cost_nok, period_years, option_years).total_nok


def _best_window(windows: list[dict[str, Any]], partners: list[str]) -> tuple[float, dict[str, Any] | None]:
    """The window with most partners (earliest start on ties) and its share of the partners."""
    if not windows or not partners:
        return 0.0, None
    best = min(windows, key=lambda w: (-len(w["municipalities"]), w["proposed_start"]))
    return len(best["municipalities"]) / len(partners), best


def joint_candidates(shared: list[dict[str, Any]], harmonisation: list[dict[str, Any]],
                     product_windows: list[dict[str, Any]], function_windows: list[dict[str, Any]],
                     region_size: int, as_of: dt.date, period_years: int = 4,
                     option_years: int = 2, thresholds: Sequence[Threshold] = ()) -> tuple[list[dict[str, Any]], list[str]]:
    """Ranked candidates and the threshold warnings (e.g. threshold data out of date)."""
    raw: list[dict[str, Any]] = []
    by_product: dict[str, list] = {}
    for w in product_windows:
        by_product.setdefault(w["product"], []).append(w)
    by_function: dict[tuple, list] = {}
    for w in function_windows:
        by_function.setdefault((w["service_area"], w["function_key"]), []).append(w)
    for s in shared:
        raw.append({"product": s["product"], "municipalities": s["municipalities"],
                    "annual_cost_nok": s["annual_cost_nok"], "cost_complete": s.get("cost_complete", True),
                    "_windows": by_product.get(s["product"], [])})
    for h in harmonisation:
        raw.append({"function": h["function"], "service_area": h["service_area"], "products": sorted(h["products"]),
                    "municipalities": h["municipalities"], "annual_cost_nok": h["annual_cost_nok"],
                    "cost_complete": h.get("cost_complete", True),
                    "_windows": by_function.get((h["service_area"], h["function_key"]), [])})
    raw = [c for c in raw if (c["annual_cost_nok"] or 0) > 0]
    if not raw:
        return [], []
    weights = settings()["weights"]
    top_cost = max(c["annual_cost_nok"] for c in raw)
    warnings: list[str] = []
    for c in raw:
        share, best = _best_window(c.pop("_windows"), c["municipalities"])
        value = estimated_value(c["annual_cost_nok"], period_years, option_years)
        result = classify(value, on=as_of, extra=thresholds)
        warnings += [w for w in result.warnings if w not in warnings]
        threshold = result.as_dict()
        threshold.pop("warnings", None)
        components = {
            "cost": c["annual_cost_nok"] / top_cost,
            "partners": len(c["municipalities"]) / max(region_size, 1),
            "window": share,
        }
        c.update({
            "estimated_value_nok": round(value, 2),
            "period_years": period_years,
            "option_years": option_years,
            "threshold": threshold,
            "window": None if best is None else {
                "municipalities": best["municipalities"], "proposed_start": best["proposed_start"],
                "notice_deadlines": best["notice_deadlines"],
            },
            "score": round(sum(weights[k] * v for k, v in components.items()), 4),
            "score_components": {k: round(v, 4) for k, v in components.items()},
        })
    raw.sort(key=lambda c: (-c["score"], -c["annual_cost_nok"], c.get("product") or c.get("function")))
    ranked = raw[: settings()["max_candidates"]]
    for i, c in enumerate(ranked, start=1):
        c["rank"] = i
    return ranked, warnings
