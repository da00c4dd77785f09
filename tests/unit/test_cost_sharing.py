"""The cost-sharing key: shares by basis or mix, exact sums after rounding, refusals at the edges."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from digireform.analysis.cost_sharing import parse_weights, sharing_key
from digireform.model.errors import DigireformError

PARTNERS = [("1806", "Narvik"), ("1853", "Evenes"), ("5512", "Tjeldsund")]


def test_population_key_shares_by_population_and_sums_exactly():
    key = sharing_key(PARTNERS, {"population": {"1806": 22000, "1853": 1330, "5512": 4170}},
                      {"population": 100}, amount_per_year=1_000_000)
    # 22000/27500 = 80 %, 1330/27500 = 4,836…%, 4170/27500 = 15,163…%
    assert [s.percent for s in key.shares] == [Decimal("80.00"), Decimal("4.84"), Decimal("15.16")]
    assert [s.nok_per_year for s in key.shares] == [800_000, 48_364, 151_636]
    assert sum(s.percent for s in key.shares) == 100 and sum(s.nok_per_year for s in key.shares) == 1_000_000


def test_equal_shares_of_three_round_to_exactly_100_percent_and_the_amount():
    key = sharing_key(PARTNERS, {}, {"equal": 100}, amount_per_year=100)
    assert [s.percent for s in key.shares] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert [s.nok_per_year for s in key.shares] == [34, 33, 33]
    assert all(s.exact == Fraction(1, 3) for s in key.shares)


def test_a_mix_weights_each_basis():
    # users: Narvik all 10 → 100 %, equal: 1/3 each; 50/50 → Narvik 2/3, the others 1/6
    key = sharing_key(PARTNERS, {"users": {"1806": 10, "1853": 0, "5512": 0}},
                      {"users": 50, "equal": 50}, amount_per_year=600)
    assert [s.exact for s in key.shares] == [Fraction(2, 3), Fraction(1, 6), Fraction(1, 6)]
    assert [s.nok_per_year for s in key.shares] == [400, 100, 100]
    assert key.label == "50 % brukere av systemene i omfanget, 50 % like deler"


def test_a_partner_with_no_users_pays_nothing_by_users_and_one_with_all_pays_all():
    key = sharing_key(PARTNERS, {"users": {"1806": 0, "1853": 25, "5512": 0}}, {"users": 100}, amount_per_year=999)
    assert [s.percent for s in key.shares] == [Decimal("0.00"), Decimal("100.00"), Decimal("0.00")]
    assert [s.nok_per_year for s in key.shares] == [0, 999, 0]


def test_a_basis_nobody_has_is_refused():
    with pytest.raises(DigireformError, match="ingen av deltakerne har noe å fordele etter"):
        sharing_key(PARTNERS, {"users": {"1806": 0, "1853": 0, "5512": 0}}, {"users": 100}, 100)


def test_a_basis_unknown_for_a_partner_is_refused_naming_it():
    with pytest.raises(DigireformError, match="tallet er ukjent for Evenes og Tjeldsund"):
        sharing_key(PARTNERS, {"volume": {"1806": 5, "1853": None}}, {"volume": 100}, 100)


@pytest.mark.parametrize(("spec", "message"), [
    ({"population": 60, "equal": 30}, "summerer til 90 %, ikke 100 %"),
    ({"population": 110}, "summerer til 110 %"),
    ({"folketall": 100}, "Ukjent grunnlag for fordelingsnøkkelen: folketall; gyldige: population (folketall)"),
    ({"population": 50.5, "equal": 49.5}, "hele prosent"),
    ({}, "Fordelingsnøkkelen mangler"),
])
def test_weights_that_do_not_make_a_key_are_refused(spec, message):
    with pytest.raises(DigireformError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_weights(spec)


def test_one_basis_may_be_written_alone():
    assert parse_weights("population") == {"population": 100}
    assert parse_weights({"population": 70, "equal": 30}) == {"population": 70, "equal": 30}
