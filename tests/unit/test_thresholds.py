"""Threshold choice at the boundaries, from dated data."""
from __future__ import annotations

import datetime as dt

import pytest

from digireform.model.thresholds import classify

DAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("value", "band", "threshold"),
    [
        (99_999, "below_exempt", None),
        (100_000, "below_national", "exempt"),
        (1_299_999.99, "below_national", "exempt"),
        (1_300_000, "national", "national"),  # equal to the threshold crosses it (FOA § 5-1)
        (2_299_999, "national", "national"),
        (2_300_000, "eea", "eea"),
    ],
)
def test_bands_at_the_boundaries(value, band, threshold):
    r = classify(value, DAY)
    assert (r.band, r.threshold_id) == (band, threshold)
    assert r.warnings == []


def test_eea_threshold_depends_on_the_date():
    assert classify(2_300_000, DAY).crossed.amount_nok == 2_300_000
    before = classify(2_300_000, dt.date(2024, 3, 13))  # the 2.3 MNOK value started 14 March 2024
    assert before.warnings and "ingen verdi gjelder 2024-03-13" in before.warnings[0]


def test_warns_when_the_data_has_run_out():
    r = classify(3_000_000, dt.date(2026, 11, 23))
    assert r.band == "eea"
    assert "gjaldt til 2025-12-31" in r.warnings[0]


def test_procedure_text_and_source():
    d = classify(1_500_000, DAY).as_dict()
    assert d["part"] == "FOA del II"
    assert "Doffin" in d["announcement"]
    assert "FOA § 5-1" in d["threshold_source"]
