"""Notice deadlines, free dates and joint exit windows (hand-computed expectations)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from digireform.analysis.exit_windows import (
    contract_dates,
    find_windows,
    missing_dates,
    month_start_on_or_after,
    notice_deadline,
)
from digireform.model.dates import shift_months

D = dt.date


@pytest.mark.parametrize("end, months, expected", [
    (D(2027, 6, 30), 3, D(2027, 3, 30)),    # day kept (not moved to the month's end)
    (D(2027, 5, 31), 3, D(2027, 2, 28)),    # clamped to February's last day
    (D(2028, 5, 31), 3, D(2028, 2, 29)),    # leap year
    (D(2024, 2, 29), 12, D(2023, 2, 28)),   # from a leap day back a year
    (D(2027, 3, 31), 1, D(2027, 2, 28)),
    (D(2027, 1, 15), 13, D(2025, 12, 15)),  # across a year boundary
    (D(2027, 12, 31), 0, D(2027, 12, 31)),
])
def test_notice_deadline(end, months, expected):
    assert notice_deadline(end, months) == expected
    vec = shift_months(pd.Series([pd.Timestamp(end)]), pd.Series([-months]))
    assert vec.iloc[0].date() == expected


def test_contract_dates_on_notice_expired_and_missing():
    as_of = D(2026, 3, 1)
    systems = pd.DataFrame({
        "contract_end": pd.to_datetime(["2026-12-31", "2026-04-30", "2025-12-31", None, "2027-05-31"]),
        "notice_months": pd.array([3, 3, 6, 3, pd.NA], dtype="Int64"),
    })
    out = contract_dates(systems, as_of)
    assert [None if pd.isna(d) else d.date() for d in out["notice_deadline"]] == [
        D(2026, 9, 30), D(2026, 1, 30), D(2025, 6, 30), None, None]
    assert out["running_on_notice"].tolist() == [False, True, True, False, False]
    assert out["expired"].tolist() == [False, False, True, False, False]
    # free: the day after max(contract_end, as_of + notice)
    assert [None if pd.isna(d) else d.date() for d in out["free_from"]] == [
        D(2027, 1, 1),   # notice in time: free the day after the contract ends
        D(2026, 6, 2),   # deadline passed: notice given 2026-03-01 runs to 2026-06-01
        D(2026, 9, 2),   # contract already ended, running on: 2026-09-01 + 1 day
        None, None]      # missing dates are never guessed
    assert out["missing"].tolist() == [None, None, None, "contract_end", "notice_months"]


def test_missing_dates_says_why():
    systems = pd.DataFrame({
        "municipality": ["1853", "1853"], "system_id": ["A", "B"], "product_canonical": ["X", "Y"],
        "line": [2, 3], "contract_end": pd.to_datetime([None, None]),
        "notice_months": pd.array([3, pd.NA], dtype="Int64"), "confidential": ["no", "yes"],
    })
    assert missing_dates(systems) == [
        {"municipality": "1853", "system_id": "A", "product": "X", "line": 2, "fields": ["contract_end"],
         "reason": "missing"},
        {"municipality": "1853", "system_id": "B", "product": "Y", "line": 3,
         "fields": ["contract_end", "notice_months"], "reason": "confidential"},
    ]


FREE = {"a": D(2027, 1, 1), "b": D(2027, 6, 1), "c": D(2027, 12, 1), "d": D(2028, 6, 1), "e": D(2030, 1, 1)}


def _groups(windows):
    return [w.municipalities for w in windows]


def test_windows_k2_tolerance_12():
    ws = find_windows(FREE, k=2, tolerance_months=12)
    # a..c lie within 12 months of a; b..d within 12 months of b (2028-06-01 is exactly 12 months: included);
    # c,d is inside b..d and therefore not a window of its own; e is alone.
    assert _groups(ws) == [("a", "b", "c"), ("b", "c", "d")]
    assert (ws[0].window_start, ws[0].window_end, ws[0].proposed_start) == (D(2027, 1, 1), D(2027, 12, 1), D(2027, 12, 1))
    assert ws[1].proposed_start == D(2028, 6, 1)


def test_windows_k3_and_k4():
    assert _groups(find_windows(FREE, k=3, tolerance_months=12)) == [("a", "b", "c"), ("b", "c", "d")]
    assert find_windows(FREE, k=4, tolerance_months=12) == []


def test_windows_narrow_tolerance():
    assert _groups(find_windows(FREE, k=2, tolerance_months=6)) == [("a", "b"), ("b", "c"), ("c", "d")]
    assert find_windows(FREE, k=3, tolerance_months=6) == []


def test_windows_respect_the_horizon_and_round_to_month():
    assert _groups(find_windows(FREE, k=2, tolerance_months=12, horizon_end=D(2028, 1, 1))) == [("a", "b", "c")]
    ws = find_windows({"x": D(2027, 6, 15), "y": D(2027, 3, 1)}, k=2, tolerance_months=12)
    assert ws[0].proposed_start == D(2027, 7, 1)
    assert month_start_on_or_after(D(2027, 7, 1)) == D(2027, 7, 1)


def test_equal_dates_form_one_window():
    ws = find_windows({"x": D(2027, 1, 1), "y": D(2027, 1, 1), "z": D(2027, 1, 1)}, k=2, tolerance_months=0)
    assert _groups(ws) == [("x", "y", "z")]
