"""When can partners leave their contracts, and when can several of them leave together?

Per system: the notice deadline is ``contract_end − notice_months`` calendar months with
the day kept and clamped to the month's last day (``dateutil.relativedelta`` semantics:
2027-05-31 − 3 months = 2027-02-28), reported even when it has passed. A passed deadline
is flagged ``running_on_notice``: the contract is then assumed to continue until notice
given today runs out, so the earliest date the municipality is free («ledig fra», the
first day without the contract) is::

    free_from = max(contract_end, as_of + notice_months) + 1 day

That also covers contracts already past their end (extended on running terms). A system
with no contract end or no notice period is reported as missing, never guessed.

Across partners: sort the free dates; every run of at least k municipalities whose free
dates lie within `tolerance_months` of the first one is a joint exit window (only
maximal runs are kept). The proposed joint start is the first day of a month on or after
the last member is free; members free earlier must bridge until then.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from .schema import package_yaml

MISSING_CONTRACT_END = "contract_end"
MISSING_NOTICE = "notice_months"


def settings() -> dict[str, Any]:
    return package_yaml("overlap.yaml")["windows"]


# --------------------------------------------------------------------------- dates


def notice_deadline(contract_end: dt.date, notice_months: int) -> dt.date:
    """Last day to give notice: contract_end minus notice_months (day clamped to month end)."""
    return contract_end - relativedelta(months=int(notice_months))


def shift_months(dates: pd.Series, months: pd.Series | int) -> pd.Series:
    """Vectorised ``date + relativedelta(months=n)`` (n may be negative); NaT where unknown."""
    dates = pd.to_datetime(pd.Series(dates)).astype("datetime64[ns]")
    if np.isscalar(months):
        months = pd.Series(months, index=dates.index)
    n = pd.to_numeric(pd.Series(months, index=dates.index), errors="coerce").astype("Float64")
    ok = dates.notna() & n.notna()
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    if not ok.any():
        return out
    d = dates[ok]
    total = d.dt.year.to_numpy() * 12 + d.dt.month.to_numpy() - 1 + n[ok].to_numpy(dtype="int64")
    first = pd.to_datetime(pd.DataFrame({"year": total // 12, "month": total % 12 + 1, "day": 1}))
    day = np.minimum(d.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
    out[ok] = (first + pd.to_timedelta(day - 1, unit="D")).to_numpy()
    return out


def month_start_on_or_after(day: dt.date) -> dt.date:
    """The first day of a month on or after `day`."""
    if day.day == 1:
        return day
    return (day.replace(day=1) + relativedelta(months=1))


# --------------------------------------------------------------------------- per system


def contract_dates(systems: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per row: notice_deadline, running_on_notice, expired, free_from and `missing` (reason).

    `missing` names the absent field(s) (``contract_end``, ``notice_months``) or is None.
    """
    end = pd.to_datetime(systems["contract_end"]).astype("datetime64[ns]")
    notice = pd.to_numeric(systems["notice_months"], errors="coerce").astype("Float64")
    today = pd.Timestamp(as_of)
    deadline = shift_months(end, -notice)
    on_notice_until = shift_months(pd.Series(today, index=systems.index), notice)
    free = end.where(end >= on_notice_until, on_notice_until) + pd.Timedelta(days=1)
    missing = np.where(end.isna() & notice.isna(), f"{MISSING_CONTRACT_END},{MISSING_NOTICE}",
                       np.where(end.isna(), MISSING_CONTRACT_END, np.where(notice.isna(), MISSING_NOTICE, "")))
    out = pd.DataFrame({
        "contract_end": end,
        "notice_months": notice.astype("Int64"),
        "notice_deadline": deadline,
        "running_on_notice": (deadline < today).fillna(False).astype(bool),
        "expired": (end < today).fillna(False).astype(bool),
        "free_from": free.where(deadline.notna()),
        "missing": pd.Series([m or None for m in missing], index=systems.index, dtype=object),
    }, index=systems.index)
    return out


def missing_dates(systems: pd.DataFrame, product_col: str = "product_canonical") -> list[dict[str, Any]]:
    """Rows whose contract end or notice period is unknown (or hidden as confidential)."""
    end_na = systems["contract_end"].isna()
    notice_na = systems["notice_months"].isna()
    rows = systems[end_na | notice_na]
    secret = (rows["confidential"] == "yes").fillna(False) if "confidential" in rows else pd.Series(False, index=rows.index)
    out = []
    for i, r in rows.iterrows():
        fields = [f for f, na in ((MISSING_CONTRACT_END, end_na[i]), (MISSING_NOTICE, notice_na[i])) if na]
        out.append({
            "municipality": str(r["municipality"]),
            "system_id": str(r["system_id"]),
            "product": r[product_col] if product_col in r else r["product"],
            "line": int(r["line"]) if "line" in r and pd.notna(r["line"]) else None,
            "fields": fields,
            "reason": "confidential" if bool(secret[i]) else "missing",
        })
    return out


# --------------------------------------------------------------------------- per municipality


def municipality_dates(rows: pd.DataFrame, keys: list[str], as_of: dt.date) -> pd.DataFrame:
    """One row per (keys…, municipality) with all dates known: the latest free date decides.

    A municipality with any system of the group missing a date is left out of the
    windows (it is in `missing_dates`); the earliest notice deadline is the binding one.
    """
    dates = contract_dates(rows, as_of)
    df = pd.concat([rows[[*keys, "municipality", "system_id"]], dates], axis=1)
    df["has_missing"] = df["missing"].notna()
    group = [*keys, "municipality"]
    agg = df.groupby(group, sort=True, observed=True).agg(
        free_from=("free_from", "max"),
        contract_end=("contract_end", "max"),
        notice_deadline=("notice_deadline", "min"),
        running_on_notice=("running_on_notice", "any"),
        expired=("expired", "any"),
        has_missing=("has_missing", "any"),
        systems=("system_id", lambda s: sorted(map(str, s))),
    ).reset_index()
    return agg[~agg["has_missing"]].drop(columns="has_missing")


# --------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """At least k partners free within the tolerance of each other."""

    municipalities: tuple[str, ...]
    window_start: dt.date
    window_end: dt.date
    proposed_start: dt.date
    free_from: dict[str, dt.date] = field(default_factory=dict)


def find_windows(free_from: dict[str, dt.date], k: int = 2, tolerance_months: int = 12,
                 horizon_end: dt.date | None = None, round_to_month: bool = True) -> list[Window]:
    """Maximal groups of ≥ k municipalities whose free dates lie within the tolerance.

    Dates after `horizon_end` are ignored. Groups are contiguous in date order, so a
    group is maximal exactly when it reaches further than the one starting before it.
    """
    items = sorted((d, nr) for nr, d in free_from.items() if d is not None and (horizon_end is None or d <= horizon_end))
    windows: list[Window] = []
    last_end = -1
    for i, (start, _) in enumerate(items):
        limit = start + relativedelta(months=tolerance_months)
        end = i
        while end + 1 < len(items) and items[end + 1][0] <= limit:
            end += 1
        if end - i + 1 >= max(k, 1) and end > last_end:
            members = items[i:end + 1]
            last = members[-1][0]
            windows.append(Window(
                municipalities=tuple(sorted(nr for _, nr in members)),
                window_start=start, window_end=last,
                proposed_start=month_start_on_or_after(last) if round_to_month else last,
                free_from={nr: d for d, nr in members},
            ))
            last_end = end
    return windows


def group_windows(dates: pd.DataFrame, keys: list[str], k: int, tolerance_months: int,
                  horizon_end: dt.date) -> list[dict[str, Any]]:
    """Windows for every group in `municipality_dates` output (keys = product or function)."""
    round_to_month = bool(settings()["round_start_to_month"])
    out: list[dict[str, Any]] = []
    eligible = dates[dates["free_from"].notna()]
    sizes = eligible.groupby(keys, sort=False, observed=True)["municipality"].transform("size")
    eligible = eligible[sizes >= max(k, 1)]
    for key, g in eligible.groupby(keys, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        by_nr = g.set_index("municipality")
        free = {nr: ts.date() for nr, ts in by_nr["free_from"].items()}
        for w in find_windows(free, k, tolerance_months, horizon_end, round_to_month):
            members = by_nr.loc[list(w.municipalities)]
            out.append({
                **dict(zip(keys, key, strict=True)),
                "municipalities": list(w.municipalities),
                "systems": {nr: list(members.at[nr, "systems"]) for nr in w.municipalities},
                "window_start": w.window_start,
                "window_end": w.window_end,
                "proposed_start": w.proposed_start,
                "notice_deadlines": {nr: members.at[nr, "notice_deadline"].date() for nr in w.municipalities},
                "running_on_notice": [nr for nr in w.municipalities if bool(members.at[nr, "running_on_notice"])],
                "free_from": dict(sorted(w.free_from.items())),
                "contract_end": {nr: members.at[nr, "contract_end"].date() for nr in w.municipalities},
            })
    return out


def horizon_end(as_of: dt.date, horizon_years: int) -> dt.date:
    return as_of + relativedelta(years=horizon_years)
