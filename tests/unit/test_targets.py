"""Target status nådd / i rute / bak / ukjent, including the boundaries."""
from __future__ import annotations

import datetime as dt

from digireform.analysis import targets
from digireform.dashboard.pages.modenhet import maturity_kpis

D = dt.date


def target(**kw):
    base = {"id": "T1", "text": "mål", "metric": "digital_share_building_cases", "target": 0.7,
            "deadline": D(2027, 12, 31)}
    return {**base, **kw}


def test_reached_at_exactly_the_target():
    r = targets.evaluate(target(current=0.7, current_date=D(2025, 12, 31)), [], D(2026, 1, 1))
    assert r["status"] == "nådd" and "70,0 %" in r["reason"]


def test_on_the_line_is_on_track_and_just_below_is_behind():
    # baseline 0.3 on 2024-01-01, target 0.7 on 2028-01-01 (1461 days); 2026-01-01 is 731 days in
    base = dict(baseline=0.3, baseline_date=D(2024, 1, 1), deadline=D(2028, 1, 1), current_date=D(2026, 1, 1))
    expected = 0.3 + 0.4 * 731 / 1461
    on = targets.evaluate(target(current=expected, **base), [], D(2026, 6, 1))
    assert on["status"] == "i rute" and on["expected"] == round(expected, 6)
    below = targets.evaluate(target(current=expected - 0.001, **base), [], D(2026, 6, 1))
    assert below["status"] == "bak" and "ligger under" in below["reason"]


def test_deadline_passed_is_behind_but_deadline_day_is_not():
    t = target(current=0.5, current_date=D(2025, 6, 30), baseline=0.1, baseline_date=D(2023, 1, 1),
               deadline=D(2025, 12, 31))
    assert targets.evaluate(t, [], D(2026, 1, 1))["status"] == "bak"
    assert "Fristen 2025-12-31 er passert" in targets.evaluate(t, [], D(2026, 1, 1))["reason"]
    # on the deadline day the line rule applies: expected at 2025-06-30 = 0.1 + 0.6*1641/1095 → capped
    on_day = targets.evaluate(t, [], D(2025, 12, 31))
    assert on_day["status"] == "bak" and "Fristen" not in on_day["reason"]


def test_unknown_without_current_or_baseline():
    assert targets.evaluate(target(), [], D(2026, 1, 1))["status"] == "ukjent"
    r = targets.evaluate(target(current=0.35, current_date=D(2025, 12, 31)), [], D(2026, 1, 1))
    assert r["status"] == "ukjent" and "baseline" in r["reason"]


def test_channel_metric_uses_first_and_latest_year():
    t = {"id": "T3", "text": "post", "metric": "digital_post_share", "target": 0.75, "deadline": D(2026, 12, 31)}
    meas = [(D(2024, 12, 31), 0.57), (D(2025, 12, 31), 0.62)]
    r = targets.evaluate(t, meas, D(2026, 11, 23))
    # line from 0.57 (2024-12-31) to 0.75 (2026-12-31): 365 of 730 days → 0.66 expected
    assert r["expected"] == 0.66 and r["status"] == "bak"
    assert targets.evaluate(t, [(D(2024, 12, 31), 0.57), (D(2025, 12, 31), 0.66)], D(2026, 1, 1))["status"] == "i rute"


def test_lower_is_better_metric():
    t = {"id": "T", "text": "færre", "metric": "contacts_per_inhabitant", "target": 10, "deadline": D(2027, 12, 31)}
    assert targets.evaluate(t, [(D(2025, 12, 31), 9.5)], D(2026, 1, 1))["status"] == "nådd"
    # 14 → 10 over 1461 days (2024 is a leap year); 731 days in: 14 − 4 × 731/1461 ≈ 11.9986
    r = targets.evaluate(t, [(D(2023, 12, 31), 14.0), (D(2025, 12, 31), 11.99)], D(2026, 1, 1))
    assert r["expected"] == round(14 - 4 * 731 / 1461, 6) and r["status"] == "i rute"
    late = targets.evaluate(t, [(D(2023, 12, 31), 14.0), (D(2025, 12, 31), 12.0)], D(2026, 1, 1))
    assert late["status"] == "bak"


def test_the_report_keeps_the_code_and_the_dashboard_counts_by_it(monkeypatch):
    """Rewording «nådd» in target_metrics.yaml must not change how many targets count as reached."""
    from types import SimpleNamespace


    made = [targets.evaluate(target(current=c, current_date=D(2027, 12, 31)), [], D(2028, 1, 1))  # deadline passed
            for c in (0.8, 0.7, 0.2)]
    assert [t["status_code"] for t in made] == [targets.REACHED, targets.REACHED, targets.BEHIND]
    assert targets.status_words()[targets.REACHED] == "nådd"
    report = {"municipalities": {"1851": {"targets": [{"status_code": t["status_code"], "status": "x"} for t in made]}}}
    ctx = SimpleNamespace(numbers=["1851"], report=report)
    monkeypatch.setattr(targets, "status_words", lambda: {targets.REACHED: "oppnådd"})
    kpi = next(k for k in maturity_kpis(ctx, "1851") if k["key"] == "targets")
    assert (kpi["value"], kpi["note"]) == (3, "2 oppnådd")
