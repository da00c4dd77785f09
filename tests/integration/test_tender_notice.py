"""`digireform tender notice` on the shipped tenders: both notices pass the eForms SDK's XSD and
schematron; missing data is refused with what to add, and nothing is written."""
from __future__ import annotations

import pytest
from lxml import etree

from digireform.model.errors import DigireformError
from digireform.tender.publish import build_notice, summary

pytestmark = pytest.mark.slow

TENDERS = {
    "velferdsteknologi-2027": ("open", "16", 4),
    "pleie-og-omsorg-epj-2027": ("neg-w-call", "16", 1),
}


@pytest.mark.parametrize("slug", sorted(TENDERS))
def test_each_shipped_tender_gives_a_valid_notice(example_region, tmp_path, slug):
    procedure, subtype, lots = TENDERS[slug]
    result = build_notice(example_region / "procurement" / "tenders" / f"{slug}.yaml", example_region, tmp_path / slug)
    root = etree.parse(str(result.path)).getroot()
    assert root.findtext(".//{*}ProcedureCode") == procedure
    assert root.findtext(".//{*}SubTypeCode") == subtype
    assert len(root.findall("{*}ProcurementProjectLot")) == lots
    buyers = root.findall("{*}ContractingParty")
    assert len(buyers) == 5  # every participant a buyer; the host leads the group
    assert [o.findtext(".//{*}GroupLeadIndicator") for o in root.iter("{*}Organization")][:5] == [
        "true", "false", "false", "false", "false"]
    lot_values = [float(e.text) for e in root.iterfind("{*}ProcurementProjectLot//{*}EstimatedOverallContractAmount")]
    total = float(root.findtext("{*}ProcurementProject/{*}RequestedTenderTotal/{*}EstimatedOverallContractAmount"))
    assert sum(lot_values) == total
    text = summary(result)
    assert "Gyldig etter eForms SDK 1.15.1" in text and "Narvik kommune kunngjør på vegne av de andre" in text
    # the shipped tenders keep tender.yaml's placeholder address: the officer is told before sending
    assert "Advarsel: Adressen til konkurransedokumentene (https://anbud.example.no/digireform/) er en plassholder" in text


def test_a_buyer_without_an_address_stops_the_notice_and_nothing_is_written(example_region, tmp_path):
    profile = example_region / "municipalities" / "1853-evenes" / "kommune.yaml"
    text = profile.read_text("utf-8")
    start = text.index("office:")
    end = text.index("population:")
    profile.write_text(text[:start] + text[end:], "utf-8")
    with pytest.raises(DigireformError) as info:
        build_notice(example_region / "procurement" / "tenders" / "velferdsteknologi-2027.yaml", example_region,
                     tmp_path / "ut")
    assert "Evenes: kommune.yaml mangler office.postal_zone, office.city, office.mailbox, office.switchboard" in str(info.value)
    assert not (tmp_path / "ut" / "eforms-contract-notice.xml").exists()


def test_no_placeholder_warning_once_the_tender_has_its_own_address():
    from types import SimpleNamespace

    from digireform.tender.publish import placeholder_warnings

    own = SimpleNamespace(tender=SimpleNamespace(publication={"base_url": "https://innkjop.narvik.kommune.no/anbud/"}))
    placeholder = SimpleNamespace(tender=SimpleNamespace(publication={"base_url": "https://anbud.example.no/digireform/"}))
    assert placeholder_warnings(own) == [] and len(placeholder_warnings(placeholder)) == 1
