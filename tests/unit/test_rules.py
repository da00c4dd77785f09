"""The domain rules every view shares (model.rules, model.dates), pinned to their meaning
with hand-computed cases, and the views that must agree on them."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from digireform import load
from digireform.analysis.options import ReportOptions
from digireform.model.dates import add_months, add_years, shift_months
from digireform.model.rules import HORIZON_YEARS, welfare_gap, welfare_surplus
from digireform.report import build_report
from tests.support.regionfiles import header
from tests.support.tender import make_region, tender_yaml, write_tender

D = dt.date

# --------------------------------------------------------------------------- welfare gap and surplus


@pytest.mark.parametrize("needed, in_use, gap, surplus", [
    (60, 50, 10, 0),     # ten more units to get
    (55, 60, 0, 5),      # Lødingen's trygghetsalarm: a surplus of five, no need
    (40, 40, 0, 0),
    (8, 0, 8, 0),        # a pure need
    (None, 3, None, None),
    (3, None, None, None),
])
def test_gap_is_the_need_not_yet_covered_and_never_negative(needed, in_use, gap, surplus):
    assert welfare_gap(needed, in_use) == gap
    assert welfare_surplus(needed, in_use) == surplus


def test_gap_and_surplus_element_by_element_over_series():
    needed = pd.Series([60.0, 55.0, math.nan])
    in_use = pd.Series([50.0, 60.0, 4.0])
    assert welfare_gap(needed, in_use).tolist()[:2] == [10.0, 0.0]
    assert math.isnan(welfare_gap(needed, in_use).iloc[2])
    assert welfare_surplus(needed, in_use).tolist()[:2] == [0.0, 5.0]


def test_report_and_tender_give_a_surplus_municipality_the_same_gap(tmp_path):
    root = make_region(tmp_path)
    (root / "municipalities" / "1114-bjerkreim" / "welfare.csv").write_text(
        header("welfare") + "\ntrygghetsalarm,in_use,Careium,Careium,30,25,2027,1,own,100000,2027-06-30,6,\n", "utf-8")
    region = load(root)
    report = build_report(region, ReportOptions(as_of=D(2026, 11, 23)))
    alarm = report["municipalities"]["1114"]["welfare"]["trygghetsalarm"]
    assert (alarm["in_use"], alarm["needed"], alarm["gap"], alarm["surplus"]) == (30, 25, 0, 5)

    from digireform.tender.assembly import assemble
    from digireform.tender.definition import load_tender
    from digireform.tender.requirements import load_library

    a = assemble(region, load_tender(write_tender(root, tender_yaml())), load_library(root), as_of=D(2026, 11, 23))
    w = a.welfare.set_index(["municipality", "category"])
    assert int(w.at[("1114", "trygghetsalarm"), "gap"]) == alarm["gap"] == 0
    assert int(w.at[("1853", "trygghetsalarm"), "gap"]) == 10  # Evenes: 60 needed, 50 in use
    # the joint gap adds each partner's own gap: Bjerkreim's surplus does not cover Evenes's need
    joint = a.welfare_per_year.set_index(["category", "year"])
    assert int(joint.at[("trygghetsalarm", 2027), "gap"]) == 0
    assert int(joint.at[("trygghetsalarm", 2028), "gap"]) == 10


# --------------------------------------------------------------------------- calendar arithmetic


@pytest.mark.parametrize("day, months, expected", [
    (D(2027, 5, 31), -3, D(2027, 2, 28)),   # clamped to February's last day
    (D(2028, 5, 31), -3, D(2028, 2, 29)),   # leap year
    (D(2027, 6, 30), -3, D(2027, 3, 30)),   # the day is kept, not moved to the month's end
    (D(2027, 1, 31), 1, D(2027, 2, 28)),
    (D(2027, 11, 15), 14, D(2029, 1, 15)),  # across two year boundaries
])
def test_add_months_keeps_the_day_and_clamps_it(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("day, years, expected", [
    (D(2028, 2, 29), 1, D(2029, 2, 28)),    # no 29 February in 2029
    (D(2028, 2, 29), 4, D(2032, 2, 29)),
    (D(2026, 12, 31), 5, D(2031, 12, 31)),  # the 31st stays the 31st (not the 28th)
    (D(2026, 1, 30), HORIZON_YEARS, D(2031, 1, 30)),
])
def test_add_years_is_calendar_correct(day, years, expected):
    assert add_years(day, years) == expected


def test_vectorised_shift_equals_relativedelta_for_every_day_of_two_years():
    days = pd.Series(pd.date_range("2027-01-01", "2028-12-31", freq="D"))
    for n in (-25, -12, -3, -1, 0, 1, 6, 14):
        got = shift_months(days, n)
        expected = [(d.date() + relativedelta(months=n)) for d in days]
        assert [g.date() for g in got] == expected


def test_scalar_add_months_equals_relativedelta():
    for day in pd.date_range("2027-12-01", "2028-03-31", freq="D"):
        for n in (-13, -1, 0, 1, 12):
            assert add_months(day.date(), n) == day.date() + relativedelta(months=n)


def test_shift_months_keeps_unknowns_unknown():
    out = shift_months(pd.Series([pd.NaT, pd.Timestamp("2027-01-31")]), pd.Series([3, pd.NA], dtype="Int64"))
    assert out.isna().tolist() == [True, True]


# --------------------------------------------------------------------------- the horizon


def test_one_horizon_for_report_cli_and_analyses():
    import inspect

    from digireform import cli
    from digireform.analysis import exit_windows, welfare

    assert HORIZON_YEARS == 5
    assert ReportOptions().horizon_years == HORIZON_YEARS
    args = cli.build_parser().parse_args(["report", "--json"])
    assert args.horizon_years == HORIZON_YEARS
    assert inspect.signature(welfare.contracts_ending).parameters["horizon_years"].default == HORIZON_YEARS
    assert exit_windows.horizon_end(D(2028, 2, 29), HORIZON_YEARS) == D(2033, 2, 28)
