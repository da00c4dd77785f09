"""The tender's cost-sharing key from the data, and the partners' draft agreement (samarbeidsavtale)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from docx import Document

from digireform.model.errors import DigireformError
from digireform.tender.agreement import basis_values, shared_processing, tender_key
from digireform.tender.build import prepare
from digireform.tender.publish import build_agreement
from tests.support import tender as t

# Evenes: EVE-1 (skole_oppvekst) 40 users; welfare needed 60 alarms + 10 supervision = 70.
# Bjerkreim: BJE-1 30 users; 45 alarms needed. An explicit estimate of 600 000 over 4 + 2
# years is 100 000 kr a year.
ESTIMATE = "estimated_value_nok: 600000\n"


def _assembly(tender_file, sharing: str, extra: str = ""):
    path = tender_file(t.tender_yaml(extra=f"{ESTIMATE}cost_sharing: {sharing}\n{extra}"))
    return prepare(path, path.parents[2])


def test_users_key_from_the_systems_in_scope(tender_file):
    a = _assembly(tender_file, "{users: 100}")
    assert basis_values(a)["users"] == {"1853": 40.0, "1114": 30.0}
    key = tender_key(a)
    # 40/70 = 57,142…% and 30/70 = 42,857…%: hundredths 5714 + 4285 = 9999, the larger remainder gets 1
    assert [(s.name, s.percent, s.nok_per_year) for s in key.shares] == [
        ("Evenes", Decimal("57.14"), 57_143), ("Bjerkreim", Decimal("42.86"), 42_857)]
    assert key.amount_per_year == 100_000


def test_volume_key_counts_the_units_needed_in_scope(tender_file):
    a = _assembly(tender_file, "{volume: 100}")
    assert basis_values(a)["volume"] == {"1853": 70.0, "1114": 45.0}
    key = tender_key(a)
    assert [s.percent for s in key.shares] == [Decimal("60.87"), Decimal("39.13")]  # 70/115, 45/115
    assert sum(s.nok_per_year for s in key.shares) == 100_000


def test_a_tender_without_a_key_is_refused_by_name(tender_file):
    path = tender_file(t.tender_yaml(extra=ESTIMATE))
    with pytest.raises(DigireformError, match="har ingen fordelingsnøkkel"):
        tender_key(prepare(path, path.parents[2]))


def test_weights_not_summing_to_100_are_refused(tender_file):
    with pytest.raises(DigireformError, match="summerer til 80 %, ikke 100 %"):
        tender_key(_assembly(tender_file, "{users: 50, equal: 30}"))


def test_joint_controllership_only_where_partners_share_a_solution(tender_file):
    assert shared_processing(_assembly(tender_file, "{equal: 100}")) == []
    scope = """\
scope:
  service_areas: [skole_oppvekst]
  welfare_categories: [trygghetsalarm, responssenter]
"""
    path = tender_file(t.tender_yaml(scope=scope, extra=f"{ESTIMATE}cost_sharing: {{equal: 100}}\n"))
    assert shared_processing(prepare(path, path.parents[2])) == ["Responssenter"]


def test_the_agreement_names_parties_host_key_and_roles_and_nothing_confidential(tender_file, tmp_path):
    path = tender_file(t.tender_yaml(extra=f"{ESTIMATE}cost_sharing: {{users: 100}}\n"))
    out, _ = build_agreement(path, path.parents[2], tmp_path / "ut")
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["Evenes kommune", "964 965 137", "Vertskommune"] in cells
    assert ["Bjerkreim kommune", "", "Deltaker"] in cells
    assert ["Evenes", "40", "57,14 %", "57 143 kr"] in cells and ["Sum", "70", "100,00 %", "100 000 kr"] in cells
    assert "Evenes kommune er vertskommune" in text and "kommuneloven § 20-4" in text
    assert "ikke felles behandlingsansvar" in text and "Eksempeldata" in text
    everything = text + repr(cells)
    assert t.SECRET_CONTACT not in everything and t.SECRET_EMAIL not in everything
    assert t.SECRET_COST not in everything.replace(" ", "")


def test_nothing_is_written_when_the_key_is_refused(tender_file, tmp_path):
    path = tender_file(t.tender_yaml(extra=f"{ESTIMATE}cost_sharing: {{users: 60}}\n"))
    with pytest.raises(DigireformError):
        build_agreement(path, path.parents[2], tmp_path / "ut")
    assert not (tmp_path / "ut").exists()


def test_an_agreement_edited_by_hand_is_not_overwritten_without_asking(tender_file, tmp_path):
    from digireform.tender.manifest import OverwriteRefused

    path = tender_file(t.tender_yaml(extra=f"{ESTIMATE}cost_sharing: {{users: 100}}\n"))
    out, _ = build_agreement(path, path.parents[2], tmp_path / "ut")
    build_agreement(path, path.parents[2], tmp_path / "ut")  # unchanged since the last build: replaced quietly
    out.write_bytes(out.read_bytes() + b"\0")  # someone edits the draft
    edited = out.read_bytes()
    with pytest.raises(OverwriteRefused):
        build_agreement(path, path.parents[2], tmp_path / "ut")
    assert out.read_bytes() == edited
    build_agreement(path, path.parents[2], tmp_path / "ut", overwrite=True)
    assert out.read_bytes() != edited


def test_the_build_summary_ends_with_the_sharing_table(tender_file, tmp_path):
    from digireform.tender.build import build_tender, summary

    path = tender_file(t.tender_yaml(extra=f"{ESTIMATE}cost_sharing: {{users: 100}}\n"))
    text = summary(build_tender(path, path.parents[2], tmp_path / "ut"))
    lines = text.splitlines()
    assert "  Fordelingsnøkkel: brukere av systemene i omfanget (anslått verdi per år)" in lines
    assert lines[-2].split() == ["Sum", "70", "100,00", "%", "100", "000", "kr"]
    assert lines[-1].startswith("  Andelene er avrundet")
