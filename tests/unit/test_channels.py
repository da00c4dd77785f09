"""Channel figures: completion rate, contacts per inhabitant, digital post share, savings."""
from __future__ import annotations

from pathlib import Path

import pytest

import digireform
from digireform.analysis import channels
from tests.support.regionfiles import profile_yaml, write_region

CHANNELS = """channels:
  - {year: 2024, source: telling, personal_visits: 100, phone_in: 500, phone_out: 50, web_visits: 3000,
     letters_in: 40, letters_out: 300, email_in: 160, email_out: 10, digital_post_out: 700,
     selfservice_completed: 200, selfservice_abandoned: 750}
  - {year: 2025, source: telling, personal_visits: 80, phone_in: 400, phone_out: 50, web_visits: 4000,
     letters_in: 20, letters_out: 100, email_in: 100, email_out: 10, digital_post_out: 900,
     selfservice_completed: 400, selfservice_abandoned: 600}
"""


def region(tmp_path: Path, extra: str = CHANNELS):
    population = {"year": 2025, "source": "t", "total": 1000}
    write_region(tmp_path, municipalities={"1853": profile_yaml("1853", example_data=None, population=population) + extra})
    r = digireform.load(tmp_path)
    assert r.problems == []
    return r


def test_completion_rate_from_the_issue():
    # 3.75 abandoned attempts per completed one: 1 / 4.75
    assert channels.completion_rate(640, 2400) == pytest.approx(0.2105, abs=5e-5)
    assert channels.completion_rate(0, 0) is None
    assert channels.completion_rate(None, 3) is None


def test_digital_share():
    assert channels.digital_share(900, 100) == 0.9
    assert channels.digital_share(0, 0) is None


def test_channel_table_derived_measures(tmp_path):
    t = channels.channel_table(region(tmp_path)).set_index("year")
    # contacts = visits + phone in + letters in + e-mail in + self-service completed (channels.yaml)
    assert t.at[2024, "contacts"] == 100 + 500 + 40 + 160 + 200
    assert t.at[2024, "contacts_per_inhabitant"] == 1.0
    assert t.at[2025, "contacts_per_inhabitant"] == pytest.approx(1000 / 1000)
    assert t.at[2025, "selfservice_completion_rate"] == 0.4
    assert t.at[2024, "digital_post_share"] == 0.7
    assert t.at[2025, "web_visits_per_inhabitant"] == 4.0


def test_letter_savings_uses_explicit_prices():
    s = channels.letter_savings(1000, cost_per_letter_nok=12.5, cost_per_digital_message_nok=2.5)
    assert s["savings_nok"] == 10000.0
    default = channels.letter_savings(1000)
    assert default["cost_per_letter_nok"] == channels.settings()["savings"]["cost_per_letter_nok"]
    assert "Antakelse" in default["assumption"]
    assert channels.letter_savings(None)["savings_nok"] is None


def test_latest_summary_picks_latest_year(tmp_path):
    r = region(tmp_path)
    s = channels.latest_summary(channels.channel_table(r), "1853", cost_per_letter_nok=10, cost_per_digital_message_nok=0)
    assert s["year"] == 2025 and s["digital_post_share"] == 0.9 and s["letter_savings_nok"] == 1000.0
    assert channels.latest_summary(channels.channel_table(r), "1853", year=2024)["digital_post_share"] == 0.7


def test_missing_volume_gives_no_rate(tmp_path):
    r = region(tmp_path, "channels:\n  - {year: 2025, letters_out: 10}\n")
    t = channels.channel_table(r)
    assert t["selfservice_completion_rate"].isna().all() and t["contacts"].isna().all()
