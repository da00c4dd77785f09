"""Completeness worklist: order by impact, public vs internal view, report section."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import digireform
from digireform import report
from digireform.analysis import worklist
from digireform.analysis.options import ReportOptions
from digireform.notebook import views
from tests.support.regionfiles import write_region

FULL = {
    "vendor": "Lev AS", "service_area": "felles", "function": "F", "hosting": "saas", "lifecycle": "operational",
    "users": "10", "annual_cost_nok": "1000", "contract_end": "2027-01-01", "notice_months": "3",
    "contract_type": "SSA-L", "personal_data": "none", "dpa": "not_needed", "confidential": "no",
}


PLAIN = {"example_data": None}  # kommune.yaml: number and name only


def row(sid: str, **cells: str) -> dict:
    return {**FULL, "system_id": sid, "product": f"Produkt {sid}", **cells}


def fixture(tmp_path: Path) -> digireform.model.region.Region:
    evenes = [
        row("A", annual_cost_nok="6000", users="10", dpa=""),
        row("B", annual_cost_nok="4000", users="10", hosting="", dpa=""),
        row("C", annual_cost_nok="", users="20"),
        row("D", lifecycle="retired", vendor="", function=""),  # retired: not on the worklist
        row("E", confidential="yes", annual_cost_nok="90000", users="0", contract_type="", personal_data=""),
        row("F", annual_cost_nok="", users=""),
    ]
    region = digireform.load(write_region(tmp_path, municipalities={"1853": PLAIN, "1806": PLAIN},
                                          systems={"1853": evenes, "1806": [row("N1")]}))
    assert region.problems == []
    return region


def test_public_order_and_hidden_confidential(tmp_path):
    items = worklist.region_worklists(fixture(tmp_path), public=True)["1853"]
    # weights: cost shares of 10 000 known public NOK (E hidden), user shares of 40 users; F: 1/5
    assert [(i["system_id"], i["missing"], i["impact"]) for i in items] == [
        ("B", ["hosting", "dpa"], 0.8),  # max(0.4, 0.25) × 2
        ("A", ["dpa"], 0.6),  # max(0.6, 0.25) × 1
        ("C", ["annual_cost_nok"], 0.5),  # user share 20/40
        ("F", ["users", "annual_cost_nok"], 0.4),  # both unknown → 1/5 × 2
        ("E", ["personal_data"], 0.0),  # contract_type is confidential: not revealed; cost not used
    ]
    assert items[0]["missing_labels"] == ["Driftsform", "Databehandleravtale"]


def test_internal_view_uses_confidential_values(tmp_path):
    items = worklist.region_worklists(fixture(tmp_path), public=False)["1853"]
    assert [(i["system_id"], i["impact"]) for i in items] == [
        ("E", 1.8),  # 90 000 / 100 000 × 2 (contract_type, personal_data)
        ("B", 0.5), ("C", 0.5),  # tie broken by system_id
        ("F", 0.4), ("A", 0.25),
    ]
    assert items[0]["missing"] == ["contract_type", "personal_data"]


def test_report_section_every_municipality(tmp_path):
    region = fixture(tmp_path)
    options = ReportOptions(as_of=dt.date(2026, 11, 23))
    rep = report.base_report(region, options)
    worklist.report_section(region, rep, options)
    assert rep["municipalities"]["1806"]["worklist"] == []
    assert [i["system_id"] for i in rep["municipalities"]["1853"]["worklist"]] == ["B", "A", "C", "F", "E"]
    assert "90000" not in report.to_json(rep)


def test_table_has_norwegian_columns(tmp_path):
    items = worklist.region_worklists(fixture(tmp_path))["1853"]
    table = views.worklist_table(items).data  # the Styler's formatted frame
    assert list(table.columns) == ["System-ID", "System / produkt", "Mangler", "Antall manglende felt",
                                   "Vekt (påvirkning)"]
    assert table.iloc[0]["Mangler"] == "Driftsform, Databehandleravtale"


def test_unmarked_row_is_treated_as_confidential_in_public(tmp_path):
    """E has an empty `confidential` cell: public output treats it as confidential (fail closed)."""
    evenes = [
        row("A", annual_cost_nok="6000", users="10", dpa=""),
        row("E", confidential="", annual_cost_nok="90000", users="10", contract_type="", personal_data=""),
    ]
    region = digireform.load(write_region(tmp_path, municipalities={"1853": PLAIN}, systems={"1853": evenes}))
    assert region.problems == []
    items = worklist.region_worklists(region, public=True)["1853"]
    # cost shares: only A's 6 000 is public → A 1.0; E's cost unused, user share 10/20 = 0.5
    assert [(i["system_id"], i["missing"], i["impact"]) for i in items] == [
        ("A", ["dpa"], 1.0),
        ("E", ["personal_data"], 0.5),  # contract_type hidden: neither shown as missing nor as filled
    ]
    internal = worklist.region_worklists(region, public=False)["1853"]
    assert [(i["system_id"], i["missing"]) for i in internal] == [("E", ["contract_type", "personal_data"]), ("A", ["dpa"])]
