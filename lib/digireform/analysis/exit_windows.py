"""When can partners leave their contracts, and when can several of them leave together?

Per system: the notice deadline is ``contract_end − notice_months`` calendar months with
the day kept and clamped to the month's last day (`digireform.model.dates`:
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
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from digireform.model.dates import add_months, add_years, shift_months
from digireform.model.privacy import is_confidential
from digireform.model.schema import package_yaml

MISSING_CONTRACT_END = "contract_end"
MISSING_NOTICE = "notice_months"


def settings() -> dict[str, Any]:
    return package_yaml("overlap.yaml")["windows"]


# --------------------------------------------------------------------------- dates


def notice_deadline(contract_end: dt.date, notice_months: int) -> dt.date:
    """Last day to give notice: contract_end minus notice_months (day clamped to month end)."""
    return add_months(contract_end, -int(notice_months))


def deadline_passed(deadline, as_of):  # noqa: ANN001, ANN201 - a date or a column of dates
    """Has the notice deadline passed on `as_of`? Only when it lies before that day: on the
    deadline itself notice can still be given. The one rule for every view of deadlines
    (`running_on_notice` here, the welfare contracts, the notebooks and the dashboards);
    works on one date or on a pandas column (then NaT is not passed)."""
    if isinstance(deadline, pd.Series):
        return (deadline < pd.Timestamp(as_of)).fillna(False).astype(bool)
    return deadline is not None and pd.Timestamp(deadline) < pd.Timestamp(as_of)


def deadline_note(deadline, as_of) -> str:  # noqa: ANN001 - a date, timestamp or ISO text
    """«Fristen gikk ut 30. juni 2026» for a passed notice deadline; empty for one still open or
    unknown. How every table and page marks a passed deadline."""
    from digireform.model.formatting import date_long, is_missing

    if deadline is None or is_missing(deadline) or deadline == "":
        return ""
    day = pd.Timestamp(deadline).date()
    return f"Fristen gikk ut {date_long(day)}" if deadline_passed(day, as_of) else ""


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
        "running_on_notice": deadline_passed(deadline, as_of),
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
    secret = is_confidential(rows).to_numpy(dtype=bool)  # same fail-closed rule as the blanking
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


def _str_list(column: pd.Series) -> list[str]:
    """A column as a list of str (as ``str(value)`` of each cell), without per-cell pandas access.

    Columns that hold only str (the usual case) are returned as they are: one C-level type
    check instead of a `str()` call per cell.
    """
    values = column.astype(object).to_numpy()
    if infer_dtype(values, skipna=False) == "string":
        return values.tolist()
    return list(map(str, values.tolist()))


def system_ids(rows: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, list[str]]]:
    """(keys…) → municipality → sorted system IDs, in one pass over the rows (no per-group pandas)."""
    group_keys = zip(*[_str_list(rows[c]) for c in keys], strict=True)
    out: dict[tuple, dict[str, list[str]]] = {}
    for key, nr, sid in zip(group_keys, _str_list(rows["municipality"]), _str_list(rows["system_id"]), strict=True):
        inner = out.get(key)
        if inner is None:
            inner = out[key] = {}
        ids = inner.get(nr)
        if ids is None:
            inner[nr] = [sid]
        else:
            ids.append(sid)
    # most groups hold one municipality with one system: sort only what can be out of order
    for key, inner in out.items():
        for ids in inner.values():
            if len(ids) > 1:
                ids.sort()
        if len(inner) > 1:
            out[key] = {nr: inner[nr] for nr in sorted(inner)}
    return out


def municipality_dates(rows: pd.DataFrame, keys: list[str], as_of: dt.date,
                       dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (keys…, municipality) with all dates known: the latest free date decides.

    A municipality with any system of the group missing a date is left out of the
    windows (it is in `missing_dates`); the earliest notice deadline is the binding one.
    `dates` may pass `contract_dates` already computed for these rows (same index), so
    callers grouping one table several ways compute them once.
    """
    if dates is None:
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


def _spans(dates: list[dt.date], k: int, tolerance_months: int) -> Iterator[tuple[int, int]]:
    """(first, last) index of each maximal run of ≥ k sorted dates within the tolerance.

    Runs are contiguous in date order, so a run is maximal exactly when it reaches
    further than the one starting before it.
    """
    last_end = -1
    need = max(k, 1)
    for i, start in enumerate(dates):
        end = bisect.bisect_right(dates, add_months(start, tolerance_months)) - 1
        if end - i + 1 >= need and end > last_end:
            yield i, end
            last_end = end


def find_windows(free_from: dict[str, dt.date], k: int = 2, tolerance_months: int = 12,
                 horizon_end: dt.date | None = None, round_to_month: bool = True) -> list[Window]:
    """Maximal groups of ≥ k municipalities whose free dates lie within the tolerance.

    Dates after `horizon_end` are ignored.
    """
    items = sorted((d, nr) for nr, d in free_from.items() if d is not None and (horizon_end is None or d <= horizon_end))
    dates = [d for d, _ in items]
    windows: list[Window] = []
    for i, end in _spans(dates, k, tolerance_months):
        members = items[i:end + 1]
        last = dates[end]
        windows.append(Window(
            municipalities=tuple(sorted(nr for _, nr in members)),
            window_start=dates[i], window_end=last,
            proposed_start=month_start_on_or_after(last) if round_to_month else last,
            free_from={nr: d for d, nr in members},
        ))
    return windows


def group_windows(dates: pd.DataFrame, keys: list[str], k: int, tolerance_months: int,
                  horizon_end: dt.date, ids: dict[tuple, dict[str, list[str]]] | None = None,
                  key_names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Windows for every group in `municipality_dates` output (keys = product or function).

    Dates come out as ISO strings (the report's form; they sort like dates). `ids` (from
    `system_ids`) adds the system IDs behind each member; `key_names` renames key fields
    in the output (e.g. product_canonical → product). The per-group work is plain Python
    over lists and dicts (the same search as `find_windows`, without building `Window`
    objects; per-member fields are looked up, not rebuilt, per window), so thousands of
    groups and windows stay fast.
    """
    round_to_month = bool(settings()["round_start_to_month"])
    eligible = dates[dates["free_from"].notna()]
    sizes = eligible.groupby(keys, sort=False)["municipality"].transform("size")
    eligible = eligible[sizes >= max(k, 1)]
    groups: dict[tuple, _Members] = {}
    iso = {c: eligible[c].dt.strftime("%Y-%m-%d").tolist() for c in ("free_from", "notice_deadline", "contract_end")}
    rows = zip(zip(*[eligible[c].tolist() for c in keys], strict=True), eligible["municipality"].tolist(),
               eligible["free_from"].dt.date.tolist(), iso["free_from"], iso["notice_deadline"],
               eligible["running_on_notice"].tolist(), iso["contract_end"], strict=True)
    for key, nr, free, free_iso, notice, late, end in rows:
        members = groups.get(key)
        if members is None:
            members = groups[key] = _Members()
        members.add(nr, free, free_iso, notice, bool(late), end)
    names = [(key_names or {}).get(c, c) for c in keys]
    ids = ids or {}
    out: list[dict[str, Any]] = []
    for key in sorted(groups):
        members = groups[key]
        systems = ids.get(key, {})
        systems_of = {nr: systems.get(nr, []) for nr in members.notice}
        items = sorted((d, nr) for nr, d in members.free.items() if d <= horizon_end)
        order = [nr for _, nr in items]
        fields = dict(zip(names, key, strict=True))
        for i, end in _spans([d for d, _ in items], k, tolerance_months):
            nrs = sorted(order[i:end + 1])
            last = items[end][0]
            proposed = month_start_on_or_after(last) if round_to_month else last
            out.append({
                **fields,
                "municipalities": nrs,
                "systems": _pick(systems_of, nrs),
                "window_start": items[i][0].isoformat(),
                "window_end": last.isoformat(),
                "proposed_start": proposed.isoformat(),
                "notice_deadlines": _pick(members.notice, nrs),
                "running_on_notice": list(filter(members.late.__contains__, nrs)),
                "free_from": _pick(members.free_iso, nrs),
                "contract_end": _pick(members.contract_end, nrs),
            })
    return out


def _pick(table: dict[str, Any], nrs: list[str]) -> dict[str, Any]:
    """`table` restricted to `nrs`, in that order (C-level lookups: this runs per window member)."""
    return dict(zip(nrs, map(table.__getitem__, nrs), strict=True))


class _Members:
    """One group's municipalities in `group_windows`: one lookup table per output field."""

    __slots__ = ("free", "free_iso", "notice", "late", "contract_end")

    def __init__(self) -> None:
        self.free: dict[str, dt.date] = {}
        self.free_iso: dict[str, str] = {}
        self.notice: dict[str, str] = {}
        self.late: set[str] = set()
        self.contract_end: dict[str, str] = {}

    def add(self, nr: str, free: dt.date, free_iso: str, notice: str, late: bool, contract_end: str) -> None:
        self.free[nr] = free
        self.free_iso[nr] = free_iso
        self.notice[nr] = notice
        self.contract_end[nr] = contract_end
        if late:
            self.late.add(nr)


def horizon_end(as_of: dt.date, horizon_years: int) -> dt.date:
    """The last day looked at: `as_of` plus the horizon (29 February → 28 February)."""
    return add_years(as_of, horizon_years)
