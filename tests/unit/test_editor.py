"""Editors driven from Python: set widget values, press the buttons, read the files back."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from digireform import cli, sync
from digireform.notebook import ProfileEditor, TableEditor, editors
from digireform.validate.region import load
from tests.support.regionfiles import copy_example, named_system, welfare_row

PROFILE = {"population": {"year": 2025, "source": "SSB", "total": 1400},
           "contacts": [{"role": "IKT", "name": "Kari", "email": "kari@example.no", "phone": "1"}]}


def system(sid: str, product: str, users: str = "10") -> dict:
    return named_system(sid, product, users, vendor="Lev AS", function="F")


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
    assert [(r["system_id"], r["users"]) for r in rows] == [("B", "77")]


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
    assert "population.total" in ed.population_messages.value
    ed.contacts.select(0)
    ed.contacts.fields["email"].value = "ikke-epost"
    assert "er ikke en e-postadresse" in ed.contacts.messages.value
    assert not ed.save()
    assert path.read_bytes() == before


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
    assert ambiguous in ed.targets.messages.value
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
    assert "1500" in second.conflict.html.value and "1600" in second.conflict.html.value
    second.conflict.theirs.click()
    assert yaml.safe_load((data / "municipalities/1853-evenes/kommune.yaml").read_text("utf-8"))["population"]["total"] == 1500


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
