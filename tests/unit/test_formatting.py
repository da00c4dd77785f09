"""The one Norwegian number, money and date formatter, and the places that now go through it."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from digireform.model import formatting as f
from digireform.model.formatting import NBSP


@pytest.mark.parametrize("value, decimals, expected", [
    (1234567.8, 0, "1 234 568"),
    (1234.5, 2, "1 234,50"),
    (0.125, 1, "0,1"),
    (None, 0, "–"),
    (math.nan, 1, "–"),
    (pd.NA, 0, "–"),
])
def test_number_groups_thousands_with_spaces_and_uses_a_decimal_comma(value, decimals, expected):
    assert f.number(value, decimals) == expected


@pytest.mark.parametrize("value, expected", [
    (0.5, "0,5"), (45000, "45 000"), (2.25, "2,25"), (2.0, "2"), (1 / 3, "0,33"), (None, "–"),
])
def test_decimal_drops_trailing_zeros(value, expected):
    assert f.decimal(value) == expected


def test_money_whole_or_with_oere_and_separators():
    assert f.nok(1_250_000) == "1 250 000 kr"
    assert f.nok(45000.5, decimals=2) == "45 000,50 kr"
    assert f.nok(1300000, NBSP) == f"1{NBSP}300{NBSP}000{NBSP}kr"
    assert f.nok_short(17_400_000) == "17,4 mill. kr"


def test_percent_of_a_share_and_of_a_value_already_in_per_cent():
    assert f.percent(0.2105) == "21 %"
    assert f.percent(0.58, 1) == "58,0 %"
    assert f.percent_value(29.5) == "29,5 %"
    assert f.percent_value(30) == "30 %"


@pytest.mark.parametrize("n, expected", [(1, "ett år"), (5, "fem år"), (12, "tolv år"), (15, "15 år")])
def test_years_in_words_up_to_twelve(n, expected):
    assert f.years(n) == expected


def test_dates_from_text_dates_and_timestamps():
    assert f.date_no("2026-11-23") == "23.11.2026"
    assert f.date_no(pd.Timestamp("2028-03-31")) == "31.03.2028"
    assert f.date_no(pd.NaT) == "–"


def test_former_hand_rolled_formatters_now_agree_with_formatting():
    from digireform.analysis.targets import fmt
    from digireform.dashboard import common
    from digireform.ingest.inventory import show_value
    from digireform.model.schema import file_spec
    from digireform.tender.exports.content import count, short_date, weight_text

    assert count(1200) == f"1{NBSP}200" and count(None) == "–"
    assert short_date(pd.Timestamp("2028-03-31")) == "31.03.2028"
    assert weight_text(2.5) == "2,5" and weight_text(None) == ""
    assert (fmt(0.58, "share"), fmt(1200, "count"), fmt(3.254, "number")) == ("58,0 %", "1 200", "3,25")
    assert common.fmt_int(math.nan) == "–"  # used to raise on round(nan)
    cost = file_spec("systems").by_key["annual_cost_nok"]
    assert show_value("45000", cost) == "45 000 kr"
    assert show_value("45000.5", cost) == "45 000,50 kr"


def test_long_dates_for_documents():
    import datetime as dt

    assert f.date_long(dt.date(2027, 1, 15)) == "15. januar 2027"
    assert f.date_long(pd.Timestamp("2026-12-01")) == "1. desember 2026"
    assert f.date_long(None) == "–"


def test_a_yaml_value_on_one_line():
    from digireform.io.yamlio import inline_yaml

    assert inline_yaml({"total": 1200, "year": 2025}) == "{total: 1200, year: 2025}"
    assert inline_yaml(["Bodø", "Narvik"]) == "[Bodø, Narvik]"
    assert inline_yaml(12) == "12"
    assert inline_yaml(None) is None


def test_a_fields_limit_reads_as_written_in_norwegian():
    """Limits in validation messages: decimal comma, no thousands space (a year stays «2000»)."""
    from digireform.validate.tables import limit

    assert [limit(0), limit(0.5), limit(2000), limit(120), limit(2.25)] == ["0", "0,5", "2000", "120", "2,25"]
