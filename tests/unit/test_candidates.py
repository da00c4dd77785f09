"""Joint-tender candidates: estimated value, threshold at the boundary, ranking."""
from __future__ import annotations

import datetime as dt

import pytest

from digireform.analysis.candidates import estimated_value, joint_candidates
from digireform.model.thresholds import Threshold

ON = dt.date(2025, 6, 1)  # inside the validity of every threshold in data/thresholds.yaml


def shared(product: str, munis: list[str], cost: float) -> dict:
    return {"product": product, "municipalities": munis, "annual_cost_nok": cost}


def window(product: str, munis: list[str], start: str) -> dict:
    return {"product": product, "municipalities": munis, "proposed_start": start,
            "notice_deadlines": {nr: start for nr in munis}}


def test_estimated_value_counts_options():
    assert estimated_value(250000, 4, 2) == 1500000
    assert estimated_value(100000, 3, 0) == 300000


@pytest.mark.parametrize("annual, band", [
    (260000, "national"),         # 260 000 × 5 = 1 300 000: exactly the national threshold counts as crossing
    (259999, "below_national"),   # 1 299 995
    (460000, "eea"),              # 2 300 000: exactly the EEA threshold
    (459999, "national"),
    (19999, "below_exempt"),      # 99 995
])
def test_threshold_choice_at_the_boundary(annual, band):
    [c], warnings = joint_candidates([shared("P", ["1", "2"], annual)], [], [], [], 2, ON, period_years=4, option_years=1)
    assert c["threshold"]["band"] == band
    assert c["estimated_value_nok"] == annual * 5
    assert warnings == []


def test_threshold_stays_in_force_until_superseded():
    # the EEA value of 14 March 2024 still applies in 2026: no warning, no «gjaldt til»
    [c], warnings = joint_candidates([shared("P", ["1", "2"], 500000)], [], [], [], 2, dt.date(2026, 6, 1))
    assert warnings == [] and c["threshold"]["band"] == "eea"
    # a group's newer value (procurement/thresholds.yaml) from 2026-06-01 supersedes it on that day
    newer = Threshold("eea", "EØS-terskelverdi", 3_100_000, dt.date(2026, 6, 1), "FOA § 5-3, endret 2026")
    [c], _ = joint_candidates([shared("P", ["1", "2"], 500000)], [], [], [], 2, dt.date(2026, 6, 1), thresholds=[newer])
    assert c["threshold"]["band"] == "national"  # 3 000 000 < 3 100 000
    [c], _ = joint_candidates([shared("P", ["1", "2"], 500000)], [], [], [], 2, dt.date(2026, 5, 31), thresholds=[newer])
    assert c["threshold"]["band"] == "eea"


def test_ranking_by_cost_partners_and_window():
    cands = [
        shared("Dyr", ["1", "2"], 1000000),
        shared("Bred", ["1", "2", "3", "4"], 500000),
        shared("Gratis", ["1", "2", "3", "4"], 0),  # nothing to tender
    ]
    windows = [window("Bred", ["1", "2", "3", "4"], "2027-01-01"), window("Dyr", ["1"], "2027-01-01")]
    ranked, _ = joint_candidates(cands, [], windows, [], 4, ON)
    # weights cost 0.5, partners 0.3, window 0.2:
    # Bred: 0.5·0.5 + 0.3·1.0 + 0.2·1.0 = 0.75; Dyr: 0.5·1.0 + 0.3·0.5 + 0.2·0.5 = 0.75 → tie, higher cost first
    assert [(c["product"], c["score"], c["rank"]) for c in ranked] == [("Dyr", 0.75, 1), ("Bred", 0.75, 2)]
    assert ranked[1]["window"]["proposed_start"] == "2027-01-01"
    assert ranked[0]["score_components"] == {"cost": 1.0, "partners": 0.5, "window": 0.5}


def test_function_candidate_uses_function_windows():
    harmon = [{"service_area": "helse_velferd", "function": "Pleie og omsorg EPJ", "function_key": "pleie og omsorg epj",
               "products": {"Gerica": ["1"], "Visma Profil": ["2"]}, "municipalities": ["1", "2"],
               "annual_cost_nok": 400000}]
    fw = [{"service_area": "helse_velferd", "function_key": "pleie og omsorg epj", "municipalities": ["1", "2"],
           "proposed_start": "2028-01-01", "notice_deadlines": {}}]
    [c], _ = joint_candidates([], harmon, [], fw, 2, ON)
    assert c["function"] == "Pleie og omsorg EPJ" and c["products"] == ["Gerica", "Visma Profil"]
    assert c["estimated_value_nok"] == 2400000 and c["threshold"]["band"] == "eea"
    assert c["score_components"]["window"] == 1.0
