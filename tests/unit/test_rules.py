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
from digireform.model.rules import HORIZON_YEARS, welfare_gap, welfare_surplus, welfare_totals
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


def test_units_count_as_in_use_only_in_use_or_piloting_and_an_unknown_need_stays_unknown():
    rows = pd.DataFrame({
        "k": ["a", "a", "a", "b", "c", "d"],
        "status": ["in_use", "piloting", "planned", "need", "in_use", "in_use"],
        "units_in_use": [3, 2, 10, 7, 4, None],
        "units_needed": [None, 12, 20, 5, None, 6],
    })
    t = welfare_totals(rows, ["k"])
    # a: 3 + 2 in use (the planned row's 10 are not), 12 + 20 needed
    assert t.loc["a"].tolist() == [5, 32, 27, 0]
    # b: nothing in use on a need row
    assert t.loc["b"].tolist() == [0, 5, 5, 0]
    # c: 4 in use, no need given: unknown, not taken to be 4
    assert t.at["c", "in_use"] == 4 and t.loc["c", ["needed", "gap", "surplus"]].isna().all()
    # d: in use, but how many not given: unknown, so the gap is too
    assert t.loc["d", ["in_use", "gap", "surplus"]].isna().all() and t.at["d", "needed"] == 6


def test_report_and_tender_give_a_surplus_municipality_the_same_gap(tmp_path):
    root = make_region(tmp_path)
    muni = root / "municipalities"
    (muni / "1114-bjerkreim" / "welfare.csv").write_text(header("welfare") + "\n" + "\n".join([
        "trygghetsalarm,in_use,Careium,Careium,30,25,2027,1,own,100000,2027-06-30,6,",
        # units written on a planned row are not in use: only the in-use row's 4 count
        "digitalt_tilsyn,planned,Sensio,Sensio,10,15,2027,1,own,,,,",
        "digitalt_tilsyn,in_use,Roommate,Roommate,4,,2027,1,own,,,,",
    ]) + "\n", "utf-8")
    (muni / "1853-evenes" / "welfare.csv").write_text(header("welfare") + "\n" + "\n".join([
        "trygghetsalarm,in_use,Careium,Careium,50,60,2028,1,intermunicipal,200000,2027-06-30,6,",
        # a pilot whose need nobody has given: the need stays unknown, not "5, as in use"
        "digitalt_tilsyn,piloting,Roommate,Roommate,5,,2028,2,,,,,",
    ]) + "\n", "utf-8")
    region = load(root)
    assert region.problems == []
    report = build_report(region, ReportOptions(as_of=D(2026, 11, 23)))

    def figures(nr, cat):
        w = report["municipalities"][nr]["welfare"][cat]
        return w["in_use"], w["needed"], w["gap"], w["surplus"]

    # hand-computed: (in use, needed, gap, surplus)
    expected = {("1114", "trygghetsalarm"): (30, 25, 0, 5),
                ("1114", "digitalt_tilsyn"): (4, 15, 11, 0),     # 15 − 4, not 15 − (10 + 4)
                ("1853", "trygghetsalarm"): (50, 60, 10, 0),
                ("1853", "digitalt_tilsyn"): (5, None, None, None)}  # unknown need: unknown gap
    for (nr, cat), want in expected.items():
        assert figures(nr, cat) == want, (nr, cat)

    from digireform.tender.assembly import assemble
    from digireform.tender.definition import load_tender
    from digireform.tender.exports import content
    from digireform.tender.exports.ocds import build_package
    from digireform.tender.requirements import load_library

    a = assemble(region, load_tender(write_tender(root, tender_yaml())), load_library(root), as_of=D(2026, 11, 23))
    w = a.welfare.set_index(["municipality", "category"])
    for (nr, cat), (in_use, needed, gap, _) in expected.items():
        got = tuple(None if pd.isna(x) else int(x) for x in w.loc[(nr, cat), ["in_use", "needed", "gap"]])
        assert got == (in_use, needed, gap), (nr, cat)
    # the joint gap adds each partner's own gap: Bjerkreim's surplus does not cover Evenes's need
    joint = a.welfare_per_year.set_index(["category", "year"])
    assert int(joint.at[("trygghetsalarm", 2027), "gap"]) == 0
    assert int(joint.at[("trygghetsalarm", 2028), "gap"]) == 10
    assert (int(joint.at[("digitalt_tilsyn", 2027), "units"]), int(joint.at[("digitalt_tilsyn", 2027), "gap"])) == (15, 11)
    assert ("digitalt_tilsyn", 2028) not in joint.index  # Evenes's unknown need is not placed
    # per participant: Bjerkreim 0 + 11; Evenes's increase is unknown, not 10
    p = a.participants.set_index("number")["welfare_gap"]
    assert p["1114"] == 11 and pd.isna(p["1853"])
    # the documents say the need is unknown, and OCDS gives no invented quantity
    table = next(b for b in content.bilag_krav(a).blocks if b[0] == "table" and b[1][:2] == ["Kategori", "Kommune"])
    assert ["Digitalt tilsyn", "Evenes", "5", "ukjent", "ukjent", "2028"] in table[2]
    items = {i["description"]: i for i in build_package(a)["releases"][0]["tender"]["items"]}
    assert "quantity" not in items["Digitalt tilsyn"]
    assert items["Trygghetsalarm"]["quantity"] == 25 + 60


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
