"""Cost-sharing keys (fordelingsnøkler) for partners buying together.

A key shares a joint cost between the partners by one basis or a weighted mix of bases:
population, users of the systems in scope, volume in scope (welfare units needed), or equal
shares. Each basis gives a partner its part of the basis total; a mix weights those parts
(weights in percent summing to 100). The key is defined once here and used by the agreement
(samarbeidsavtale), the report, the tender notebook and the anbud dashboard, so they cannot
disagree.

Rounding is stated and exact: shares are shown in hundredths of a percent and amounts in whole
kroner, each rounded by the largest-remainder method, so the shares sum to exactly 100,00 %
and the amounts to exactly the amount shared. A basis that is unknown for a partner, or zero
for all of them, cannot be used: the key is refused with a Norwegian message, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from digireform.model.errors import DigireformError
from digireform.model.schema import package_yaml


def bases() -> dict[str, dict[str, str]]:
    """The bases a key may use (model/data/cost_sharing.yaml): code → label, description."""
    return package_yaml("cost_sharing.yaml")["bases"]


@dataclass(frozen=True)
class PartnerShare:
    number: str
    name: str
    exact: Fraction  # the partner's share, 0..1, before rounding
    percent: Decimal  # rounded to 0.01, the column sums to 100.00
    nok_per_year: int  # rounded to whole kroner, the column sums to the yearly amount


@dataclass(frozen=True)
class SharingKey:
    weights: dict[str, int]  # basis code → weight in percent
    shares: list[PartnerShare]
    amount_per_year: int

    @property
    def label(self) -> str:
        """«50 % folketall, 50 % like deler» (or just «folketall» for one basis)."""
        names = bases()
        if len(self.weights) == 1:
            return names[next(iter(self.weights))]["label"]
        return ", ".join(f"{w} % {names[k]['label']}" for k, w in self.weights.items())


def parse_weights(spec: Any) -> dict[str, int]:
    """`population` or {population: 50, equal: 50} → weights in percent; refused unless they sum to 100."""
    known = bases()
    weights = {spec: 100} if isinstance(spec, str) else dict(spec or {})
    if not weights:
        raise DigireformError("Fordelingsnøkkelen mangler: skriv cost_sharing: med et grunnlag eller en blanding.")
    unknown = [k for k in weights if k not in known]
    if unknown:
        valid = ", ".join(f"{k} ({v['label']})" for k, v in known.items())
        raise DigireformError(f"Ukjent grunnlag for fordelingsnøkkelen: {', '.join(unknown)}; gyldige: {valid}.")
    if any(not isinstance(w, int) or isinstance(w, bool) or w <= 0 for w in weights.values()):
        raise DigireformError("Vektene i fordelingsnøkkelen skal være hele prosent større enn 0.")
    total = sum(weights.values())
    if total != 100:
        raise DigireformError(f"Vektene i fordelingsnøkkelen summerer til {total} %, ikke 100 %.")
    return weights


def sharing_key(partners: list[tuple[str, str]], basis_values: dict[str, dict[str, float | None]],
                weights: dict[str, int], amount_per_year: int) -> SharingKey:
    """Each partner's share and yearly amount.

    `partners` are (number, name) in the order to show; `basis_values[basis][number]` the basis
    value (equal shares need none). Refused when a used basis is unknown for a partner or zero
    for all.
    """
    numbers = [n for n, _ in partners]
    names = dict(partners)
    exact = {n: Fraction(0) for n in numbers}
    for basis, weight in weights.items():
        parts = _basis_parts(basis, numbers, names, basis_values.get(basis, {}))
        for n in numbers:
            exact[n] += Fraction(weight, 100) * parts[n]
    percents = _largest_remainder({n: exact[n] * 10000 for n in numbers}, 10000)
    amounts = _largest_remainder({n: exact[n] * amount_per_year for n in numbers}, amount_per_year)
    shares = [PartnerShare(n, names[n], exact[n], Decimal(percents[n]) / 100, amounts[n]) for n in numbers]
    return SharingKey(dict(weights), shares, amount_per_year)


def _basis_parts(basis: str, numbers: list[str], names: dict[str, str],
                 values: dict[str, float | None]) -> dict[str, Fraction]:
    label = bases()[basis]["label"]
    if basis == "equal":
        return {n: Fraction(1, len(numbers)) for n in numbers}
    unknown = [names[n] for n in numbers if values.get(n) is None]
    if unknown:
        raise DigireformError(f"Fordelingsnøkkelen kan ikke bruke {label}: tallet er ukjent for "
                              f"{_join(unknown)}. Fyll inn dataene eller velg et annet grunnlag.")
    fractions = {n: Fraction(str(values[n])) for n in numbers}
    if any(f < 0 for f in fractions.values()):
        raise DigireformError(f"Fordelingsnøkkelen kan ikke bruke {label}: et tall er negativt.")
    total = sum(fractions.values())
    if total == 0:
        raise DigireformError(f"Fordelingsnøkkelen kan ikke bruke {label}: ingen av deltakerne har noe å fordele etter.")
    return {n: fractions[n] / total for n in numbers}


def _largest_remainder(exact: dict[str, Fraction], total: int) -> dict[str, int]:
    """Whole numbers summing to `total`: floors, then +1 to the largest remainders (ties in order)."""
    floors = {n: int(v) for n, v in exact.items()}  # values are ≥ 0, so int() is floor
    left = total - sum(floors.values())
    order = sorted(exact, key=lambda n: exact[n] - floors[n], reverse=True)
    for n in order[:left]:
        floors[n] += 1
    return floors


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
