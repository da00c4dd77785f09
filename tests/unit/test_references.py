"""model.references: which rows point to a system, named for people."""
from __future__ import annotations

from digireform.model.references import Reference, references_text, referring_rows, removal_refused
from tests.support.regionfiles import named_system


def test_rows_that_point_to_a_system_in_file_order():
    rows = [named_system("EVE-004", "Visma Flyt Skole"),
            named_system("EVE-005", "Vigilo", integrations="EVE-004; EVE-006"),
            named_system("EVE-006", "Public 360", integrations="EVE-0044"),  # a longer id is another id
            named_system("EVE-013", "Visma InSchool", integrations="EVE-004"),
            named_system("EVE-014", "Selv", integrations="EVE-014")]
    refs = referring_rows(rows, "EVE-004", "systems")
    assert refs == [Reference(1, "EVE-005", "integrations"), Reference(3, "EVE-013", "integrations")]
    assert references_text(refs, "systems") == "EVE-005 og EVE-013 viser til dette systemet (Integrasjoner)"
    assert removal_refused(rows[0], refs, "systems") == (
        "EVE-004 Visma Flyt Skole kan ikke slettes: EVE-005 og EVE-013 viser til dette systemet (Integrasjoner). "
        "Fjern henvisningene der først, og slett så.")
    assert referring_rows(rows, "EVE-014", "systems") == []  # a row pointing to itself goes with it
    assert referring_rows(rows, "EVE-006", "systems") == [Reference(1, "EVE-005", "integrations")]


def test_welfare_rows_have_no_ids_to_point_to():
    assert referring_rows([{"category": "trygghetsalarm"}], "trygghetsalarm", "welfare") == []
    assert references_text([], "systems") == ""
