"""Base report figures on a small fixture, computed by hand."""
from __future__ import annotations

import datetime as dt

from digireform.analysis.options import ReportOptions
from digireform.report import base_report, build_report, completeness, to_json
from digireform.validate.region import load
from tests.support.regionfiles import system_row, write_region

OPTS = ReportOptions(as_of=dt.date(2026, 11, 23))


def fixture(tmp_path):
    rows = [
        system_row(system_id="A", annual_cost_nok="100000", users="10"),
        system_row(system_id="B", annual_cost_nok="50000", confidential="yes"),  # hidden from public totals
        system_row(system_id="C", annual_cost_nok="7000", lifecycle="retired"),  # not in use
        system_row(system_id="D", annual_cost_nok="", vendor="", dpa=""),  # 2 of 10 completeness fields empty
    ]
    return load(write_region(tmp_path, systems=rows))


def test_counts_costs_and_completeness(tmp_path):
    region = fixture(tmp_path)
    rep = base_report(region, OPTS)
    m = rep["municipalities"]["1853"]
    assert m["systems"] == 3  # A, B, D (C is retired)
    assert m["annual_cost_nok"] == 100000  # B is confidential, D unknown
    assert m["population"] == 1330
    assert m["cost_per_inhabitant_nok"] == round(100000 / 1330, 2)
    # public in-use rows A, D (B is confidential, so it does not count): 20 cells,
    # D misses vendor, annual_cost_nok, dpa = 3 empty
    assert m["completeness"] == round(17 / 20, 4)
    assert rep["region"] == {
        "municipalities": 1, "systems": 3, "annual_cost_nok": 100000, "population": 1330,
        "cost_per_inhabitant_nok": round(100000 / 1330, 2), "confidential_systems": 1,
    }
    assert rep["as_of"] == "2026-11-23" and rep["example_data"] is True


def test_confidential_value_is_nowhere_in_the_json(tmp_path):
    region = fixture(tmp_path)
    text = to_json(build_report(region, OPTS))
    assert "50000" not in text


def test_completeness_empty_is_none():
    import pandas as pd

    assert completeness(pd.DataFrame()) is None
