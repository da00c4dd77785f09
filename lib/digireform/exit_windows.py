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

import bisect
import calendar
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
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


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
    end_na = systems["contract_end"].isna().to_numpy()
    notice_na = systems["notice_months"].isna().to_numpy()
    pick = end_na | notice_na
    rows = systems[pick]
    n = len(rows)
    secret = ((rows["confidential"] == "yes").fillna(False).to_numpy(dtype=bool) if "confidential" in rows
              else np.zeros(n, dtype=bool))
    products = rows[product_col if product_col in rows else "product"].to_numpy()
    lines = rows["line"].to_numpy() if "line" in rows else [None] * n
    both = [MISSING_CONTRACT_END, MISSING_NOTICE]
    return [{
        "municipality": str(nr), "system_id": str(sid), "product": product,
        "line": None if line is None or pd.isna(line) else int(line),
        "fields": both if e and m else ([MISSING_CONTRACT_END] if e else [MISSING_NOTICE]),
        "reason": "confidential" if hidden else "missing",
    } for nr, sid, product, line, e, m, hidden in zip(
        rows["municipality"].to_numpy(), rows["system_id"].to_numpy(), products, lines,
        end_na[pick], notice_na[pick], secret, strict=True)]


# --------------------------------------------------------------------------- per municipality


def system_ids(rows: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, list[str]]]:
    """(keys…) → municipality → sorted system IDs, in one pass over the rows (no per-group pandas)."""
    cols = [*keys, "municipality", "system_id"]
    values = [[str(v) for v in rows[c].astype(object).tolist()] for c in cols]
    out: dict[tuple, dict[str, list[str]]] = {}
    for *key, nr, sid in zip(*values, strict=True):
        key = tuple(key)
        inner = out.get(key)
        if inner is None:
            inner = out[key] = {}
        ids = inner.get(nr)
        if ids is None:
            inner[nr] = [sid]
        else:
            ids.append(sid)
    return {key: {nr: sorted(inner[nr]) for nr in sorted(inner)} for key, inner in out.items()}


def municipality_dates(rows: pd.DataFrame, keys: list[str], as_of: dt.date) -> pd.DataFrame:
    """One row per (keys…, municipality) with all dates known: the latest free date decides.

    A municipality with any system of the group missing a date is left out of the
    windows (it is in `missing_dates`); the earliest notice deadline is the binding one.
    """
    dates = contract_dates(rows, as_of)
    df = pd.concat([rows[[*keys, "municipality"]].astype(str), dates.drop(columns="missing")], axis=1)
    df["has_missing"] = dates["missing"].notna()
    agg = df.groupby([*keys, "municipality"], sort=True).agg(
        free_from=("free_from", "max"),
        contract_end=("contract_end", "max"),
        notice_deadline=("notice_deadline", "min"),
        running_on_notice=("running_on_notice", "any"),
        expired=("expired", "any"),
        has_missing=("has_missing", "any"),
    ).reset_index()
    return agg[~agg["has_missing"]].drop(columns="has_missing").reset_index(drop=True)


# --------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """At least k partners free within the tolerance of each other."""

    municipalities: tuple[str, ...]
    window_start: dt.date
    window_end: dt.date
    proposed_start: dt.date
    free_from: dict[str, dt.date] = field(default_factory=dict)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day + relativedelta(months=months)`` without the object overhead (hot in window search)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_windows(free_from: dict[str, dt.date], k: int = 2, tolerance_months: int = 12,
                 horizon_end: dt.date | None = None, round_to_month: bool = True) -> list[Window]:
    """Maximal groups of ≥ k municipalities whose free dates lie within the tolerance.

    Dates after `horizon_end` are ignored. Groups are contiguous in date order, so a
    group is maximal exactly when it reaches further than the one starting before it.
    """
    items = sorted((d, nr) for nr, d in free_from.items() if d is not None and (horizon_end is None or d <= horizon_end))
    dates = [d for d, _ in items]
    windows: list[Window] = []
    last_end = -1
    need = max(k, 1)
    for i, start in enumerate(dates):
        end = bisect.bisect_right(dates, add_months(start, tolerance_months)) - 1
        if end - i + 1 >= need and end > last_end:
            members = items[i:end + 1]
            last = dates[end]
            windows.append(Window(
                municipalities=tuple(sorted(nr for _, nr in members)),
                window_start=start, window_end=last,
                proposed_start=month_start_on_or_after(last) if round_to_month else last,
                free_from={nr: d for d, nr in members},
            ))
            last_end = end
    return windows


def group_windows(dates: pd.DataFrame, keys: list[str], k: int, tolerance_months: int,
                  horizon_end: dt.date, ids: dict[tuple, dict[str, list[str]]] | None = None) -> list[dict[str, Any]]:
    """Windows for every group in `municipality_dates` output (keys = product or function).

    Dates come out as ISO strings (the report's form; they sort like dates). `ids` (from
    `system_ids`) adds the system IDs behind each member. The per-group work is plain
    Python over dicts, so thousands of groups and windows stay fast.
    """
    round_to_month = bool(settings()["round_start_to_month"])
    eligible = dates[dates["free_from"].notna()]
    sizes = eligible.groupby(keys, sort=False)["municipality"].transform("size")
    eligible = eligible[sizes >= max(k, 1)]
    groups: dict[tuple, dict[str, tuple]] = {}
    columns = [eligible[c].to_numpy() for c in keys]
    free = [v.date() for v in eligible["free_from"]]
    iso = {c: eligible[c].dt.strftime("%Y-%m-%d").tolist() for c in ("free_from", "notice_deadline", "contract_end")}
    for i, (*key, nr, late) in enumerate(zip(*columns, eligible["municipality"].to_numpy(),
                                              eligible["running_on_notice"].to_numpy(), strict=True)):
        groups.setdefault(tuple(key), {})[nr] = (
            free[i], iso["free_from"][i], iso["notice_deadline"][i], bool(late), iso["contract_end"][i])
    out: list[dict[str, Any]] = []
    for key in sorted(groups):
        members = groups[key]
        systems = (ids or {}).get(key, {})
        for w in find_windows({nr: m[0] for nr, m in members.items()}, k, tolerance_months, horizon_end,
                              round_to_month):
            nrs = w.municipalities
            out.append({
                **dict(zip(keys, key, strict=True)),
                "municipalities": list(nrs),
                "systems": {nr: systems.get(nr, []) for nr in nrs},
                "window_start": w.window_start.isoformat(),
                "window_end": w.window_end.isoformat(),
                "proposed_start": w.proposed_start.isoformat(),
                "notice_deadlines": {nr: members[nr][2] for nr in nrs},
                "running_on_notice": [nr for nr in nrs if members[nr][3]],
                "free_from": {nr: members[nr][1] for nr in nrs},
                "contract_end": {nr: members[nr][4] for nr in nrs},
            })
    return out


def horizon_end(as_of: dt.date, horizon_years: int) -> dt.date:
    return as_of + relativedelta(years=horizon_years)
