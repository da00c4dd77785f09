"""The estimated value of a contract (anslått verdi, FOA § 5-4), defined once.

FOA § 5-4 counts «det samlede beløpet som oppdragsgiveren kan komme til å betale», excluding
VAT, with every option and extension. The report's joint-tender candidates, the tender
documents and the dashboards all take the figure from `estimate`, and show its parts so a
procurement officer can defend it:

* **today** — what the participants pay per year now for what the contract replaces, over the
  fixed period (public costs only: confidential systems are left out and counted);
* **growth** — the volume growth the participants' own data shows: for each welfare category,
  the units still to be bought by the target year (`rules.welfare_totals` gap) at the
  municipality's own cost per unit in use (else the participants' average for the category),
  counted from the contract start over the fixed period. Counting the full need from the start
  is an upper estimate, as a maximum value should be;
* **options** — today's cost and the growth over the option years;
* **one-off** — migration, installation, implementation (the tender file's `one_off_costs`).

A value the tender file states (`estimated_value_nok`) is the officer's figure and is used;
the computed parts are still shown beside it, and `tender.rules` warns when it is lower.
A growth that cannot be valued (no cost per unit known, or an unknown need) is said, never
taken as zero silently.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from digireform.model import formatting
from digireform.model.schema import WELFARE_CATEGORIES, label


@dataclass(frozen=True)
class ValuePart:
    """One line of the estimate: what it is, how much, and how it is computed (Norwegian)."""

    key: str  # today | growth | options | one_off
    label: str
    amount_nok: float
    basis: str


@dataclass(frozen=True)
class Growth:
    """The yearly cost of the volume growth, with what could not be valued."""

    annual_nok: float = 0.0
    units: int = 0
    by_category: dict[str, float] = field(default_factory=dict)
    unvalued: tuple[str, ...] = ()  # Norwegian notes: growth left out and why


@dataclass(frozen=True)
class EstimatedValue:
    """The estimated total value excl. VAT and its parts (FOA § 5-4)."""

    total_nok: float  # the stated value when the tender file gives one, else the computed one
    computed_nok: float  # the sum of the parts
    parts: tuple[ValuePart, ...]
    annual_today_nok: float
    growth: Growth
    years: int
    option_years: int
    stated_nok: float | None = None
    stated_note: str = ""
    notes: tuple[str, ...] = ()

    @property
    def stated(self) -> bool:
        return self.stated_nok is not None

    @property
    def basis(self) -> str:
        """One Norwegian paragraph: the figure and how it is made up."""
        parts = "; ".join(f"{p.label} {nok(p.amount_nok)} ({p.basis})" for p in self.parts)
        if self.stated:
            note = f" {self.stated_note}" if self.stated_note else ""
            text = (f"Oppgitt verdi i anbudsdefinisjonen: {nok(self.total_nok)}.{note} "
                    f"Beregnet fra dataene: {nok(self.computed_nok)}: {parts}.")
        else:
            text = f"Samlet anslått verdi {nok(self.total_nok)} eks. mva. med opsjoner (FOA § 5-4): {parts}."
        return " ".join([text, *self.notes])

    def as_dict(self) -> dict:
        return {
            "total_nok": round(self.total_nok, 2), "computed_nok": round(self.computed_nok, 2),
            "stated_nok": self.stated_nok, "annual_today_nok": round(self.annual_today_nok, 2),
            "annual_growth_nok": round(self.growth.annual_nok, 2), "growth_units": self.growth.units,
            "years": self.years, "option_years": self.option_years,
            "parts": [{"key": p.key, "label": p.label, "amount_nok": round(p.amount_nok, 2), "basis": p.basis}
                      for p in self.parts],
            "notes": list(self.notes),
        }


def nok(x: float) -> str:
    return formatting.nok(x, formatting.NBSP)


def estimate(annual_today_nok: float, years: int, option_years: int, growth: Growth | None = None,
             one_off: Iterable[tuple[str, float]] = (), stated_nok: float | None = None, stated_note: str = "",
             notes: Iterable[str] = ()) -> EstimatedValue:
    """The estimated value with its parts; `one_off` is (description, amount) pairs."""
    growth = growth or Growth()
    annual, years, option_years = float(annual_today_nok or 0), int(years), int(option_years)
    parts = [ValuePart("today", "Dagens årlige kostnad i avtaleperioden", annual * years,
                       f"{nok(annual)} per år × {formatting.years(years)}")]
    if growth.annual_nok:
        parts.append(ValuePart("growth", "Økt volum i avtaleperioden", growth.annual_nok * years,
                               f"{formatting.number(growth.units)} enheter til, {nok(growth.annual_nok)} per år "
                               f"× {formatting.years(years)}, regnet fra kontraktsstart"))
    if option_years:
        per_year = annual + growth.annual_nok
        parts.append(ValuePart("options", "Opsjoner", per_year * option_years,
                               f"{nok(per_year)} per år × {formatting.years(option_years)}"))
    parts += [ValuePart("one_off", str(what), float(amount), "engangskostnad") for what, amount in one_off]
    computed = sum(p.amount_nok for p in parts)
    total = float(stated_nok) if stated_nok is not None else computed
    return EstimatedValue(total, computed, tuple(parts), annual, growth, years, option_years,
                          None if stated_nok is None else float(stated_nok), stated_note.strip(),
                          (*growth.unvalued, *notes))


def welfare_growth(welfare: pd.DataFrame) -> Growth:
    """The yearly cost of buying the gap, from per municipality × category totals.

    `welfare` has municipality, name, category, in_use, gap (rules.welfare_totals, gap unknown
    when the need is) and annual_cost_nok of the rows in use (tender.assembly.welfare_needs).
    """
    if welfare is None or welfare.empty:
        return Growth()
    unit_cost = _unit_costs(welfare)
    category_cost = _category_unit_costs(welfare)
    total, units, by_category, unvalued = 0.0, 0, {}, []
    for cat, rows in welfare.groupby("category", sort=False):
        unknown = rows[rows["gap"].isna()]
        if len(unknown):
            unvalued.append(f"Behovet for {label(WELFARE_CATEGORIES, cat).lower()} er ukjent for "
                            f"{', '.join(dict.fromkeys(unknown['name'].astype(str)))}; økningen der er ikke med i anslaget.")
        known = rows[rows["gap"].notna() & (rows["gap"] > 0)]
        cost, missing = 0.0, 0
        for idx, gap in zip(known.index, known["gap"], strict=True):
            per_unit = unit_cost.get(idx, category_cost.get(cat))
            if per_unit is None:
                missing += int(gap)
                continue
            cost += float(gap) * per_unit
            units += int(gap)
        if missing:
            unvalued.append(f"{formatting.number(missing)} nye enheter {label(WELFARE_CATEGORIES, cat).lower()} er ikke "
                            "verdsatt: ingen kjent kostnad per enhet i bruk; oppgi estimated_value_nok eller legg inn "
                            "kostnaden i welfare.csv.")
        if cost:
            by_category[str(cat)] = cost
            total += cost
    return Growth(total, units, by_category, tuple(unvalued))


def _unit_costs(welfare: pd.DataFrame) -> dict:
    """Row index → the municipality's own yearly cost per unit in use, where both are known."""
    ok = welfare["in_use"].notna() & (welfare["in_use"] > 0) & welfare["annual_cost_nok"].notna() & (welfare["annual_cost_nok"] > 0)
    rows = welfare[ok]
    return {i: float(c) / float(n) for i, c, n in zip(rows.index, rows["annual_cost_nok"], rows["in_use"], strict=True)}


def _category_unit_costs(welfare: pd.DataFrame) -> dict:
    """Category → the participants' yearly cost per unit in use (sum of costs / sum of units)."""
    ok = welfare["in_use"].notna() & (welfare["in_use"] > 0) & welfare["annual_cost_nok"].notna() & (welfare["annual_cost_nok"] > 0)
    rows = welfare[ok].assign(in_use=lambda d: d["in_use"].astype(float))
    sums = rows.groupby("category", sort=False)[["annual_cost_nok", "in_use"]].sum()
    return {str(c): float(r["annual_cost_nok"]) / float(r["in_use"]) for c, r in sums.iterrows()}
