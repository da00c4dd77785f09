"""Tender assembly on a small fixture: selection, traceability, volumes, value, thresholds."""
from __future__ import annotations

import datetime as dt

import pytest

from digireform import load
from digireform.model.errors import ValidationError
from digireform.tender.assembly import assemble
from digireform.tender.definition import load_tender
from digireform.tender.requirements import load_library
from tests.support.tender import SLA_REQUIREMENT, add_requirements, make_region, tender_yaml, write_tender

AS_OF = dt.date(2026, 11, 23)


def _assemble(tmp_path, **blocks):
    root = make_region(tmp_path)
    path = write_tender(root, tender_yaml(**blocks))
    return assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)


def test_selection_by_scope_include_exclude_and_trace(tmp_path):
    a = _assemble(tmp_path, extra="""\
        requirements:
          include: [PLAN-01]
          exclude: [TILSYN-01]
          weights: {SKOLE-01: 8}
        """)
    ids = [s.id for s in a.requirements]
    # category order of data/requirement_categories.yaml: avtale, integrasjon, funksjonelle, vt_trygghetsalarm
    assert ids == ["AVT-01", "HELSE-01", "SKOLE-01", "PLAN-01", "ALARM-01"]
    by = {s.id: s for s in a.requirements}
    assert by["AVT-01"].trace.reasons == ["gjelder alle anskaffelser"]
    assert by["AVT-01"].trace.participants == ["1853", "1114"]
    skole = by["SKOLE-01"]
    assert skole.weight == 8  # overridden from 5
    assert skole.trace.systems == ["Evenes: Visma Flyt Skole (EVE-1)", "Bjerkreim: Visma Flyt Skole (BJE-1)"]
    assert skole.trace.participants == ["1853", "1114"]
    # HELSE-01 applies to helse_velferd (not in scope) and trygghetsalarm (in scope)
    helse = by["HELSE-01"]
    assert helse.trace.reasons == ["omfang: Trygghetsalarm"]
    assert helse.trace.systems == []
    assert helse.trace.welfare == ["Trygghetsalarm: behov 105 enheter, økning 25, 2 kommuner"]
    assert by["PLAN-01"].trace.reasons == ["tatt med i anbudsdefinisjonen (include)"]
    assert by["ALARM-01"].weight is None


def test_trace_lists_only_participants_with_the_need(tmp_path):
    a = _assemble(tmp_path)
    tilsyn = next(s for s in a.requirements if s.id == "TILSYN-01")
    assert tilsyn.trace.participants == ["1853"]  # only Evenes has a digitalt_tilsyn need
    assert tilsyn.trace.welfare == ["Digitalt tilsyn: behov 10 enheter, økning 10, 1 kommuner"]


def test_volumes_value_and_confidential_left_out(tmp_path):
    a = _assemble(tmp_path, scope="""\
        scope:
          service_areas: [skole_oppvekst, helse_velferd]
          welfare_categories: [trygghetsalarm]
        """)
    # BJE-2 is only planned: not replaced. EVE-2 is confidential: counted, cost hidden.
    assert list(a.systems["system_id"]) == ["EVE-1", "EVE-2", "BJE-1"]
    assert a.systems.loc[a.systems["system_id"] == "EVE-2", "annual_cost_nok"].isna().all()
    assert a.confidential_left_out == 1
    # systems 100 000 + 80 000, welfare in use 200 000 + 100 000 = 480 000 a year; growth (FOA § 5-4):
    # trygghetsalarm Evenes 10 × 200 000/50 + Bjerkreim 15 × 100 000/30 = 90 000 a year;
    # 480 000 × 4 + 90 000 × 4 + (480 000 + 90 000) × 2 options = 3 420 000
    assert a.annual_cost_nok == 480_000
    assert a.estimated_value_nok == 3_420_000
    assert "1 system(er) unntatt offentlighet er ikke med i grunnlaget" in a.value_basis
    w = a.welfare.set_index("municipality")
    assert (int(w.at["1853", "in_use"]), int(w.at["1853", "needed"]), int(w.at["1853", "gap"])) == (50, 60, 10)
    assert (int(w.at["1114", "gap"]), int(w.at["1114", "target_year"])) == (15, 2027)
    per_year = a.welfare_per_year.set_index("year")
    assert int(per_year.at[2027, "units"]) == 45 and int(per_year.at[2028, "units"]) == 60
    p = a.participants.set_index("number")
    assert (p.at["1853", "systems_replaced"], p.at["1853", "users"]) == (2, 100)


@pytest.mark.parametrize(
    ("value", "publication", "band", "method"),
    [
        (1_299_999, "2025-06-02", "below_national", "limited"),
        (1_300_000, "2025-06-02", "national", "open"),  # at the threshold counts as crossing it
        (2_299_999, "2025-06-02", "national", "open"),
        (2_300_000, "2025-06-02", "eea", "open"),
    ],
)
def test_threshold_and_procedure_at_the_boundaries(tmp_path, value, publication, band, method):
    a = _assemble(
        tmp_path,
        extra=f"estimated_value_nok: {value}\nestimated_value_note: Anslag fra innkjøp.\n",
        timeline=f"timeline:\n  publication: {publication}\n  tender_deadline: 2025-08-01\n",
        contract="contract:\n  type: SSA-L\n  years: 2\n  start: 2025-10-01\n",
    )
    assert a.estimated_value_nok == value
    assert a.value_basis.startswith("Oppgitt verdi i anbudsdefinisjonen: ") and "Anslag fra innkjøp." in a.value_basis
    assert a.threshold.band == band
    assert a.threshold.procedure["ocds_method"] == method
    assert not a.threshold.warnings  # thresholds valid on that date
    if band == "eea":
        assert a.threshold.crossed.amount_nok == 2_300_000
        assert "FOA § 5-3" in a.threshold.crossed.source


NYNORSK_HOST = """\
    title: T
    description: D
    host: "1114"
    participants: ["1853", "1114"]
    """


def test_language_follows_the_host(tmp_path):
    a = _assemble(tmp_path)
    assert not a.nynorsk and a.language_note == "Dokumentet er skrevet på bokmål etter vertskommunens målform."
    ny = _assemble(tmp_path / "ny", head=NYNORSK_HOST)
    assert ny.nynorsk and ny.language_note == "Dokumentet er skrive på nynorsk etter målforma til vertskommunen."
    avt = next(s for s in ny.requirements if s.id == "AVT-01")
    assert ny.text(avt) == "Leverandøren skal godta SSA-L."
    alarm = next(s for s in ny.requirements if s.id == "ALARM-01")
    assert ny.text(alarm) == "Alarmen skal vere IP-basert."
    forced = _assemble(tmp_path / "tvunge", extra="language: nynorsk\n")
    assert forced.nynorsk
    assert forced.language_note == "Dokumentet er skrive på nynorsk etter valet i anbodsfila (målforma til vertskommunen: Bokmål)."


def test_nynorsk_build_refuses_a_requirement_without_nynorsk_text(tmp_path):
    """Never a mixed document: the build stops and names the requirement, its file and line."""
    root = make_region(tmp_path)
    lib = root / "procurement" / "requirements" / "krav.yaml"
    text = lib.read_text("utf-8")
    lib.write_text(text.replace('  text_nn: "Alarmen skal vere IP-basert."\n', ""), "utf-8")
    path = write_tender(root, tender_yaml(head=NYNORSK_HOST))
    with pytest.raises(ValidationError) as exc:
        assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)
    line = next(i for i, x in enumerate(lib.read_text("utf-8").splitlines(), start=1) if "id: ALARM-01" in x)
    (problem,) = exc.value.problems
    assert str(problem).endswith(f"procurement/requirements/krav.yaml:{line}: text_nn: ALARM-01 mangler nynorsk tekst (text_nn)")
    assert "skal skrives på nynorsk" in exc.value.message
    # the same library builds in bokmål
    bokmal = write_tender(root, tender_yaml(head=NYNORSK_HOST, extra="language: bokmal\n"), "bokmal.yaml")
    assert not assemble(load(root), load_tender(bokmal), load_library(root), as_of=AS_OF).nynorsk


# --------------------------------------------------------------------------- requirements per lot

LOTS = """\
lots:
  - {id: "1", title: Skolesystem, service_areas: [skole_oppvekst]}
  - {id: "2", title: Velferdsteknologi, welfare_categories: [trygghetsalarm, digitalt_tilsyn]}
"""
SCOPE_ALL = """\
    scope:
      service_areas: [skole_oppvekst, helse_velferd]
      welfare_categories: [trygghetsalarm, digitalt_tilsyn]
    """


def test_a_requirement_binds_the_lots_its_scope_meets(tmp_path):
    a = _assemble(tmp_path, scope=SCOPE_ALL, extra=LOTS)
    lots = {s.id: s.lots for s in a.requirements}
    # AVT-01 applies to all; HELSE-01 to helse_velferd (no lot) and trygghetsalarm (lot 2)
    assert lots == {"AVT-01": ["1", "2"], "HELSE-01": ["2"], "SKOLE-01": ["1"], "ALARM-01": ["2"], "TILSYN-01": ["2"]}
    assert [a.lot_label(s) for s in a.requirements] == ["Alle", "2", "1", "2", "2"]
    assert not any("delkontrakt" in w for w in a.warnings)


def test_a_requirement_no_lot_covers_binds_every_lot_with_a_warning(tmp_path):
    root = make_region(tmp_path)
    (root / "procurement" / "requirements" / "epj.yaml").write_text(
        '- id: EPJ-01\n  category: funksjonelle_krav\n  kind: skal\n  text: "EPJ skal ha journal."\n'
        '  text_nn: "EPJ skal ha journal."\n  applies_to: [helse_velferd]\n', "utf-8")
    path = write_tender(root, tender_yaml(scope=SCOPE_ALL, extra=LOTS))
    a = assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)
    assert next(s for s in a.requirements if s.id == "EPJ-01").lots == ["1", "2"]
    assert any(w.startswith("EPJ-01 gjelder en del av omfanget som ingen delkontrakt dekker") for w in a.warnings)


def test_the_tender_file_can_set_a_requirements_lots(tmp_path):
    a = _assemble(tmp_path, scope=SCOPE_ALL, extra=LOTS + "requirements:\n  lots: {AVT-01: [\"2\"], HELSE-01: [2]}\n")
    lots = {s.id: s.lots for s in a.requirements}
    assert lots["AVT-01"] == ["2"] and lots["HELSE-01"] == ["2"]


@pytest.mark.parametrize(("lots", "message"), [
    ('{ALARM-01: ["1"]}', "ALARM-01 gjelder Trygghetsalarm og kan ikke gjelde delkontrakt 1 «Skolesystem» (Skole og oppvekst)"),
    ('{ALARM-01: ["3"]}', "ukjent delkontrakt 3; delkontraktene er 1, 2"),
    ('{PLAN-01: ["1"]}', "PLAN-01 er ikke med i anbudet (utenfor omfanget eller tatt ut)"),
    ('{NEI-01: ["1"]}', "ukjent krav-ID NEI-01 (finnes ikke i kravbiblioteket)"),
])
def test_a_lot_a_requirement_cannot_bind_is_an_error_naming_both(tmp_path, lots, message):
    root = make_region(tmp_path)
    text = tender_yaml(scope=SCOPE_ALL, extra=LOTS + f"requirements:\n  lots: {lots}\n")
    path = write_tender(root, text)
    with pytest.raises(ValidationError) as exc:
        assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)
    line = next(i for i, x in enumerate(text.splitlines(), start=1) if x.startswith("  lots:"))
    (problem,) = exc.value.problems
    assert f"procurement/tenders/test.yaml:{line}: requirements.lots" in str(problem)
    assert str(problem).endswith(message)


def test_shipped_welfare_tender_alarm_requirements_bind_lot_1_only(example_region):
    region = load(example_region)
    tender = load_tender(example_region / "procurement" / "tenders" / "velferdsteknologi-2027.yaml")
    a = assemble(region, tender, load_library(example_region), as_of=AS_OF)
    lots = {s.id: s.lots for s in a.requirements}
    for rid in ["VT-RESP-01", *(f"VT-ALARM-0{i}" for i in range(1, 7))]:
        if rid in lots:
            assert lots[rid] == ["1"], rid
    assert "VT-RESP-01" in lots and "VT-ALARM-01" in lots


def test_a_contract_type_without_a_service_level_bilag_keeps_sla_requirements_in_bilag_1(tmp_path):
    root = make_region(tmp_path)
    add_requirements(root, SLA_REQUIREMENT)
    path = write_tender(root, tender_yaml(contract="contract:\n  type: SSA-K\n  years: 4\n  start: 2027-09-01\n"))
    a = assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)
    assert "SLA-01" in [s.id for s in a.in_bilag("requirements")] and a.in_bilag("service_levels") == []
    assert ("Avtaletypen SSA-K har ikke noe eget bilag for kravene i drift_sla i tender_documents.yaml; de står i "
            "kravspesifikasjonen (Bilag 1).") in a.warnings
    ssa_l = write_tender(root, tender_yaml(), "ssa-l.yaml")
    b = assemble(load(root), load_tender(ssa_l), load_library(root), as_of=AS_OF)
    assert [s.id for s in b.in_bilag("service_levels")] == ["SLA-01"]
    assert not any(w.startswith("Avtaletypen") for w in b.warnings)
