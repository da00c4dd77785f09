"""OCDS package: the lots extension validated with its own schema, the procedure chosen, lot values,
the review body and organisational contact points, and the placeholder-prefix warning."""
from __future__ import annotations

import copy

from digireform.tender.build import prepare
from digireform.tender.exports import ocds
from tests.support import tender as t

OFFICE = 'office: {address: "Postboks 1", postal_zone: "8539", city: "Bogen", mailbox: "post@evenes.example.no", ' \
         'switchboard: "+47 00 00 00 01"}\n'


def _package(tender_file, extra: str = "", **blocks: str):
    path = tender_file(t.tender_yaml(extra=extra, **blocks))
    a = prepare(path, path.parents[2])
    return a, ocds.build_package(a)


def test_merge_patch_adds_replaces_and_removes():
    target = {"a": 1, "b": {"c": 2, "d": 3}}
    assert ocds.merge_patch(target, {"b": {"c": 5, "d": None}, "e": [1]}) == {"a": 1, "b": {"c": 5}, "e": [1]}
    assert target == {"a": 1, "b": {"c": 2, "d": 3}}  # the schema it patches is left as it was


def test_lots_are_checked_by_the_lots_extension_schema(tender_file):
    lots = """\
lots:
  - {id: "1", title: Skole, service_areas: [skole_oppvekst]}
  - {id: "2", title: Alarm, welfare_categories: [trygghetsalarm, digitalt_tilsyn]}
"""
    _, package = _package(tender_file, lots)
    assert ocds.validation_errors(package) == []
    broken = copy.deepcopy(package)
    broken["releases"][0]["tender"]["lots"][0]["status"] = "aapen"  # not a tenderStatus code
    broken["releases"][0]["tender"]["lots"][1]["value"] = {"amount": "mye"}
    errors = ocds.validation_errors(broken)
    assert any(e.startswith("releases/0/tender/lots/0/status") for e in errors)
    assert any(e.startswith("releases/0/tender/lots/1/value/amount") for e in errors)


def test_lot_values_sum_to_the_estimate(tender_file):
    lots = """\
lots:
  - {id: "1", title: Skole, service_areas: [skole_oppvekst]}
  - {id: "2", title: Alarm, welfare_categories: [trygghetsalarm, digitalt_tilsyn]}
"""
    a, package = _package(tender_file, lots)
    values = [lot["value"]["amount"] for lot in package["releases"][0]["tender"]["lots"]]
    assert sum(values) == round(a.estimated_value_nok)
    # lot 1: the schools' systems (100 000 + 80 000 kr a year); lot 2: the alarms in use (200 000 + 100 000)
    assert values[0] / values[1] == 180_000 / 300_000


def test_the_chosen_procedure_is_the_procurement_method(tender_file):
    timeline = """\
timeline:
  publication: 2027-01-15
  questions_deadline: 2027-02-01
  participation_deadline: 2027-02-16
  invitation: 2027-02-20
  tender_deadline: 2027-04-01
"""
    _, package = _package(tender_file, procedure="procedure: begrenset_anbudskonkurranse\n", timeline=timeline)
    tender = package["releases"][0]["tender"]
    assert tender["procurementMethod"] == "selective"
    assert tender["procurementMethodDetails"] == "Begrenset anbudskonkurranse (FOA § 13-1 første ledd)"


def test_parties_have_organisational_contacts_and_the_review_body_but_no_person(tender_file):
    profile = tender_file("").parents[2] / "municipalities" / "1853-evenes" / "kommune.yaml"
    profile.write_text(profile.read_text("utf-8") + OFFICE, "utf-8")
    _, package = _package(tender_file)
    parties = {p["name"]: p for p in package["releases"][0]["parties"]}
    evenes = parties["Evenes kommune"]
    assert evenes["address"] == {"countryName": "Norge", "streetAddress": "Postboks 1", "postalCode": "8539",
                                 "locality": "Bogen"}
    assert evenes["contactPoint"] == {"email": "post@evenes.example.no", "telephone": "+47 00 00 00 01"}
    assert "contactPoint" not in parties["Bjerkreim kommune"]  # no office in its kommune.yaml
    kofa = parties["Klagenemnda for offentlige anskaffelser (KOFA)"]
    assert kofa["roles"] == ["reviewBody"] and kofa["identifier"]["id"] == "918195548"
    text = repr(package)
    assert t.SECRET_CONTACT not in text and t.SECRET_EMAIL not in text


def test_the_placeholder_prefix_is_warned_about_until_a_real_one_is_set(tender_file):
    a, _ = _package(tender_file)
    assert any("plassholder" in w for w in ocds.placeholder_warnings(a))
    a, _ = _package(tender_file, "publication: {ocid_prefix: ocds-abc123}\n")
    assert ocds.placeholder_warnings(a) == []
