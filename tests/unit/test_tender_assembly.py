"""Tender assembly on a small fixture: selection, traceability, volumes, value, thresholds."""
from __future__ import annotations

import datetime as dt

import pytest

from digireform import load
from digireform.tender.assembly import assemble
from digireform.tender.definition import load_tender
from digireform.tender.requirements import load_library
from tests.support.tender import make_region, tender_yaml, write_tender

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


def test_language_follows_the_host(tmp_path):
    a = _assemble(tmp_path)
    assert not a.nynorsk and "bokmål" in a.language_note
    ny = _assemble(tmp_path / "ny", head="""\
        title: T
        description: D
        host: "1114"
        participants: ["1853", "1114"]
        """)
    assert ny.nynorsk and "nynorsk" in ny.language_note
    avt = next(s for s in ny.requirements if s.id == "AVT-01")
    assert ny.text(avt) == "Leverandøren skal godta SSA-L."
    alarm = next(s for s in ny.requirements if s.id == "ALARM-01")
    assert ny.text(alarm) == "Alarmen skal være IP-basert."  # no nynorsk text: bokmål
