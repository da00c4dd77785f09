"""Passed notice deadlines on the councillors' pages: the welfare contracts table marks them and
puts them last, the exit-window chart flags the windows they are in (boundary: the deadline
day itself is not passed)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from digireform.dashboard import pages


def contracts_rows(page: dict, selection: str = "alle") -> list[list[str]]:
    """The rows of the «Avtaler som løper ut» table of one selection, as cell texts."""
    block = next(b for b in page["blocks"] if b["kind"] == "html" and "Avtaler som løper ut innen" in
                 json.dumps(b, ensure_ascii=False))
    html = block["variants"][selection]
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


@pytest.fixture
def welfare_region(region_builder, welfare_row):
    # notice by 2026-12-30 (2027-06-30 − 6 months) and 2027-03-31 (2027-12-31 − 9 months)
    return region_builder(welfare={"1853": [
        welfare_row(),
        welfare_row(category="lokalisering", product="Safemate", contract_end="2027-12-31", notice_months="9"),
    ]})


def test_contract_on_its_deadline_day_is_not_marked(welfare_region):
    page = pages.page_data("velferdsteknologi", data_dir=welfare_region, as_of=dt.date(2026, 12, 30))
    assert contracts_rows(page) == [
        ["Evenes", "Trygghetsalarm", "Careium", "30.06.2027", "30.12.2026", ""],
        ["Evenes", "Lokalisering (GPS)", "Safemate", "31.12.2027", "31.03.2027", ""],
    ]


def test_contract_past_its_deadline_is_marked_and_last(welfare_region):
    page = pages.page_data("velferdsteknologi", data_dir=welfare_region, as_of=dt.date(2026, 12, 31))
    assert contracts_rows(page) == [
        ["Evenes", "Lokalisering (GPS)", "Safemate", "31.12.2027", "31.03.2027", ""],
        ["Evenes", "Trygghetsalarm", "Careium", "30.06.2027", "30.12.2026", "Fristen gikk ut 30. desember 2026"],
    ]
    assert contracts_rows(page, "1853") == contracts_rows(page)


def test_exit_window_with_a_passed_deadline_is_flagged(region_builder, system_row):
    # Evenes gives notice by 2026-03-30 (passed on 2026-12-01), Narvik by 2026-12-31
    region = region_builder(systems={
        "1853": [system_row(system_id="E1", product="Alfa", contract_end="2026-06-30", notice_months="3")],
        "1806": [system_row(system_id="N1", product="Alfa", contract_end="2027-03-31", notice_months="3")]})
    page = pages.page_data("overlapp", data_dir=region, as_of=dt.date(2026, 12, 1))
    block = next(b for b in page["blocks"] if b.get("title") == "Felles exit-vinduer")
    bar = block["variants"]["alle"]["data"][0]
    assert bar["y"] == ["<b>Alfa (frist gått ut)</b><br>Narvik, Evenes"]
    assert bar["customdata"][0].endswith("; oppsigelsesfristen har gått ut for Evenes (30.03.2026)")
