"""Estimated value per lot: the tender's estimate shared by each lot's part of today's cost.

One definition for the eForms notice (BT-27-Lot) and the OCDS lots (`lots[].value`). A lot's
part is the annual cost today of the systems (by service area) and welfare technology (by
category) in its scope. One lot takes the whole estimate. Amounts are whole kroner; the last
lot takes the remainder, so the lots sum to the tender's estimate exactly. A lot whose scope has
no known cost makes the split unknowable: it is refused, never guessed.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from digireform.model.errors import DigireformError


class LotValueError(DigireformError):
    """The estimate cannot be split between the lots from the data."""


def lot_values(assembly: Any, lots: list | None = None) -> list[Decimal]:
    """Each lot's estimated value (whole kroner, summing to the estimate); LotValueError if unknowable."""
    lots = list(assembly.tender.lots or [None]) if lots is None else lots
    total = Decimal(str(round(float(assembly.estimated_value_nok or 0)))).quantize(Decimal("1"))
    if len(lots) == 1:
        return [total]
    costs = [_lot_cost(assembly, lot) for lot in lots]
    whole = sum(costs)
    if whole <= 0 or any(c <= 0 for c in costs):
        raise LotValueError("anslått verdi per delkontrakt kan ikke beregnes: minst én delkontrakt har "
                            "ingen kjent årlig kostnad i dataene")
    values = [(total * Decimal(str(c / whole))).quantize(Decimal("1")) for c in costs[:-1]]
    return values + [total - sum(values)]


def _lot_cost(assembly: Any, lot: Any) -> float:
    systems = assembly.systems
    welfare = assembly.welfare
    cost = 0.0
    if lot.service_areas and len(systems):
        cost += float(systems.loc[systems["service_area"].isin(lot.service_areas), "annual_cost_nok"].sum())
    if lot.welfare_categories and len(welfare):
        cost += float(welfare.loc[welfare["category"].isin(lot.welfare_categories), "annual_cost_nok"].sum())
    return cost
