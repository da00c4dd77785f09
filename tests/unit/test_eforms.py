"""The eForms contract notice: built from facts, checked by the SDK's XSD and schematron rules.

The schematron check compiles the SDK's rules once per process (tens of seconds), so these
tests are marked slow and share one process-wide validator.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest
from lxml import etree

from digireform.tender import eforms_validation as ev
from digireform.tender.exports import eforms
from digireform.tender.exports.eforms import Criterion, NoticeFacts, NoticeLot, Organisation, stable_id
from digireform.tender.lot_values import LotValueError, lot_values

pytestmark = pytest.mark.slow

CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def _org(key: str, name: str, orgnr: str, lead: bool = False) -> Organisation:
    return Organisation(key, name, orgnr, "Narvik", "8501", "NO071", f"post@{key.lower()}.example.no",
                        telephone="+47 00 00 00 00", group_lead=lead)


def _facts(lots: int = 2, **changes) -> NoticeFacts:
    criteria = (Criterion("price", "Price", "Price", 40), Criterion("quality", "Quality", "Quality", 30),
                Criterion("quality", "Climate", "Climate", 30))
    lot_list = tuple(
        NoticeLot(f"LOT-{i:04d}", str(i), f"Lot {i}", f"Lot {i} description", "supplies", "35121700", (),
                  Decimal("1000000"), 48, "Extension by up to 2 years.", criteria, ("NO071",))
        for i in range(1, lots + 1))
    facts = NoticeFacts(
        subtype="16", procedure="open", notice_id=stable_id("t", "notice"), folder_id=stable_id("t", "proc"),
        issue_date=dt.date(2027, 1, 15), language="ENG", title="Joint procurement", description="Welfare technology",
        reference="2027/0042", nature="supplies", cpv="35121700", value_nok=Decimal("2000000"),
        buyers=(_org("ORG-0001", "Narvik kommune", "959469059", lead=True),
                _org("ORG-0002", "Evenes kommune", "940642140")),
        review_body=eforms._review_body(eforms.settings()), lots=lot_list,
        tender_deadline=dt.date(2027, 3, 1), deadline_time="12:00:00", questions_deadline=dt.date(2027, 2, 12),
        validity_months=6, documents_url="https://anbud.example.no/t/", submission_url="https://anbud.example.no/levering",
        review_deadlines="Standstill period of 10 days.",
    )
    return dataclasses.replace(facts, **changes)


def _without(xml: bytes, xpath: str) -> bytes:
    """The notice with the first element at `xpath` removed: a broken notice for the tests."""
    root = etree.fromstring(xml)
    node = root.xpath(xpath, namespaces={k or "cn": v for k, v in eforms.NS.items()})[0]
    node.getparent().remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_complete_notice_passes_xsd_and_schematron():
    assert ev.check(eforms.notice_xml(_facts())) == []


def test_a_notice_below_the_eea_threshold_is_the_voluntary_e3_with_its_national_legal_basis():
    xml = eforms.notice_xml(_facts(subtype="E3"))
    assert ev.check(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(f"{CBC}RegulatoryDomain") == "other"
    assert root.findtext(".//{*}ProcurementLegislationDocumentReference/{*}ID") == "LocalLegalBasis"
    assert root.find(".//{*}GovernmentAgreementConstraintIndicator") is None  # not under the GPA


def test_one_lot_notice_passes_too():
    assert ev.check(eforms.notice_xml(_facts(lots=1))) == []


def test_a_missing_mandatory_field_is_named_with_its_rule_in_norwegian():
    xml = _without(eforms.notice_xml(_facts()), "//efac:Organization[2]//cac:PartyLegalEntity")
    problems = ev.check(xml)
    assert [p.rule for p in problems] == ["BR-BT-00501-0022"]
    p = problems[0]
    assert p.stage == "schematron" and p.field == "BT-501-Organization-Company"
    assert p.message == ("Organisasjonsnummer (BT-501-Organization-Company) mangler; "
                         "feltet er påkrevd i denne kunngjøringstypen")
    assert "Organization[2]" in p.location


def test_an_unknown_code_is_named_with_its_rule_in_norwegian():
    root = etree.fromstring(eforms.notice_xml(_facts()))
    root.find(".//{*}PartyTypeCode").text = "kommune"  # the code is «la» (local authority)
    problems = ev.check(etree.tostring(root))
    assert [p.rule for p in problems] == ["BR-BT-00011-0052"]
    assert problems[0].message == "Oppdragsgiverens rettslige form (BT-11) har en kode som ikke finnes i eForms-kodelisten"


def test_norwegian_as_notice_language_is_refused_as_ted_does():
    root = etree.fromstring(eforms.notice_xml(_facts()))
    root.find(f"{CBC}NoticeLanguageCode").text = "NOR"
    rules = {p.rule for p in ev.check(etree.tostring(root))}
    assert "BR-BT-00702-0102" in rules


def test_a_structural_error_is_reported_by_the_xsd_with_its_line():
    root = etree.fromstring(eforms.notice_xml(_facts()))
    version = root.find(f"{CBC}UBLVersionID")
    root.append(etree.fromstring(etree.tostring(version)))  # a second UBLVersionID at the end: wrong place
    problems = ev.check(etree.tostring(root, pretty_print=True))
    assert problems and {p.stage for p in problems} == {"XSD"}
    assert problems[0].message.startswith("bryter XML-skjemaet for eForms (UBL 2.3): ")
    assert problems[0].location.startswith("linje ")


def test_more_than_one_lot_states_how_many_lots_a_tenderer_may_bid_for():
    root = etree.fromstring(eforms.notice_xml(_facts(lots=3)))
    assert root.findtext(".//{*}LotDistribution/{*}MaximumLotsSubmittedNumeric") == "3"
    one = etree.fromstring(eforms.notice_xml(_facts(lots=1)))
    assert one.find(".//{*}LotDistribution") is None


def test_the_host_leads_the_buyers_group_and_receives_the_tenders():
    root = etree.fromstring(eforms.notice_xml(_facts()))
    leads = [o.findtext(".//{*}GroupLeadIndicator") for o in root.iter("{*}Organization")]
    assert leads == ["true", "false", None]  # two buyers, then the review body (no group role)
    recipients = {e.text for e in root.iter("{*}TenderRecipientParty") for e in e.iter(f"{CBC}ID")}
    assert recipients == {"ORG-0001"}


def test_ids_are_stable_and_in_the_uuid4_form_eforms_wants():
    a, b = stable_id("velferd", "notice"), stable_id("velferd", "notice")
    assert a == b and a != stable_id("epj", "notice")
    assert uuid.UUID(a).version == 4


def _assembly(total: float, lots: list, systems: pd.DataFrame, welfare: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(estimated_value_nok=total, systems=systems, welfare=welfare, tender=None)


def _lot(areas=(), cats=()):
    return SimpleNamespace(service_areas=tuple(areas), welfare_categories=tuple(cats))


def test_lot_values_follow_each_lots_share_of_todays_cost_and_sum_to_the_estimate():
    welfare = pd.DataFrame({"category": ["trygghetsalarm", "trygghetsalarm", "skjermbesok"],
                            "annual_cost_nok": [100_000.0, 200_000.0, 100_000.0]})
    systems = pd.DataFrame({"service_area": [], "annual_cost_nok": []})
    lots = [_lot(cats=["trygghetsalarm"]), _lot(cats=["skjermbesok"])]
    values = lot_values(_assembly(1_000_000, lots, systems, welfare), lots)
    assert values == [Decimal("750000"), Decimal("250000")]  # 300 000 : 100 000


def test_rounded_lot_values_give_the_remainder_to_the_last_lot():
    welfare = pd.DataFrame({"category": ["a", "b", "c"], "annual_cost_nok": [1.0, 1.0, 1.0]})
    lots = [_lot(cats=["a"]), _lot(cats=["b"]), _lot(cats=["c"])]
    values = lot_values(_assembly(100, lots, pd.DataFrame(columns=["service_area", "annual_cost_nok"]),
                                          welfare), lots)
    assert values == [Decimal("33"), Decimal("33"), Decimal("34")] and sum(values) == 100


def test_a_lot_without_known_cost_refuses_a_split_rather_than_guessing_one():
    welfare = pd.DataFrame({"category": ["a"], "annual_cost_nok": [1.0]})
    lots = [_lot(cats=["a"]), _lot(cats=["b"])]
    with pytest.raises(LotValueError, match="anslått verdi per delkontrakt kan ikke beregnes"):
        lot_values(_assembly(100, lots, pd.DataFrame(columns=["service_area", "annual_cost_nok"]),
                                     welfare), lots)


def test_explanations_follow_the_shape_of_the_rule():
    assert ev.explain("count(cbc:X) > 0", "BT-21-Procedure") == (
        "Tittel (BT-21-Procedure) mangler; feltet er påkrevd i denne kunngjøringstypen")
    assert ev.explain("count(cbc:X) = 0", "BT-21-Lot") == "Tittel (BT-21-Lot) skal ikke være med i denne kunngjøringstypen"
    assert ev.explain("matches(., '^x$')", "BT-9999") == (
        "BT-9999 oppfyller ikke eForms-regelen (se regelen i eForms SDK 1.15.1)")


def test_a_negotiated_procedure_states_requests_to_participate_not_a_tender_deadline():
    facts = _facts(procedure="neg-w-call", participation_deadline=dt.date(2027, 2, 20), minimum_candidates=3)
    xml = eforms.notice_xml(facts)
    assert ev.check(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(".//{*}ParticipationRequestReceptionPeriod/{*}EndDate") == "2027-02-20+01:00"
    assert root.find(".//{*}TenderSubmissionDeadlinePeriod") is None and root.find(".//{*}OpenTenderEvent") is None
    assert root.findtext(".//{*}EconomicOperatorShortList/{*}MinimumQuantity") == "3"
    assert root.findtext(".//{*}NoFurtherNegotiationIndicator") == "true"


def test_conditional_rules_are_explained_as_conditional():
    assert ev.explain("count(cbc:NoFurtherNegotiationIndicator) > 0 or not(../x = 'neg-w-call')", "BT-120-Lot") == (
        "Tildeling uten forhandling (BT-120-Lot) mangler; feltet er påkrevd for denne prosedyren "
        "eller med de andre opplysningene")
    assert ev.explain("count(cac:A/cbc:B) = 0 or (../x = ('open','oth-single'))", "BT-98-Lot") == (
        "Vedståelsesfrist (BT-98-Lot) skal ikke være med for denne prosedyren eller med de andre opplysningene")
    assert ev.explain("normalize-space(.) = ('la', 'ra')", "BT-11") == (
        "Oppdragsgiverens rettslige form (BT-11) har en kode som ikke finnes i eForms-kodelisten")
