"""The partners' agreement for a joint tender: who acts for whom, and how costs are shared.

The cost-sharing key is the tender file's `cost_sharing:` (one basis, or a mix with weights),
computed from the data by `analysis.cost_sharing` on the assembled tender: population of each
participant, users of the systems in scope, welfare volume in scope (units needed in the target
year), or equal shares. The amount shared per year is the tender's estimated value (with
options) divided by the years it covers. The same key feeds samarbeidsavtale.docx, the report,
the tender notebook and the anbud dashboard.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from digireform.analysis.cost_sharing import SharingKey, parse_weights, sharing_key
from digireform.model.errors import DigireformError
from digireform.model.schema import package_yaml


def texts() -> dict[str, Any]:
    """model/data/agreement.yaml: the agreement's texts and its shared-processing rule."""
    return package_yaml("agreement.yaml")


def cost_sharing_spec(tender: Any) -> Any:
    """The tender file's `cost_sharing:` as written (None when the file has none)."""
    return (tender.source or {}).get("cost_sharing")


def tender_key(assembly: Any) -> SharingKey:
    """The tender's cost-sharing key; DigireformError (Norwegian) when it cannot be computed."""
    tender = assembly.tender
    spec = cost_sharing_spec(tender)
    if spec is None:
        raise DigireformError(f"{tender.label}: anbudsfila har ingen fordelingsnøkkel (cost_sharing:).")
    weights = parse_weights(spec)
    partners = list(zip(assembly.participants["number"], assembly.participants["name"], strict=True))
    return sharing_key(partners, basis_values(assembly), weights, amount_per_year(assembly))


def amount_per_year(assembly: Any) -> int:
    """The estimated value (contract years and options) per year, in whole kroner."""
    tender = assembly.tender
    years = tender.years + tender.option_years
    return int(round(float(assembly.estimated_value_nok or 0) / years)) if years else 0


def basis_values(assembly: Any) -> dict[str, dict[str, float | None]]:
    """Each basis per participant number; None where the data do not say (the key then refuses)."""
    p = assembly.participants
    return {
        "population": {n: _known(v) for n, v in zip(p["number"], p["population"], strict=True)},
        "users": _users(assembly),
        "volume": _volume(assembly),
    }


def _known(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)


def _users(assembly: Any) -> dict[str, float | None]:
    """Users of the systems in scope: 0 for a partner with none of them, unknown if a count is missing."""
    return _per_partner(assembly, assembly.systems, "users")


def _volume(assembly: Any) -> dict[str, float | None]:
    """Welfare units needed in the target year, for the categories in scope; unknown stays unknown."""
    return _per_partner(assembly, assembly.welfare, "needed")


def _per_partner(assembly: Any, rows: pd.DataFrame, column: str) -> dict[str, float | None]:
    """Sum of `column` per participant: 0 without rows, None when any of its rows leaves it unknown."""
    out: dict[str, float | None] = {}
    for n in assembly.participants["number"]:
        mine = rows[rows["municipality"] == n] if len(rows) else rows
        out[n] = 0.0 if mine.empty else (None if mine[column].isna().any() else float(mine[column].sum()))
    return out


def shared_processing(assembly: Any) -> list[str]:
    """Labels of the scope codes where partners share one solution and the same personal data."""
    from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, label

    rule = texts()["shared_processing"]
    tender = assembly.tender
    cats = [c for c in tender.welfare_categories if c in rule["welfare_categories"]]
    areas = [a for a in tender.service_areas if a in rule["service_areas"]]
    return [label(WELFARE_CATEGORIES, c) for c in cats] + [label(SERVICE_AREAS, a) for a in areas]


def key_table(key: SharingKey, assembly: Any) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the sharing table as people read it (the one formatter for numbers)."""
    from digireform.model import formatting

    values = basis_values(assembly)
    used = [b for b in key.weights if b != "equal"]
    headers = ["Kommune", *[_basis_header(b) for b in used], "Andel", "Kroner per år"]
    rows = []
    for s in key.shares:
        cells = [s.name, *[formatting.number(values[b][s.number]) for b in used],
                 f"{formatting.number(s.percent, 2)} %", formatting.nok(s.nok_per_year)]
        rows.append(cells)
    total = ["Sum", *[formatting.number(sum(values[b][n] or 0 for n in values[b])) for b in used],
             "100,00 %", formatting.nok(key.amount_per_year)]
    return headers, [*rows, total]


def _basis_header(basis: str) -> str:
    from digireform.analysis.cost_sharing import bases

    return bases()[basis]["label"].capitalize()


def key_lines(key: SharingKey, assembly: Any, indent: str = "") -> list[str]:
    """The sharing table as aligned text lines (command line and build summary), rounding stated."""
    headers, rows = key_table(key, assembly)
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    table = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in [headers, *rows]]
    rounding = " ".join(package_yaml("cost_sharing.yaml")["rounding"].split())
    return [f"{indent}{line}" for line in [f"Fordelingsnøkkel: {key.label} (anslått verdi per år)", *table, rounding]]


def summary_lines(assembly: Any, indent: str = "  ") -> list[str]:
    """The key for a build summary: the table, the reason it cannot be computed, or nothing without one."""
    if cost_sharing_spec(assembly.tender) is None:
        return []
    try:
        return key_lines(tender_key(assembly), assembly, indent)
    except DigireformError as exc:
        return [f"{indent}Fordelingsnøkkel: {exc}"]
