"""The knobs of an analysis run, shared by the report, the CLI, the notebooks and the dashboards.

They live with the analyses that read them (overlap, exit windows, candidates), so no
analysis has to reach up into `report` for its own settings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from digireform.model.rules import HORIZON_YEARS


@dataclass(frozen=True)
class ReportOptions:
    """Knobs shared by the report, the CLI and the notebooks."""

    as_of: dt.date = field(default_factory=dt.date.today)
    k: int = 2  # partners that must be free together for a joint exit window
    tolerance_months: int = 12
    horizon_years: int = HORIZON_YEARS
    period_years: int = 4
    option_years: int = 2
