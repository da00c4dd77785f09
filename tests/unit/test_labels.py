"""model.labels: the one (field, value) → words rule for what people read."""
from __future__ import annotations

import datetime as dt

from digireform.model import labels


def test_table_fields_and_codes_in_words():
    assert labels.field_label("users") == "Antall brukere"
    assert labels.field_label("status", "welfare") == "Status"
    assert labels.field_label("no_such_field") == "no_such_field"
    assert labels.value_words("hosting", "saas") == "Skytjeneste"
    assert labels.value_words("hosting", "saas", with_code=True) == "Skytjeneste (saas)"
    assert labels.value_words("service_area", "innbygger") == "Innbyggertjenester og selvbetjening"
    assert labels.value_words("lifecycle", "operational") == "I drift"
    assert labels.value_words("personal_data", "ordinary") == "Alminnelige"
    assert labels.value_words("dpa", "yes") == "Ja"
    assert labels.value_words("category", "trygghetsalarm", "welfare") == "Trygghetsalarm"


def test_numbers_dates_and_unknown_values():
    assert labels.value_words("annual_cost_nok", "45000.50") == "45 000,50 kr"  # money with kr, øre as written
    assert labels.value_words("users", "1200") == "1 200"
    assert labels.value_words("target_year", "2028", "welfare") == "2028"
    assert labels.value_words("contract_end", "2027-12-31") == "31.12.2027"
    assert labels.value_words("integrations", "EVE-005;EVE-006") == "EVE-005, EVE-006"
    assert labels.value_words("users", "mange") == "mange"  # not a number: as written
    assert labels.value_words("hosting", "sky2") == "sky2"  # not a code: as written
    assert labels.value_words("users", "") == "" and labels.value_words("users", None) == ""


def test_profile_keys_and_values_in_words():
    assert labels.field_label("population.total", "profile") == "Innbyggere i alt"
    assert labels.field_label("digitalisation") == "Digitaliseringsgrad"
    assert labels.field_label("targets[].deadline", "profile") == "Frist"
    assert labels.field_label("population.age_bands.80+", "profile") == "Aldersgrupper 80+"
    assert labels.field_label("nothing.here", "profile") == "nothing.here"
    assert labels.field_label("digitalisation.sak_arkiv", "profile") == "Digitaliseringsgrad, Sak og arkiv"
    assert (labels.value_words("digitalisation", {"innbygger": "mostly_digital"}, "profile")
            == "Innbyggertjenester og selvbetjening: Hovedsakelig digitalt")
    assert (labels.value_words("population", {"year": 2025, "total": 1400}, "profile")
            == "År: 2025, Innbyggere i alt: 1 400")
    target = {"id": "T1", "metric": "digital_post_share", "target": 0.7, "deadline": dt.date(2027, 12, 31)}
    assert (labels.value_words("targets", [target], "profile")
            == "ID: T1, Måltall: Digital andel av utgående post, Mål: 0,7, Frist: 31.12.2027")


def test_choices_and_joined():
    assert labels.code_choices("hosting") == ("Lokal drift (on_prem), Driftet hos leverandør (hosted), "
                                              "Skytjeneste (saas), Hybrid (hybrid)")
    assert (labels.choices_in_words("«x» er ikke gyldig; gyldige: on_prem, hosted, saas, hybrid", "hosting")
            == "«x» er ikke gyldig; gyldige: " + labels.code_choices("hosting"))
    assert labels.choices_in_words("mangler", "hosting") == "mangler"
    assert labels.joined([]) == "" and labels.joined(["A"]) == "A"
    assert labels.joined(["A", "B"]) == "A og B" and labels.joined(["A", "B", "C"]) == "A, B og C"
