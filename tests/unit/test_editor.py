"""Editors driven from Python: set widget values, press the buttons, read the files back."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import ipywidgets as w
import yaml

from digireform import cli, sync
from digireform.notebook import ProfileEditor, TableEditor, editors
from digireform.validate.region import load
from tests.support.regionfiles import copy_example, named_system, welfare_row

PROFILE = {"population": {"year": 2025, "source": "SSB", "total": 1400},
           "contacts": [{"role": "IKT", "name": "Kari", "email": "kari@example.no", "phone": "1"}]}


def system(sid: str, product: str, users: str = "10", **overrides: str) -> dict:
    return named_system(sid, product, users, vendor="Lev AS", function="F", **overrides)


EVENES = {  # region_builder(**EVENES): Evenes with systems A and B and one welfare row
    "municipalities": {"1853": PROFILE},
    "systems": [system("A", "Alfa"), system("B", "Beta")],
    "welfare": [welfare_row(vendor="", units_in_use="10", units_needed="20", response_service="own",
                            annual_cost_nok="", contract_end="", notice_months="")],
}


def systems_file(data: Path) -> Path:
    return data / "municipalities" / "1853-evenes" / "systems.csv"


def fill(editor: TableEditor, **values: str) -> None:
    for key, value in values.items():
        editor.fields[key].value = value


def test_code_lists_are_dropdowns_with_norwegian_labels(tmp_path, region_builder):
    ed = TableEditor(region_builder(**EVENES), "systems")
    assert ("I drift", "operational") in ed.fields["lifecycle"].options
    assert ("Skytjeneste", "saas") in ed.fields["hosting"].options
    assert ed.fields["lifecycle"].description == "Livsløp *"
    assert "<th>Tjenesteområde</th>" in ed.table.value and "<td>Felles infrastruktur</td>" in ed.table.value


def test_add_row_through_form(tmp_path, region_builder):
    data = region_builder(**EVENES)
    ed = TableEditor(data, "systems")
    ed.new_button.click()
    fill(ed, system_id="C", product="Gamma", service_area="sak_arkiv", lifecycle="operational",
         users="1 200", annual_cost_nok="12 500,50", contract_end="31.12.2027")
    assert ed.check() == {}
    ed.save_button.click()
    rows = sync.load_table(data, "1853", "systems").rows
    assert [r["system_id"] for r in rows] == ["A", "B", "C"]
    assert (rows[2]["users"], rows[2]["annual_cost_nok"], rows[2]["contract_end"]) == ("1200", "12500.50", "2027-12-31")
    assert "Lagret" in ed.status.value and ed.selected == 2
    assert load(data).problems == []


def test_bad_value_refused_with_message_file_unchanged(tmp_path, region_builder):
    data = region_builder(**EVENES)
    before = systems_file(data).read_bytes()
    ed = TableEditor(data, "systems")
    ed.select(0)
    fill(ed, users="mange", contract_end="2027-02-30")
    assert "«mange» er ikke et heltall" in ed.messages["users"].value
    assert "ikke en gyldig kalenderdato" in ed.messages["contract_end"].value
    ed.save_button.click()
    assert systems_file(data).read_bytes() == before
    assert "Ikke lagret" in ed.status.value
    ed.new()
    fill(ed, system_id="A", product="Dobbel", service_area="felles", lifecycle="operational")
    assert "er brukt før" in ed.messages["system_id"].value
    assert not ed.save() and systems_file(data).read_bytes() == before


def test_edit_and_delete(tmp_path, region_builder):
    data = region_builder(**EVENES)
    ed = TableEditor(data, "systems")
    ed.rows.value = 1  # pick B in the list
    assert ed.fields["product"].value == "Beta"
    fill(ed, users="77")
    ed.save_button.click()
    ed.rows.value = 0
    ed.delete_button.click()
    rows = sync.load_table(data, "1853", "systems").rows
    assert [(r["system_id"], r["users"]) for r in rows] == [("A", "10"), ("B", "77")]  # asked first
    assert ed.question.visible and ed.question.html.value == "<b>Slett A Alfa?</b>"
    ed.question.button("Ja, slett").click()
    rows = sync.load_table(data, "1853", "systems").rows
    assert [(r["system_id"], r["users"]) for r in rows] == [("B", "77")]
    assert not ed.question.visible and ed.selected is None


def test_delete_cancelled_changes_nothing(tmp_path, region_builder):
    data = region_builder(**EVENES)
    before = systems_file(data).read_bytes()
    ed = TableEditor(data, "systems")
    ed.rows.value = 1
    ed.delete_button.click()
    assert "Slett B Beta?" in ed.question.html.value
    ed.question.button("Avbryt").click()
    assert systems_file(data).read_bytes() == before
    assert not ed.question.visible and ed.selected == 1 and "Ikke slettet" in ed.status.value


def test_delete_of_a_system_others_point_to_names_them(tmp_path, region_builder):
    data = region_builder(**{**EVENES, "systems": [system("A", "Alfa"), system("B", "Beta", integrations="A"),
                                                   system("C", "Gamma", integrations="B;A")]})
    before = systems_file(data).read_bytes()
    ed = TableEditor(data, "systems")
    ed.rows.value = 0
    ed.delete_button.click()
    assert not ed.question.visible  # not offered: the rows that point to it are named instead
    assert "A Alfa kan ikke slettes: B og C viser til dette systemet (Integrasjoner)." in ed.status.value
    assert "peker på" not in ed.status.value
    assert systems_file(data).read_bytes() == before


def test_delete_refused_when_someone_else_added_a_reference_meanwhile(tmp_path, region_builder):
    data = region_builder(**EVENES)
    mine, other = TableEditor(data, "systems"), TableEditor(data, "systems")
    other.select(0)
    fill(other, integrations="B")  # A now points to B, saved while I was about to delete B
    assert other.save()
    after_other = systems_file(data).read_bytes()
    mine.rows.value = 1
    mine.delete_button.click()  # my snapshot knows no reference yet: I am asked
    mine.question.button("Ja, slett").click()
    assert systems_file(data).read_bytes() == after_other  # the save path refused it
    assert (f"{systems_file(data)}: System-ID: B Beta kan ikke slettes: A viser til dette systemet (Integrasjoner)."
            in mine.status.value)


def test_switching_rows_with_unsaved_edits_asks(tmp_path, region_builder):
    data = region_builder(**EVENES)
    before = systems_file(data).read_bytes()
    ed = TableEditor(data, "systems")
    ed.rows.value = 1  # nothing edited yet: switches without asking
    assert ed.selected == 1 and not ed.question.visible
    ed.rows.value = 0
    fill(ed, users="50")
    ed.rows.value = 1
    assert ed.question.html.value == "<b>Du har endringer som ikke er lagret i A:</b>"
    assert [b.description for b in ed.question.buttons.children] == ["Lagre", "Forkast", "Avbryt"]
    assert ed.selected == 0 and ed.fields["users"].value == "50"
    ed.question.button("Avbryt").click()
    assert (ed.selected, ed.rows.value, ed.fields["users"].value) == (0, 0, "50")
    ed.rows.value = 1
    ed.question.button("Forkast").click()
    assert (ed.selected, ed.fields["product"].value) == (1, "Beta")
    assert systems_file(data).read_bytes() == before
    fill(ed, users="60")
    ed.rows.value = 0
    ed.question.button("Lagre").click()
    assert [r["users"] for r in sync.load_table(data, "1853", "systems").rows] == ["10", "60"]
    assert (ed.selected, ed.fields["product"].value) == (0, "Alfa")


def test_reload_new_row_and_municipality_switch_ask_too(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": PROFILE, "1806": {}},
                          systems={"1853": [system("A", "Alfa")], "1806": [system("N", "Narvik-system")]})
    ed = TableEditor(data, "systems", "1853")
    ed.select(0)
    fill(ed, users="5")
    ed.reload_button.click()
    assert "lagret i A" in ed.question.html.value
    ed.question.button("Avbryt").click()
    ed.new_button.click()
    assert ed.question.visible
    ed.question.button("Forkast").click()
    assert ed.selected is None and ed.fields["users"].value == ""
    fill(ed, system_id="NY")
    ed.municipality.value = "1806"
    assert "lagret i den nye raden" in ed.question.html.value
    ed.question.button("Avbryt").click()
    assert ed.municipality.value == "1853" and ed.snapshot.number == "1853" and ed.fields["system_id"].value == "NY"
    ed.municipality.value = "1806"
    ed.question.button("Forkast").click()
    assert ed.snapshot.number == "1806" and [r["system_id"] for r in ed.snapshot.rows] == ["N"]


def test_two_editors_change_different_fields_of_one_row_both_kept(tmp_path, region_builder):
    data = region_builder(**EVENES)
    first, second = TableEditor(data, "systems"), TableEditor(data, "systems")
    first.select(0)
    second.select(0)
    fill(first, users="50")
    assert first.save()
    fill(second, annual_cost_nok="45 000")
    assert second.save()
    a = sync.load_table(data, "1853", "systems").rows[0]
    assert (a["users"], a["annual_cost_nok"]) == ("50", "45000")
    assert "endringene deres er beholdt" in second.status.value
    assert (second.fields["users"].value, second.fields["annual_cost_nok"].value) == ("50", "45000")


def test_row_deleted_by_another_while_i_edit_it_is_a_conflict(tmp_path, region_builder):
    data = region_builder(**EVENES)
    first, second = TableEditor(data, "systems"), TableEditor(data, "systems")
    second.select(1)
    first.select(1)
    first.delete_button.click()
    first.question.button("Ja, slett").click()
    after_delete = systems_file(data).read_bytes()
    fill(second, users="99")
    assert not second.save()
    assert systems_file(data).read_bytes() == after_delete  # not brought back behind the other's back
    shown = second.conflict.html.value
    assert "<p><b>B</b> (den andre slettet raden)</p>" in shown
    assert "<tr><td>Antall brukere</td><td>10</td><td><b>99</b></td><td><i>tom</i></td></tr>" in shown
    second.conflict.theirs.click()  # keep the other's deletion
    assert [r["system_id"] for r in sync.load_table(data, "1853", "systems").rows] == ["A"]
    assert second.selected is None and second.conflict.box.layout.display == "none"


def test_welfare_delete_asks_with_the_rows_words(tmp_path, region_builder):
    data = region_builder(**EVENES)
    ed = TableEditor(data, "welfare")
    ed.select(0)
    ed.delete_button.click()
    assert ed.question.html.value == "<b>Slett Trygghetsalarm – I bruk – Careium?</b>"
    ed.question.button("Ja, slett").click()
    assert sync.load_table(data, "1853", "welfare").rows == []


def test_conflict_panel_shows_labels_not_codes(tmp_path, region_builder):
    data = region_builder(**EVENES)
    first, second = TableEditor(data, "systems"), TableEditor(data, "systems")
    first.select(0)
    second.select(0)
    fill(first, hosting="hosted", annual_cost_nok="45000")
    assert first.save()
    fill(second, hosting="on_prem", users="3")
    assert not second.save()
    shown = second.conflict.html.value
    assert ("<tr><td>Driftsform</td><td>Skytjeneste</td><td><b>Lokal drift</b></td>"
            "<td><b>Driftet hos leverandør</b></td></tr>") in shown
    assert "saas" not in shown and "on_prem" not in shown and "hosting" not in shown
    assert "Antall brukere" not in shown  # users changed only by us: merged, not a conflict
    second.conflict.mine.click()
    a = sync.load_table(data, "1853", "systems").rows[0]
    assert (a["hosting"], a["users"], a["annual_cost_nok"]) == ("on_prem", "3", "45000")


def test_invalid_code_in_the_file_lists_the_choices_in_words(tmp_path, region_builder):
    data = region_builder(**{**EVENES, "systems": [system("A", "Alfa", hosting="cloud")]})
    ed = TableEditor(data, "systems")
    ed.select(0)
    assert ed.check()["hosting"] == ["«cloud» er ikke en gyldig kode; gyldige: Lokal drift (on_prem), "
                                     "Driftet hos leverandør (hosted), Skytjeneste (saas), Hybrid (hybrid)"]


def _all_widgets(root: w.Widget) -> list[w.Widget]:
    out, todo = [], [root]
    while todo:
        widget = todo.pop()
        out.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return out


def test_labels_and_buttons_are_never_cut(tmp_path, region_builder):
    data = region_builder(**EVENES)
    tabs = editors(data, "1853")
    tabs.editors[0].delete_button.click()  # no row chosen: asks nothing; a question's buttons are checked below
    tabs.editors[0].select(0)
    tabs.editors[0].delete_button.click()
    every = [x for x in _all_widgets(tabs) if isinstance(x, w.DOMWidget)]
    buttons = [x for x in every if isinstance(x, w.Button)]
    assert {"Lagre kommuneprofil", "Behold den andres", "Ja, slett", "Avbryt"} <= {b.description for b in buttons}
    assert all(b.layout.width == "auto" for b in buttons)
    described = [x for x in every if getattr(x, "description", "") and not isinstance(x, w.Button)]
    assert "Årlig kostnad (kr eks. mva)" in {x.description for x in described}
    assert all(x.style.description_width == "initial" for x in described)


def test_second_saver_sees_conflict_and_chooses(tmp_path, region_builder):
    data = region_builder(**EVENES)
    first, second = TableEditor(data, "systems"), TableEditor(data, "systems")
    first.select(0)
    second.select(0)
    fill(first, users="50")
    first.save_button.click()
    after_first = systems_file(data).read_bytes()
    fill(second, users="7")
    second.save_button.click()
    assert systems_file(data).read_bytes() == after_first
    assert second.conflict.box.layout.display == "flex"
    shown = second.conflict.html.value
    assert "Antall brukere" in shown and "<b>7</b>" in shown and "<b>50</b>" in shown
    second.conflict.mine.click()
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "7"
    assert second.conflict.box.layout.display == "none"


def test_different_rows_from_two_editors_both_kept(tmp_path, region_builder):
    data = region_builder(**EVENES)
    first, second = TableEditor(data, "systems"), TableEditor(data, "systems")
    first.select(0)
    fill(first, users="50")
    first.save_button.click()
    second.select(1)
    fill(second, users="60")
    second.save_button.click()
    assert [r["users"] for r in sync.load_table(data, "1853", "systems").rows] == ["50", "60"]
    assert "endringene deres er beholdt" in second.status.value


def test_welfare_editor_adds_row(tmp_path, region_builder):
    data = region_builder(**EVENES)
    ed = TableEditor(data, "welfare")
    assert ("Trygghetsalarm", "trygghetsalarm") in ed.fields["category"].options
    ed.new()
    fill(ed, category="digitalt_tilsyn", status="need", units_needed="15", priority="4")
    assert "for stort" in ed.messages["priority"].value
    fill(ed, priority="2")
    assert ed.save()
    rows = sync.load_table(data, "1853", "welfare").rows
    assert [(r["category"], r["status"], r["units_needed"]) for r in rows][-1] == ("digitalt_tilsyn", "need", "15")


def test_profile_editor_population_digitalisation_targets(tmp_path, region_builder):
    data = region_builder(**EVENES)
    ed = ProfileEditor(data, "1853")
    ed.population["total"].value = "1410"
    for band, n in zip(("0-17", "18-66", "67-79", "80+"), ("300", "800", "200", "110"), strict=True):
        ed.age_bands[band].value = n
    ed.digitalisation["innbygger"].value = "mostly_digital"
    ed.targets.add_button.click()
    t = ed.targets.fields
    t["id"].value, t["text"].value, t["metric"].value = "T1", "Mer digital post", "digital_post_share"
    t["target"].value, t["deadline"].value = "0,85", "31.12.2027"
    assert ed.check() == []
    ed.save_button.click()
    saved = yaml.safe_load((data / "municipalities/1853-evenes/kommune.yaml").read_text("utf-8"))
    assert saved["population"] == {"year": 2025, "source": "SSB", "total": 1410,
                                   "age_bands": {"0-17": 300, "18-66": 800, "67-79": 200, "80+": 110}}
    assert saved["digitalisation"] == {"innbygger": "mostly_digital"}
    assert saved["targets"] == [{"id": "T1", "text": "Mer digital post", "metric": "digital_post_share",
                                 "target": 0.85, "deadline": dt.date(2027, 12, 31)}]
    assert saved["contacts"][0]["name"] == "Kari"  # untouched parts kept


def test_profile_bad_value_refused(tmp_path, region_builder):
    data = region_builder(**EVENES)
    path = data / "municipalities/1853-evenes/kommune.yaml"
    before = path.read_bytes()
    ed = ProfileEditor(data, "1853")
    ed.population["total"].value = "mange"
    assert "Innbyggere i alt: «mange»" in ed.population_messages.value
    ed.contacts.select(0)
    ed.contacts.fields["email"].value = "ikke-epost"
    assert "er ikke en e-postadresse" in ed.contacts.messages.value
    assert not ed.save()
    assert path.read_bytes() == before


def test_profile_invalid_level_in_the_file_named_in_words(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": {**PROFILE, "digitalisation": {"sak_arkiv": "lots"}}})
    ed = ProfileEditor(data, "1853")
    shown = ed.digitalisation_messages.value
    assert ("Digitaliseringsgrad, Sak og arkiv: «lots» er ikke et gyldig nivå; gyldige: Helt digitalt (all_digital), "
            "Hovedsakelig digitalt (mostly_digital), Hovedsakelig papir (mostly_paper), Helt papir (all_paper)") in shown


def test_profile_target_ambiguous_number_named_not_saved(tmp_path, region_builder):
    """«30.000» in a target is refused with the reason (thirty thousand or thirty?), never stored as 30.0."""
    data = region_builder(**EVENES)
    path = data / "municipalities/1853-evenes/kommune.yaml"
    before = path.read_bytes()
    ed = ProfileEditor(data, "1853")
    ed.targets.add_button.click()
    t = ed.targets.fields
    t["id"].value, t["text"].value, t["metric"].value = "T1", "Mer digital post", "digital_post_share"
    t["deadline"].value, t["target"].value = "31.12.2027", "30.000"
    assert ed.model["targets"][0]["target"] == "30.000"
    ambiguous = ("targets.target: «30.000» er tvetydig (tusenskille eller desimaltegn?): skriv 30000 eller 30 000 "
                 "hvis du mener tretti tusen, 30,0 hvis du mener tretti")
    assert [f"{p.field}: {p.message}" for p in ed.check()] == [ambiguous]
    assert ambiguous.replace("targets.target:", "Mål:") in ed.targets.messages.value
    assert not ed.save()
    assert "er tvetydig" in ed.status.value
    assert path.read_bytes() == before


def test_profile_editor_unreadable_file_shown_in_status(tmp_path, region_builder):
    """A kommune.yaml that cannot be read is named in the status box, not a traceback; nothing is saved."""
    data = region_builder(**EVENES)
    path = data / "municipalities/1853-evenes/kommune.yaml"
    path.write_text('number: "1853"\nname: Evenes: Bjerkvik\n', encoding="utf-8")
    before = path.read_bytes()
    ed = ProfileEditor(data, "1853")
    assert f"{path}:2: (fil): ugyldig YAML: kolon på et sted der det ikke er lov" in ed.status.value
    ed.population["total"].value = "1500"
    assert not ed.save()
    assert path.read_bytes() == before
    path.unlink()
    ed.load()
    assert f"{path} finnes ikke." in ed.status.value


def test_profile_conflict_shown_to_second_saver(tmp_path, region_builder):
    data = region_builder(**EVENES)
    first, second = ProfileEditor(data, "1853"), ProfileEditor(data, "1853")
    first.population["total"].value = "1500"
    assert first.save()
    second.population["total"].value = "1600"
    assert not second.save()
    shown = second.conflict.html.value
    assert ("<tr><td>Folketall</td><td>År: 2025, Kilde: SSB, Innbyggere i alt: 1 400</td>"
            "<td><b>År: 2025, Kilde: SSB, Innbyggere i alt: 1 600</b></td>"
            "<td><b>År: 2025, Kilde: SSB, Innbyggere i alt: 1 500</b></td></tr>") in shown
    second.conflict.theirs.click()
    assert yaml.safe_load((data / "municipalities/1853-evenes/kommune.yaml").read_text("utf-8"))["population"]["total"] == 1500


def test_profile_reload_with_unsaved_edits_asks(tmp_path, region_builder):
    data = region_builder(**EVENES)
    path = data / "municipalities/1853-evenes/kommune.yaml"
    before = path.read_bytes()
    ed = ProfileEditor(data, "1853")
    ed.reload_button.click()  # nothing changed: reloads without asking
    assert not ed.question.visible
    ed.population["total"].value = "1500"
    ed.reload_button.click()
    assert ed.question.html.value == "<b>Du har endringer som ikke er lagret i kommuneprofilen for Evenes:</b>"
    ed.question.button("Avbryt").click()
    assert ed.population["total"].value == "1500" and path.read_bytes() == before
    ed.reload_button.click()
    ed.question.button("Forkast").click()
    assert ed.population["total"].value == "1400" and path.read_bytes() == before
    ed.population["total"].value = "1500"
    ed.reload_button.click()
    ed.question.button("Lagre").click()
    assert yaml.safe_load(path.read_text("utf-8"))["population"]["total"] == 1500 and not ed.dirty()


def test_added_system_appears_in_report_json(tmp_path, capsys):
    copy_example(tmp_path, ["municipalities"])
    tabs = editors(tmp_path, "1853")
    ed = tabs.editors[0]
    ed.new()
    fill(ed, system_id="EVE-NY", product="Nytt system", service_area="felles", lifecycle="operational")
    assert ed.save()
    assert cli.main(["report", "--json", "--data", str(tmp_path), "--as-of", "2026-11-23"]) == 0
    report = json.loads(capsys.readouterr().out)
    evenes = report["municipalities"]["1853"]
    assert "EVE-NY" in [r["system_id"] for r in ed.snapshot.rows]
    assert evenes["systems"] == sum(1 for r in ed.snapshot.rows if r["lifecycle"] != "retired")
    item = next(i for i in evenes["worklist"] if i["system_id"] == "EVE-NY")
    assert "vendor" in item["missing"]
