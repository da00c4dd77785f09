"""Welfare technology: gaps, coverage per 1,000 aged 80+, joint volumes, contracts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import digireform
from digireform.analysis import welfare
from digireform.analysis.options import ReportOptions
from digireform.report import build_report


@pytest.fixture()
def region(tmp_path: Path, region_builder):
    region_builder(
        municipalities={
            "1853": {"example_data": None, "population": {
                "year": 2025, "source": "test", "total": 1000,
                "age_bands": {"0-17": 200, "18-66": 600, "67-79": 120, "80+": 80}}},
            "1851": {"name": "Lodingen", "example_data": None,
                     "population": {"year": 2025, "source": "test", "total": 2000}},
        },
        welfare={
            "1853": ["trygghetsalarm,in_use,A,A,40,50,2027,1,intermunicipal,,2027-06-30,6,",
                     "trygghetsalarm,in_use,B,B,10,10,2027,1,intermunicipal,,,,",
                     "digitalt_tilsyn,need,,,0,8,2028,2,,,,,",
                     "responssenter,in_use,,,1,1,2026,1,intermunicipal,,2031-12-31,12,"],
            "1851": ["trygghetsalarm,in_use,C,C,60,55,2027,1,private,,2026-06-30,3,",
                     "digitalt_tilsyn,planned,,,0,15,2027,1,private,,,,",
                     "lokalisering,need,,,0,6,,2,,,,,"],
        },
    )
    r = digireform.load(tmp_path)
    assert r.problems == []
    return r


def test_gap_and_coverage_per_1000_aged_80_plus(region):
    t = welfare.needs_table(region).set_index(["municipality", "category"])
    alarm = t.loc[("1853", "trygghetsalarm")]
    # two product rows summed: 40+10 in use, 50+10 needed
    assert (alarm["in_use"], alarm["needed"], alarm["gap"]) == (50, 60, 10)
    assert alarm["per_1000_80plus"] == 625.0  # 50 / 80 * 1000
    assert alarm["coverage_basis"] == "80+"
    # Lødingen has no age bands: falls back to the total population and says so
    lod = t.loc[("1851", "trygghetsalarm")]
    # 60 in use, 55 needed: nothing left to get, five units more than needed
    assert (lod["gap"], lod["surplus"]) == (0, 5)
    assert alarm["surplus"] == 0
    assert lod["per_1000_80plus"] == 30.0  # 60 / 2000 * 1000
    assert lod["coverage_basis"] == "total"
    # a response centre is one service, not a unit per user: no coverage
    assert pd.isna(t.loc[("1853", "responssenter"), "per_1000_80plus"])


def test_coverage_rounds_to_one_decimal(tmp_path, region_builder):
    region_builder(municipalities={"1853": {"example_data": None, "population": {
                       "year": 2025, "source": "t", "total": 96,
                       "age_bands": {"0-17": 0, "18-66": 0, "67-79": 0, "80+": 96}}}},
                   welfare=["lokalisering,in_use,,,4,8,2027,2,,,,,"])
    t = welfare.needs_table(digireform.load(tmp_path))
    assert t["per_1000_80plus"].iloc[0] == 41.7  # 4 / 96 * 1000 = 41.666…


def test_joint_volumes_for_any_set_of_partners(region):
    both = welfare.joint_volumes(region.welfare).set_index(["category", "year"])
    assert both.loc[("trygghetsalarm", 2027), "units"] == 60 + 55
    assert both.loc[("trygghetsalarm", 2027), "in_use"] == 50 + 60
    assert both.loc[("trygghetsalarm", 2027), "municipalities"] == 2
    # Evenes's gap 10 plus Lødingen's 0: Lødingen's surplus of 5 does not cover Evenes's need
    assert both.loc[("trygghetsalarm", 2027), "gap"] == 10
    assert both.loc[("digitalt_tilsyn", 2027), "units"] == 15
    assert both.loc[("digitalt_tilsyn", 2028), "units"] == 8
    # the row without target year cannot be placed in time
    assert ("lokalisering", 2027) not in both.index
    assert welfare.joint_volumes(region.welfare).attrs["unplaced_rows"] == 1
    one = welfare.joint_volumes(region.welfare, municipalities=["1853"]).set_index(["category", "year"])
    assert one.loc[("trygghetsalarm", 2027), "units"] == 60
    assert list(welfare.joint_volumes(region.welfare).columns[:3]) == ["category", "year", "units"]


def test_response_service_and_contracts_ending(region):
    assert welfare.response_services(region) == {"1851": "private", "1853": "intermunicipal"}
    ending = welfare.contracts_ending(region, dt.date(2026, 1, 1), horizon_years=5)
    assert list(ending["municipality"]) == ["1851", "1853"]  # 2031-12-31 is beyond five years
    # 31 December + five years is 31 December, so that contract is inside a horizon counted from the 31st
    late = welfare.contracts_ending(region, dt.date(2026, 12, 31), horizon_years=5)
    assert "2031-12-31" in {d.date().isoformat() for d in late["contract_end"]}
    assert ending["notice_by"].iloc[1].date() == dt.date(2026, 12, 30)  # 2027-06-30 minus 6 months


def test_report_section_keys(region):
    rep = build_report(region, ReportOptions(as_of=dt.date(2026, 1, 1)))
    w = rep["municipalities"]["1853"]["welfare"]["trygghetsalarm"]
    assert (w["in_use"], w["needed"], w["gap"], w["per_1000_80plus"]) == (50, 60, 10, 625.0)
    assert isinstance(w["in_use"], int)
    lod = rep["municipalities"]["1851"]["welfare"]["trygghetsalarm"]
    assert (lod["gap"], lod["surplus"]) == (0, 5)
    assert rep["municipalities"]["1851"]["welfare"]["trygghetsalarm"]["coverage_basis"] == "total"
    assert rep["region"]["welfare_joint"]["trygghetsalarm"] == {"2027": 115}
    assert any("80+ mangler" in w for w in rep["warnings"])
    assert any("mangler målår" in w for w in rep["warnings"])
