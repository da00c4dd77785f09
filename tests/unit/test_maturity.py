"""Digitalisation degree: heat map data, national comparison and the report section."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

import digireform
from digireform.analysis import maturity
from digireform.analysis.options import ReportOptions
from digireform.report import build_report
from tests.support.regionfiles import profile_yaml, write_region


def region(tmp_path: Path):
    write_region(tmp_path, municipalities={
        "1853": profile_yaml("1853", example_data=None)
        + "digitalisation: {plan_bygg: all_digital, helse_velferd: all_paper}\n"
        "population: {year: 2025, source: t, total: 1000}\n"
        "channels:\n  - {year: 2025, letters_out: 100, digital_post_out: 300, selfservice_completed: 640,"
        " selfservice_abandoned: 2400}\n"
        "targets:\n  - {id: T1, text: post, metric: digital_post_share, target: 0.75, deadline: 2026-12-31}\n"
        "  - {id: T2, text: x, metric: no_such_metric, target: 1, deadline: 2026-12-31}\n",
        "1851": profile_yaml("1851", "Lodingen", example_data=None)
        + "digitalisation: {plan_bygg: mostly_paper, helse_velferd: all_paper}\n",
        "5516": profile_yaml("5516", example_data=None) + "digitalisation: {plan_bygg: mostly_paper}\n",
    })
    r = digireform.load(tmp_path)
    assert r.problems == []
    return r


def test_heatmap_scores(tmp_path):
    s = maturity.heatmap_scores(region(tmp_path))
    assert s.loc["Evenes", "Plan og bygg"] == 3.0
    assert s.loc["Lodingen", "Plan og bygg"] == 1.0
    assert s.loc["Evenes", "Helse og velferd"] == 0.0
    assert s["Kultur"].isna().all() and s.shape == (3, 9)


def test_national_comparison(tmp_path):
    c = maturity.national_comparison(region(tmp_path)).set_index(["area", "level"])
    assert c.at[("plan_bygg", "mostly_paper"), "region_share"] == 2 / 3
    assert c.at[("plan_bygg", "all_digital"), "national_share"] == 0.10
    assert c.at[("plan_bygg", "mostly_digital"), "national_share"] == 0.32
    assert pd.isna(c.at[("plan_bygg", "all_paper"), "national_share"])  # not broken down by the source
    # nursing homes: Gratangen gave no level, so two municipalities count
    assert c.at[("helse_velferd", "all_paper"), "region_share"] == 1.0
    assert c.at[("helse_velferd", "all_paper"), "region_n"] == 2
    nat = [c.at[("helse_velferd", lv), "national_share"] for lv in maturity.levels()]
    assert nat == [0.009, 0.115, 0.381, 0.496]


def test_report_section(tmp_path):
    rep = build_report(region(tmp_path), ReportOptions(as_of=dt.date(2026, 1, 1)))
    ev = rep["municipalities"]["1853"]
    assert ev["digitalisation"] == {"plan_bygg": "all_digital", "helse_velferd": "all_paper"}
    assert ev["channels"]["year"] == 2025
    assert ev["channels"]["selfservice_completion_rate"] == 0.2105
    assert ev["channels"]["digital_post_share"] == 0.75
    assert ev["targets"][0]["id"] == "T1" and ev["targets"][0]["status"] == "nådd"
    assert rep["municipalities"]["1851"]["channels"] is None
    assert rep["region"]["digitalisation_national"]["helse_velferd"]["levels"]["all_paper"]["national"] == 0.496
    assert any("no_such_metric" in w for w in rep["warnings"])
