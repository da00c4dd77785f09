"""The one typed-value parser: every spelling with its hand-computed value, every refusal with its message."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from digireform.model import values
from digireform.model.values import Refused


@pytest.mark.parametrize(("text", "expected"), [
    ("1 250 000,50", Decimal("1250000.50")),
    ("1\u00a0250\u00a0000,50", Decimal("1250000.50")),
    ("1\u202f250", Decimal("1250")),
    ("1.250.000", Decimal("1250000")),
    ("1.250.000,50", Decimal("1250000.50")),
    ("1,250,000.50", Decimal("1250000.50")),
    ("1250000.5", Decimal("1250000.5")),
    ("kr 12 000,-", Decimal("12000")),
    ("98 000 kr", Decimal("98000")),
    ("NOK 5", Decimal("5")),
    ("30 000", Decimal("30000")),
    ("30000", Decimal("30000")),
    ("4,5", Decimal("4.5")),
    ("12.5", Decimal("12.5")),
    ("−3", Decimal("-3")),
    ("12 34,5", Decimal("1234.5")),  # spaces are thousands separators wherever they are
    ("0,500", Decimal("0.500")),  # a leading 0 cannot start a thousands group: a decimal
    ("1234,567", Decimal("1234.567")),  # four digits before the mark: a decimal
    ("1 250,500", Decimal("1250.500")),  # after a space grouping the mark is the decimal
    ("1,250.5", Decimal("1250.5")),  # both marks: the last is the decimal
])
def test_parse_number(text, expected):
    assert values.parse_number(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("30.000", "«30.000» er tvetydig (tusenskille eller desimaltegn?): skriv 30000 eller 30 000 hvis du mener "
               "tretti tusen, 30,0 hvis du mener tretti"),
    ("kr 30.000,-", "«kr 30.000,-» er tvetydig (tusenskille eller desimaltegn?): skriv 30000 eller 30 000 hvis du "
                    "mener tretti tusen, 30,0 hvis du mener tretti"),
    ("12,500", "«12,500» er tvetydig (tusenskille eller desimaltegn?): skriv 12500 eller 12 500 hvis du mener "
               "tolv tusen fem hundre, 12,5 hvis du mener tolv komma fem"),
    ("1.050", "«1.050» er tvetydig (tusenskille eller desimaltegn?): skriv 1050 eller 1 050 hvis du mener "
              "tusen og femti, 1,05 hvis du mener en komma null fem"),
    ("-30.000", "«-30.000» er tvetydig (tusenskille eller desimaltegn?): skriv -30000 eller -30 000 hvis du mener "
                "minus tretti tusen, -30,0 hvis du mener minus tretti"),
    ("\u221212,500", "«\u221212,500» er tvetydig (tusenskille eller desimaltegn?): skriv -12500 eller -12 500 hvis du "
                     "mener minus tolv tusen fem hundre, -12,5 hvis du mener minus tolv komma fem"),
    ("+1.050", "«+1.050» er tvetydig (tusenskille eller desimaltegn?): skriv 1050 eller 1 050 hvis du mener "
               "tusen og femti, 1,05 hvis du mener en komma null fem"),
    ("1.25.0", "«1.25.0» er ikke et tall (skriv f.eks. 1 250 000,50)"),
    ("12,34,567", "«12,34,567» er ikke et tall (skriv f.eks. 1 250 000,50)"),
    ("mange", "«mange» er ikke et tall (skriv f.eks. 1 250 000,50)"),
    ("", "«» er ikke et tall (skriv f.eks. 1 250 000,50)"),
    ("12345678901234567890", "«12345678901234567890» har for mange sifre (høyst 15)"),
])
def test_parse_number_refuses(text, message):
    with pytest.raises(Refused) as err:
        values.parse_number(text)
    assert err.value.message == message


@pytest.mark.parametrize(("n", "text"), [
    (0, "null"), (7, "sju"), (21, "tjueen"), (30, "tretti"), (100, "hundre"), (250, "to hundre og femti"),
    (1000, "tusen"), (1050, "tusen og femti"), (12500, "tolv tusen fem hundre"), (30000, "tretti tusen"),
    (1_250_000, "en million to hundre og femti tusen"),
])
def test_words(n, text):
    assert values.words(n) == text


def test_parse_integer():
    assert values.parse_integer("1 200") == 1200
    with pytest.raises(Refused, match="«4,5» er ikke et heltall"):
        values.parse_integer("4,5")
    with pytest.raises(Refused, match="tvetydig"):
        values.parse_integer("1.200")


@pytest.mark.parametrize(("text", "expected"), [
    ("31.12.2026", dt.date(2026, 12, 31)),
    ("31.12.26", dt.date(2026, 12, 31)),
    ("1.7.27", dt.date(2027, 7, 1)),
    ("31/12/2026", dt.date(2026, 12, 31)),
    ("2026-12-31", dt.date(2026, 12, 31)),
    ("2026-12-31 00:00:00", dt.date(2026, 12, 31)),
])
def test_parse_date(text, expected):
    assert values.parse_date(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("desember 2026", "«desember 2026» er ikke en dato (skriv f.eks. 31.12.2026 eller 2026-12-31)"),
    ("2026", "«2026» er ikke en dato (skriv f.eks. 31.12.2026 eller 2026-12-31)"),
    ("31.02.2026", "«31.02.2026» er ikke en gyldig kalenderdato"),
    ("2027-02-30", "«2027-02-30» er ikke en gyldig kalenderdato"),
])
def test_parse_date_refuses(text, message):
    with pytest.raises(Refused) as err:
        values.parse_date(text)
    assert err.value.message == message


def test_excel_serial_date():
    assert values.excel_serial_date(46387) == dt.date(2026, 12, 31)
    with pytest.raises(Refused):
        values.excel_serial_date(-1)


@pytest.mark.parametrize(("value", "ftype", "codes", "stored"), [
    ("kr 12 000,-", "number", None, "12000"),
    ("1 250 000,50", "number", None, "1250000.5"),
    (1250000.5, "number", None, "1250000.5"),
    (45.0, "int", None, "45"),
    ("1.250.000", "int", None, "1250000"),
    ("31.12.26", "date", None, "2026-12-31"),
    (46387, "date", None, "2026-12-31"),
    (dt.datetime(2026, 12, 31, 0, 0), "date", None, "2026-12-31"),
    ("  ", "number", None, ""),
    (None, "date", None, ""),
    ("x", "code", "yes_no", "yes"),
    ("JA", "code", "yes_no", "yes"),
    ("nei", "code", "yes_no", "no"),
    ("Yes", "code", "yes_no", "yes"),
    ("No", "code", "yes_no", "no"),
    ("Skytjeneste", "code", "hosting", "saas"),
])
def test_to_stored_text(value, ftype, codes, stored):
    assert values.to_stored_text(value, ftype, codes) == stored


def test_unknown_code_lists_the_choices():
    with pytest.raises(Refused) as err:
        values.parse_code("kanskje", "yes_no")
    assert err.value.message == "«kanskje» er ikke en gyldig verdi; gyldige: Ja (yes), Nei (no)"


@pytest.mark.parametrize(("value", "text"), [(30000, "30000"), (30000.0, "30000"), (12.5, "12.5"), (Decimal("1250000.50"), "1250000.5")])
def test_stored_number(value, text):
    assert values.stored_number(value) == text


# --------------------------------------------------------------------------- the forms use the same parser


@pytest.mark.parametrize(("typed", "ftype", "result"), [
    ("1 250 000", "int", ("1250000", None)),
    ("1.250.000", "int", ("1250000", None)),
    ("kr 12 000,-", "number", ("12000", None)),
    ("12 500,50", "number", ("12500.50", None)),
    ("31.12.26", "date", ("2026-12-31", None)),
    ("Visma ", "text", ("Visma", None)),
    ("30.000", "number", ("30.000", "«30.000» er tvetydig (tusenskille eller desimaltegn?): skriv 30000 eller "
                          "30 000 hvis du mener tretti tusen, 30,0 hvis du mener tretti")),
    ("31.02.2026", "date", ("31.02.2026", "«31.02.2026» er ikke en gyldig kalenderdato")),
])
def test_form_value(typed, ftype, result):
    from digireform.notebook.common import form_value

    assert form_value(typed, ftype) == result


@pytest.mark.parametrize(("typed", "ftype", "expected"), [
    ("30.000", "number", "30.000"),  # refused: kept as typed, so validation names it (not 30.0)
    ("12,500", "number", "12,500"),
    ("0,85", "number", 0.85),
    ("1 250", "int", 1250),
    ("31.12.2027", "date", dt.date(2027, 12, 31)),
    ("31.02.2026", "date", "31.02.2026"),
    ("", "number", None),
])
def test_to_yaml_value_keeps_refused_text(typed, ftype, expected):
    from digireform.notebook.common import to_yaml_value

    assert to_yaml_value(typed, ftype) == expected


def test_table_form_refuses_ambiguous_cost(region_builder):
    """The form shows why «30.000» is refused and saves nothing (validation alone would read 30)."""
    from digireform.notebook import TableEditor

    data = region_builder()
    path = data / "municipalities/1853-evenes/systems.csv"
    before = path.read_bytes()
    ed = TableEditor(data, "systems")
    ed.select(0)
    ed.fields["annual_cost_nok"].value = "30.000"
    assert "«30.000» er tvetydig" in ed.messages["annual_cost_nok"].value
    assert not ed.save() and path.read_bytes() == before
