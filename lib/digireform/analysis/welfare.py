"""Welfare technology (velferdsteknologi): gaps, coverage, joint volumes, contracts.

Small municipalities cannot buy welfare technology alone; the joint volume is what
makes a tender worth answering. This module turns each partner's welfare.csv into
per-category figures (units in use, units needed by the target year, the gap and the
surplus as `model.rules` defines them, coverage per 1,000 inhabitants aged 80+) and sums volumes for any set of partners. Settings
live in data/welfare.yaml.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from digireform.analysis.exit_windows import deadline_note, deadline_passed
from digireform.model.dates import add_years, shift_months
from digireform.model.region import Region
from digireform.model.rules import HORIZON_YEARS, welfare_totals
from digireform.model.schema import WELFARE_CATEGORIES, code_list, label, package_yaml

NEEDS_COLUMNS = [
    "municipality", "name", "category", "category_label", "status", "in_use", "needed", "gap",
    "surplus", "target_year", "priority", "response_service", "coverage_population", "coverage_basis",
    "per_1000_80plus",
]


def settings() -> dict[str, Any]:
    return package_yaml("welfare.yaml")


def coverage_population(region: Region) -> pd.DataFrame:
    """Per municipality the population coverage is measured against, and which one.

    The 80+ band when kommune.yaml has it; otherwise the total population
    (`coverage_basis` = "total"), so a missing age band lowers precision, not availability.
    """
    band = settings()["coverage_band"]
    rows = []
    for nr in region.numbers:
        bands = (region.profiles.get(nr, {}).get("population") or {}).get("age_bands") or {}
        old = bands.get(band)
        if isinstance(old, int) and old > 0:
            rows.append({"municipality": nr, "coverage_population": old, "coverage_basis": band})
        else:
            total = region.municipalities.at[nr, "population"]
            ok = total is not None and not pd.isna(total) and total > 0
            rows.append({"municipality": nr, "coverage_population": int(total) if ok else None,
                         "coverage_basis": "total" if ok else None})
    return pd.DataFrame(rows, columns=["municipality", "coverage_population", "coverage_basis"])


def _aggregate(welfare: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality × category (several product rows are summed)."""
    keys = ["municipality", "category"]
    df = welfare.assign(
        category=welfare["category"].astype(object),
        status=welfare["status"].astype(object),
        response_service=welfare["response_service"].astype(object),
    )
    df = df[df["category"].notna()]
    grouped = df.groupby(keys, sort=False)
    out = welfare_totals(df, keys)  # in_use, needed, gap, surplus: the rule the tender uses too
    out["target_year"] = grouped["target_year"].max()
    out["priority"] = grouped["priority"].min()
    statuses = _joined_statuses(df, keys)
    # most common response service; ties go to the alphabetically first (as Series.mode)
    services = (
        df.dropna(subset=["response_service"]).groupby([*keys, "response_service"]).size()
        .rename("n").reset_index().sort_values(["n", "response_service"], ascending=[False, True])
        .drop_duplicates(keys).set_index(keys)["response_service"]
    )
    out["status"] = pd.Series([statuses.get(key, "") for key in out.index], index=out.index, dtype=object)
    out["response_service"] = services.reindex(out.index).astype(object)
    out["response_service"] = out["response_service"].where(out["response_service"].notna(), None)
    return out.reset_index()


def _joined_statuses(df: pd.DataFrame, keys: list[str]) -> dict[tuple, str]:
    """Per group: its distinct statuses, alphabetical, joined by commas.

    One pass over plain lists: a pandas `agg(",".join)` calls back into Python once per
    group, thousands of times on a national data set.
    """
    rows = df[df["status"].notna()]
    found: dict[tuple, set[str]] = {}
    for key, status in zip(zip(*(rows[k].tolist() for k in keys), strict=True), rows["status"].tolist(), strict=True):
        found.setdefault(key, set()).add(status)
    return {key: ",".join(sorted(values)) for key, values in found.items()}


def needs_table(region: Region) -> pd.DataFrame:
    """Per municipality and category: in use, needed, gap, surplus and coverage per 1,000 aged 80+.

    in_use, needed, gap and surplus by `rules.welfare_totals`: units count as in use only on
    rows in use or piloting, an unknown need leaves gap and surplus unknown, and a
    municipality that plans fewer units than it has has a surplus and no gap.
    Coverage is `None` for categories listed in welfare.yaml `coverage_excluded`.
    """
    if region.welfare.empty:
        return pd.DataFrame(columns=NEEDS_COLUMNS)
    agg = _aggregate(region.welfare).merge(coverage_population(region), on="municipality", how="left")
    excluded = set(settings().get("coverage_excluded") or {})
    per = settings()["coverage_per"]
    agg["per_1000_80plus"] = [
        round(float(u) / float(p) * per, 1)
        if c not in excluded and not pd.isna(u) and p is not None and not pd.isna(p) and p > 0 else None
        for c, u, p in zip(agg["category"], agg["in_use"], agg["coverage_population"], strict=True)
    ]
    agg["name"] = agg["municipality"].map(region.municipalities["name"])
    agg["category_label"] = [label(WELFARE_CATEGORIES, c) for c in agg["category"]]
    order = {c: i for i, c in enumerate(code_list(WELFARE_CATEGORIES))}
    agg = agg.assign(_o=agg["category"].map(order)).sort_values(["municipality", "_o"]).drop(columns="_o")
    return agg[NEEDS_COLUMNS].reset_index(drop=True)


def joint_volumes(welfare: pd.DataFrame, municipalities: Iterable[str] | None = None) -> pd.DataFrame:
    """Joint volume per category and target year for a set of partners (the tender's input).

    Each partner's figures per category are `rules.welfare_totals` (as in the needs table
    and the tender), placed at the partner's target year for that category (the latest
    of its rows). `units` is the sum of the partners' needs, `in_use` of their units in use
    (in use or piloting), `gap` of each partner's own gap (`rules.welfare_gap`: one
    partner's surplus does not cover another's need) and `municipalities` counts the
    partners contributing. A partner whose need is unknown or which has no target year is
    left out (an unknown need is not guessed, and it cannot be placed in time);
    `unplaced_rows` in the result's attrs says how many rows that leaves out.
    """
    df = welfare
    if municipalities is not None:
        df = df[df["municipality"].isin([str(m) for m in municipalities])]
    df = df.assign(category=df["category"].astype(object))
    df = df[df["category"].notna()]
    cols = ["category", "year", "units", "in_use", "gap", "municipalities"]
    keys = ["municipality", "category"]
    per_partner = pd.DataFrame(columns=[*keys, "year", "units", "in_use", "gap", "rows"])
    if len(df):
        totals = welfare_totals(df, keys)
        grouped = df.groupby(keys, sort=False)
        totals["year"] = grouped["target_year"].max()
        totals["rows"] = grouped.size()
        per_partner = totals.rename(columns={"needed": "units"}).reset_index()
    placed = per_partner[per_partner["units"].notna() & per_partner["year"].notna()]
    if placed.empty:
        out = pd.DataFrame(columns=cols)
    else:
        placed = placed.assign(year=placed["year"].astype(int))
        out = placed.groupby(["category", "year"]).agg(
            units=("units", "sum"), in_use=("in_use", _known_sum), gap=("gap", _known_sum),
            municipalities=("municipality", "nunique"),
        ).reset_index()
        order = {c: i for i, c in enumerate(code_list(WELFARE_CATEGORIES))}
        out = out.assign(_o=out["category"].map(order)).sort_values(["_o", "year"]).drop(columns="_o")
        out = out[cols].reset_index(drop=True)
        for c in ("units", "municipalities", "year"):
            out[c] = out[c].astype(int)
        for c in ("in_use", "gap"):
            out[c] = out[c].astype("Int64")
    unplaced = per_partner[~per_partner.index.isin(placed.index)]
    out.attrs["unplaced_rows"] = int(unplaced["rows"].sum()) if len(unplaced) else 0
    return out


def _known_sum(s: pd.Series) -> Any:
    """The sum, or unknown when any part is unknown (a partial sum would pass for the whole)."""
    return s.sum() if s.notna().all() else pd.NA


def response_services(region: Region) -> dict[str, str | None]:
    """Per municipality: how alarms are answered (own / intermunicipal / private).

    Read from the `responssenter` row when there is one, else the most common
    `response_service` among the municipality's rows (ties: alphabetically first).
    """
    w = region.welfare.assign(
        category=region.welfare["category"].astype(object),
        response_service=region.welfare["response_service"].astype(object),
    ).dropna(subset=["response_service"])
    centre = w[w["category"] == "responssenter"]
    chosen = pd.concat([_most_common_service(centre), _most_common_service(w)])
    chosen = chosen[~chosen.index.duplicated(keep="first")]  # the centre's answer wins
    return {nr: (str(chosen[nr]) if nr in chosen.index else None) for nr in region.numbers}


def _most_common_service(rows: pd.DataFrame) -> pd.Series:
    counts = rows.groupby(["municipality", "response_service"]).size().rename("n").reset_index()
    best = counts.sort_values(["n", "response_service"], ascending=[False, True]).drop_duplicates("municipality")
    return best.set_index("municipality")["response_service"]


def contracts_ending(region: Region, as_of: dt.date, horizon_years: int = HORIZON_YEARS) -> pd.DataFrame:
    """Welfare contracts ending between `as_of` and `as_of` + horizon, soonest first; those
    whose notice deadline has passed come last.

    `notice_by` is the last day to give notice (end − notice months; unknown without a
    notice period), the date that matters for joining a joint tender; `notice_passed` says it lies before `as_of`
    (`exit_windows.deadline_passed`: the deadline day itself is not passed) and
    `notice_note` says it in words («Fristen gikk ut 30. juni 2026»).
    """
    w = region.welfare
    start = pd.Timestamp(as_of)
    end = pd.Timestamp(add_years(as_of, horizon_years))
    rows = w[w["contract_end"].notna() & (w["contract_end"] >= start) & (w["contract_end"] <= end)]
    out = pd.DataFrame({
        "municipality": rows["municipality"],
        "name": rows["municipality"].map(region.municipalities["name"]),
        "category": rows["category"].astype(object),
        "product": rows["product"],
        "vendor": rows["vendor"],
        "contract_end": rows["contract_end"],
        "notice_months": rows["notice_months"],
    })
    # an unknown notice period leaves the deadline unknown: never read as «no notice needed»
    out["notice_by"] = shift_months(out["contract_end"], -pd.to_numeric(out["notice_months"]).astype("Float64"))
    out["notice_passed"] = deadline_passed(out["notice_by"], as_of)
    out["notice_note"] = [deadline_note(d, as_of) for d in out["notice_by"]]
    return out.sort_values(["notice_passed", "contract_end", "municipality"], kind="stable").reset_index(drop=True)


def _int(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _float(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def report_section(region: Region, report: dict, options) -> None:
    """Add `welfare`, `welfare_response_service`, `welfare_contracts_ending` per municipality
    and `welfare_joint` for the region (docs/data-model.md, welfare.csv)."""
    needs = needs_table(region)
    per_muni = report["municipalities"]
    for nr in region.numbers:
        per_muni[nr]["welfare"] = {}
        per_muni[nr]["welfare_contracts_ending"] = []
    for row in needs.itertuples(index=False):  # one pass: thousands of rows on a national data set
        per_muni[row.municipality]["welfare"][row.category] = {
            "in_use": _int(row.in_use), "needed": _int(row.needed), "gap": _int(row.gap),
            "surplus": _int(row.surplus),
            "target_year": _int(row.target_year), "per_1000_80plus": _float(row.per_1000_80plus),
            "coverage_basis": None if pd.isna(row.per_1000_80plus) else row.coverage_basis,
        }
    basis = coverage_population(region)
    names = dict(zip(region.municipalities.index, region.municipalities["name"], strict=True))
    for nr in basis.loc[basis["coverage_basis"] == "total", "municipality"]:
        report["warnings"].append(
            f"{names[nr]}: aldersgruppen 80+ mangler i kommune.yaml; dekning per 1000 er regnet mot hele folketallet."
        )
    for nr, code in response_services(region).items():
        per_muni[nr]["welfare_response_service"] = code
    ending = contracts_ending(region, options.as_of, options.horizon_years)
    for r in ending.itertuples(index=False):
        per_muni[r.municipality]["welfare_contracts_ending"].append(
            {"category": r.category, "product": r.product, "contract_end": r.contract_end,
             "notice_by": None if pd.isna(r.notice_by) else r.notice_by, "notice_passed": bool(r.notice_passed)}
        )
    joint = joint_volumes(region.welfare)
    report["region"]["welfare_joint"] = {
        cat: {str(r.year): int(r.units) for r in grp.itertuples()}
        for cat, grp in joint.groupby("category", sort=False)
    }
    if joint.attrs.get("unplaced_rows"):
        report["warnings"].append(
            f"{joint.attrs['unplaced_rows']} velferdsteknologirader mangler målår eller behov "
            "og er ikke med i de felles volumene."
        )
