"""Calendar arithmetic: a date plus or minus whole months or years, the one rule for it.

The day of the month is kept and clamped to the last day of the target month, as
``dateutil.relativedelta`` does: 2027-05-31 − 3 months = 2027-02-28, and 2028-02-29 + 1
year = 2029-02-28. Notice deadlines, the planning horizon and «ledig fra» dates all use
it, so a contract ending on the 30th or 31st is never in one view's horizon and outside
another's.

`add_months` / `add_years` work on one date; `shift_months` is the same rule over a
pandas Series (thousands of contract dates in a national data set).
"""
from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@lru_cache(maxsize=8192)
def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months (negative: earlier), the day clamped to the month's end.

    Cached: the exit-window search asks for the same contract dates many times.
    """
    total = day.year * 12 + day.month - 1 + int(months)
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus `years` years: 29 February becomes 28 February in a year without it."""
    return add_months(day, 12 * int(years))


def shift_months(dates: pd.Series, months: pd.Series | int) -> pd.Series:
    """`add_months` for each date of a Series (months per row or one for all); NaT where unknown."""
    import numpy as np
    import pandas as pd

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
