"""Validation rules of the stored files (io.tables, validate.tables, validate.profile), each with a broken fixture and the exact message expected."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from digireform import sync
from digireform.io import paths
from digireform.io.atomic import atomic_write_text
from digireform.io.paths import folder_for, scan_folders
from digireform.model.errors import DigireformError, ValidationError
from digireform.sync import save_table
from digireform.validate.region import load, validate
from tests.support.labels import LEVELS_TEXT, SERVICE_AREAS_TEXT
from tests.support.regionfiles import columns, csv_line, csv_text, header, profile_yaml, system_row

PROFILE = profile_yaml("1853")  # number, name and example_data: true
NARVIK = 'number: "1806"\nname: Narvik\n'


def messages(root: Path) -> list[str]:
    """Problems with the file shown relative to the data dir, for stable assertions."""
    old = os.getcwd()
    os.chdir(root)
    try:
        return [str(p) for p in validate(root)]
    finally:
        os.chdir(old)


def scopes(root: Path) -> list[str]:
    """Each problem's scope (how much it leaves out), in the order of `messages`."""
    return [p.scope for p in validate(root)]


SYS = "municipalities/1853-evenes/systems.csv"


def test_valid_fixture_has_no_problems(tmp_path, region_builder):
    assert messages(region_builder()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"system_id": ""}, f"{SYS}:2: system_id: mangler (påkrevd felt)"),
        ({"product": ""}, f"{SYS}:2: product: mangler (påkrevd felt)"),
        ({"service_area": ""}, f"{SYS}:2: service_area: mangler (påkrevd felt)"),
        ({"lifecycle": ""}, f"{SYS}:2: lifecycle: mangler (påkrevd felt)"),
        ({"users": "1.5"}, f"{SYS}:2: users: «1.5» er ikke et heltall"),
        ({"users": "-1"}, f"{SYS}:2: users: «-1» er for lite (minst 0)"),
        ({"annual_cost_nok": "1 250 000,50"},
         f"{SYS}:2: annual_cost_nok: «1 250 000,50» er ikke et tall (punktum som desimaltegn, uten tusenskille)"),
        ({"annual_cost_nok": "-5"}, f"{SYS}:2: annual_cost_nok: «-5» er for lite (minst 0)"),
        ({"contract_end": "2027-02-30"}, f"{SYS}:2: contract_end: «2027-02-30» er ikke en gyldig kalenderdato"),
        ({"contract_end": "2026-02-29"}, f"{SYS}:2: contract_end: «2026-02-29» er ikke en gyldig kalenderdato"),
        ({"contract_end": "31.12.2026"}, f"{SYS}:2: contract_end: «31.12.2026» er ikke en dato på formen ÅÅÅÅ-MM-DD"),
        ({"notice_months": "x"}, f"{SYS}:2: notice_months: «x» er ikke et heltall"),
        ({"hosting": "cloud"}, f"{SYS}:2: hosting: «cloud» er ikke en gyldig kode; gyldige: Lokal drift (on_prem), "
         "Driftet hos leverandør (hosted), Skytjeneste (saas), Hybrid (hybrid)"),
        ({"lifecycle": "live"},
         f"{SYS}:2: lifecycle: «live» er ikke en gyldig kode; gyldige: Planlagt (planned), "
         "Innføres (phasing_in), I drift (operational), Fases ut (phasing_out), Avviklet (retired)"),
        ({"service_area": "helse"},
         f"{SYS}:2: service_area: «helse» er ikke en gyldig kode; gyldige: "
         f"{SERVICE_AREAS_TEXT}"),
        ({"personal_data": "yes"}, f"{SYS}:2: personal_data: «yes» er ikke en gyldig kode; gyldige: Ingen (none), "
         "Alminnelige (ordinary), Særlige kategorier (special)"),
        ({"dpa": "Ja"}, f"{SYS}:2: dpa: «Ja» er ikke en gyldig kode; gyldige: Ja (yes), Nei (no), Ikke nødvendig (not_needed)"),
        ({"confidential": "maybe"}, f"{SYS}:2: confidential: «maybe» er ikke en gyldig kode; gyldige: Ja (yes), Nei (no)"),
        ({"satisfaction": "6"}, f"{SYS}:2: satisfaction: «6» er for stort (høyst 5)"),
        ({"satisfaction": "0"}, f"{SYS}:2: satisfaction: «0» er for lite (minst 1)"),
        ({"vendor_orgnr": "974760674"},
         f"{SYS}:2: vendor_orgnr: «974760674» er ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer mod 11)"),
        ({"vendor_orgnr": "97476067"},
         f"{SYS}:2: vendor_orgnr: «97476067» er ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer mod 11)"),
        ({"integrations": "EVE-009"},
         f"{SYS}:2: integrations: peker på system-ID som ikke finnes i kommunens systems.csv: «EVE-009»"),
    ],
)
def test_each_field_rule(tmp_path, region_builder, changes, expected):
    assert messages(region_builder(systems=[system_row(**changes)])) == [expected]


def test_all_problems_are_collected_not_just_the_first(tmp_path, region_builder):
    rows = [system_row(users="x", hosting="sky"), system_row(system_id="EVE-002", contract_end="2026-13-01", satisfaction="9")]
    found = messages(region_builder(systems=rows))
    assert len(found) == 4
    assert found[0].startswith(f"{SYS}:2: hosting:")  # column order within a line
    assert found[-1].startswith(f"{SYS}:3: satisfaction:")


def test_duplicate_system_id_names_the_first_line(tmp_path, region_builder):
    rows = [system_row(), system_row(system_id="EVE-002"), system_row()]
    assert messages(region_builder(systems=rows)) == [f"{SYS}:4: system_id: «EVE-001» er brukt før, på linje 2"]


def test_same_system_id_in_two_municipalities_is_fine(tmp_path, region_builder):
    region_builder()
    region_builder(municipalities={"1806-narvik": NARVIK}, systems={"1806-narvik": [system_row()]})
    assert messages(tmp_path) == []


def test_integrations_point_within_the_municipality(tmp_path, region_builder):
    rows = [system_row(integrations="EVE-002; EVE-003"), system_row(system_id="EVE-002")]
    assert messages(region_builder(systems=rows)) == [
        f"{SYS}:2: integrations: peker på system-ID som ikke finnes i kommunens systems.csv: «EVE-003»"
    ]


def test_line_numbers_count_blank_lines(tmp_path, region_builder):
    region_builder(systems=[system_row(), "", system_row(system_id="EVE-002", users="many")])
    assert messages(tmp_path) == [f"{SYS}:4: users: «many» er ikke et heltall"]


def test_quoted_fields_and_stray_spaces(tmp_path, region_builder):
    rows = [system_row(notes="Merknad, med komma", hosting=" saas ")]
    region = load(region_builder(systems=rows))
    assert region.problems == []
    assert region.systems.loc[0, "notes"] == "Merknad, med komma"
    assert region.systems.loc[0, "hosting"] == "saas"


def test_wrong_number_of_fields(tmp_path, region_builder):
    """The bad row is named and left out; the file's other rows are still there."""
    region_builder(systems=[csv_line("systems", system_row()) + ",extra", system_row(system_id="EVE-002")])
    assert messages(tmp_path) == [f"{SYS}:2: (rad): har 20 felt, men overskriften har 19; raden er ikke lest"]
    assert scopes(tmp_path) == ["row"]
    assert list(load(tmp_path).systems["system_id"]) == ["EVE-002"]


def test_unknown_and_missing_columns(tmp_path, region_builder):
    d = region_builder() / "municipalities/1853-evenes"
    (d / "systems.csv").write_text("system_id,produkt,service_area,lifecycle\nEVE-001,X,felles,operational\n", "utf-8")
    found = messages(tmp_path)
    assert found[0].startswith(f"{SYS}:1: produkt: ukjent kolonne; gyldige kolonner: system_id, product,")
    assert found[1] == f"{SYS}:1: product: kolonnen mangler (påkrevd)"
    assert set(scopes(tmp_path)) == {"cell"}


def test_file_that_is_not_utf8_is_named_with_its_line(tmp_path, region_builder):
    d = region_builder() / "municipalities/1853-evenes"
    (d / "systems.csv").write_bytes(csv_text("systems", [system_row(vendor="Leverandør AS")]).encode("cp1252"))
    assert messages(tmp_path) == [f"{SYS}:2: (fil): ugyldig UTF-8 (byte 0xf8); lagre filen som UTF-8"]
    assert scopes(tmp_path) == ["file"]


def test_bom_is_refused(tmp_path, region_builder):
    d = region_builder() / "municipalities/1853-evenes"
    (d / "systems.csv").write_bytes(b"\xef\xbb\xbf" + csv_text("systems", [system_row()]).encode())
    assert messages(tmp_path) == [f"{SYS}:1: (fil): filen starter med BOM; lagre som UTF-8 uten BOM"]
    assert scopes(tmp_path) == ["cell"]  # every row is still read


YAML = "municipalities/1853-evenes/kommune.yaml"


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ('number: "9999"\nname: X\n', f"{YAML}:1: number: kommunenummer 9999 finnes ikke i kommuneregisteret (2025)"),
        ('number: "1806"\nname: Narvik\n', f"{YAML}:1: number: 1806 stemmer ikke med mappenavnet (1853-…)"),
        ("number: 1853\nname: Evenes\n", None),
        ('name: Evenes\nnumber: "18"\n', f"{YAML}:2: number: «18» er ikke et firesifret kommunenummer (skriv det i anførselstegn)"),
        ('number: "1853"\n', f"{YAML}:1: name: mangler (påkrevd felt)"),
        ('number: "1853"\nname: Evenes\nexample_data: kanskje\n', f"{YAML}:3: example_data: skal være true eller false"),
        ('number: "1853"\nname: Evenes\npopulation:\n  year: 2025\n  total: 1330\n  age_bands: {"0-17": 240, "18-66": 760, "67-79": 210, "80+": 100}\n',
         f"{YAML}:6: population.age_bands: summen av aldersgruppene (1310) er ikke lik total (1330)"),
        ('number: "1853"\nname: Evenes\ndigitalisation:\n  helse_velferd: paper\n',
         f"{YAML}:4: digitalisation.helse_velferd: «paper» er ikke et gyldig nivå; gyldige: "
         f"{LEVELS_TEXT}"),
        ('number: "1853"\nname: Evenes\ndigitalisation:\n  helse: all_paper\n',
         f"{YAML}:4: digitalisation: ukjent tjenesteområde «helse»; gyldige: "
         f"{SERVICE_AREAS_TEXT}"),
        ('number: "1853"\nname: Evenes\nchannels:\n  - year: 2025\n    phone_in: -3\n',
         f"{YAML}:5: channels.phone_in: «-3» er ikke et heltall ≥ 0"),
        ('number: "1853"\nname: Evenes\ntargets:\n  - {id: T1, text: X, metric: m, target: 0.7, deadline: 2027-02-30}\n',
         f"{YAML}:4: targets.deadline: «2027-02-30» er ikke en gyldig dato ÅÅÅÅ-MM-DD"),
        ('number: "1853"\nname: Evenes\ncontacts:\n  - {role: IKT, name: A, email: not-an-email}\n',
         f"{YAML}:4: contacts.email: «not-an-email» er ikke en e-postadresse"),
        ('number: "1853"\nname: [Evenes\n', f"{YAML}:3: (fil): ugyldig YAML: listen mangler komma eller avsluttende ]"),
        ('number: "1853"\nname: Evenes\npopulation:\n\ttotal: 10\n',
         f"{YAML}:4: (fil): ugyldig YAML: et tegn som ikke kan begynne en verdi (ofte en tabulator: bruk mellomrom "
         "til innrykk), eller tekst som må stå i anførselstegn"),
        ('number: "1853"\nname: Evenes\nnumber: "1806"\n',
         f"{YAML}:3: (fil): ugyldig YAML: nøkkelen «number» står to ganger (linje 1 og 3)"),
        ('number: "1853"\nname: Evenes\npopulation:\n  year: 2025\n  total: 10\n  total: 12\n',
         f"{YAML}:6: (fil): ugyldig YAML: nøkkelen «total» står to ganger (linje 5 og 6)"),
        ('number: "1853"\nname: Evenes\nname: X\ntargets:\n  - {id: T1, text: X, metric: m, target: 0.7, deadline: 2027-02-30}\n',
         f"{YAML}:3: (fil): ugyldig YAML: nøkkelen «name» står to ganger (linje 2 og 3)"),
        ('number: "1853"\nname: Evenes\ntargets:\n  - {id: T1, text: X, metric: m, target: 0.7, target: 0.9}\n',
         f"{YAML}:4: (fil): ugyldig YAML: nøkkelen «target» står to ganger på linje 4"),
        ('number: "1853"\nname: Evenes\ncontacts:\n  - {role: IKT, name: A, name: B}\n',
         f"{YAML}:4: (fil): ugyldig YAML: nøkkelen «name» står to ganger på linje 4"),
    ],
)
def test_profile_rules(tmp_path, region_builder, profile, expected):
    found = messages(region_builder(municipalities={"1853": profile}, systems=[system_row()]))
    assert found == ([] if expected is None else [expected])


def test_welfare_rules(tmp_path, region_builder):
    welfare = csv_text("welfare", [
        "trygghetsalarm,in_use,Safemate,Safemate AS,45,60,2028,1,own,90000,2027-12-31,6,",
        "gps,need,,,,10,2027,4,,,,,",
    ])
    found = messages(region_builder(systems=[system_row()], welfare=welfare))
    w = "municipalities/1853-evenes/welfare.csv"
    assert found[0].startswith(f"{w}:3: category: «gps» er ikke en gyldig kode; gyldige: Trygghetsalarm (trygghetsalarm),")
    assert found[1] == f"{w}:3: priority: «4» er for stort (høyst 3)"
    assert len(found) == 2


def test_load_gives_typed_frames(tmp_path, region_builder):
    region = load(region_builder())
    s = region.systems
    assert s.loc[0, "contract_end"] == pd.Timestamp("2027-06-30")
    assert str(s["users"].dtype) == "Int64" and s.loc[0, "users"] == 40
    assert s["annual_cost_nok"].dtype == "float64"
    assert isinstance(s["service_area"].dtype, pd.CategoricalDtype)
    assert list(s["hosting"].cat.categories) == ["on_prem", "hosted", "saas", "hybrid"]
    assert s.loc[0, "line"] == 2 and s.loc[0, "municipality"] == "1853"
    m = region.municipalities.loc["1853"]
    assert (m["name"], m["population"], m["adm_center"], m["language"]) == ("Evenes", 1330, "Bogen", "Bokmål")
    assert region.example_data is True


def test_contacts_are_kept_apart_from_profiles(tmp_path, region_builder):
    profile = PROFILE + "contacts:\n  - {role: IKT, name: Kari Hemmelig, email: kari@example.no}\n"
    region = load(region_builder(municipalities={"1853": profile}, systems=[system_row()]))
    assert "contacts" not in region.profiles["1853"]
    assert region.contacts["1853"][0]["name"] == "Kari Hemmelig"


def test_validate_writes_nothing(tmp_path, region_builder):
    root = region_builder(systems=[system_row(users="x")])
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    validate(root)
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert before == after


def test_save_round_trip_is_byte_identical(tmp_path, region_builder):
    root = region_builder(systems=[system_row(), system_row(system_id="EVE-002", annual_cost_nok="1250000.5", users="")])
    path = root / "municipalities/1853-evenes/systems.csv"
    original = path.read_bytes()
    region = load(root)
    save_table(root, "1853", "systems", region.systems)
    assert path.read_bytes() == original


def test_refused_save_changes_nothing(tmp_path, region_builder):
    root = region_builder()
    path = root / "municipalities/1853-evenes/systems.csv"
    original = path.read_bytes()
    rows = load(root).systems.copy()
    rows["satisfaction"] = rows["satisfaction"].astype(object)
    rows.loc[0, "satisfaction"] = 9
    with pytest.raises(ValidationError) as exc:
        save_table(root, "1853", "systems", rows)
    assert "satisfaction: «9» er for stort (høyst 5)" in str(exc.value)
    assert path.read_bytes() == original
    assert not list(path.parent.glob(".*.tmp"))


def test_atomic_write_failing_midway_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "f.csv"
    path.write_text("old\n", encoding="utf-8")

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        atomic_write_text(path, "new content that never lands\n")
    assert path.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]


def test_atomic_write_replaces_whole_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("old\n", encoding="utf-8")
    atomic_write_text(path, "new\n")
    assert path.read_text("utf-8") == "new\n"


def test_shipped_example_region_is_valid():
    region = load()
    assert region.problems == []
    assert set(region.numbers) == {"1853", "1806", "5512", "5516", "1851"}
    counts = region.systems.groupby("municipality").size()
    assert counts.between(25, 60).all()
    assert region.example_data
    assert set(region.systems["service_area"].dropna().unique()) == set(
        ["innbygger", "okonomi_personal", "sak_arkiv", "helse_velferd", "skole_oppvekst", "plan_bygg", "teknisk",
         "kultur", "felles"])
    per = region.welfare.groupby("municipality")["category"].nunique()
    assert (per == 8).all()


def test_save_profile_keeps_the_leading_comment(tmp_path, region_builder):
    root = region_builder(municipalities={"1853": "# EKSEMPELDATA: oppdiktet\n" + PROFILE}, systems=[system_row()])
    profile = sync.load_profile(root, "1853").data
    profile["population"] = {"year": 2025, "source": "SSB", "total": 1330}
    path = sync.profile_path(root, "1853")
    sync.write_profile(path, "1853", profile)
    text = path.read_text("utf-8")
    assert text.startswith("# EKSEMPELDATA: oppdiktet\n")
    assert load(root).profiles["1853"]["population"]["total"] == 1330


def test_survey_file_problems_are_validation_problems(tmp_path, region_builder):
    root = region_builder()
    (root / "municipalities/1853-evenes/survey.csv").write_bytes("survey,respondent\n2025,æ\n".encode("cp1252"))
    found = messages(root)
    assert found == ["municipalities/1853-evenes/survey.csv:2: (fil): ugyldig UTF-8 (byte 0xe6); lagre filen som UTF-8"]


def test_stray_spaces_without_quoting_are_stripped(tmp_path, region_builder):
    region = load(region_builder(systems=[system_row(hosting=" saas", users="40 ")]))
    assert region.problems == []
    assert (region.systems.loc[0, "hosting"], region.systems.loc[0, "users"]) == ("saas", 40)


def test_short_rows_leave_trailing_fields_empty(tmp_path, region_builder):
    region_builder(systems=["EVE-001,Visma Enterprise,Visma,,okonomi_personal,Lønn,saas,operational"])
    region = load(tmp_path)
    assert region.problems == []
    assert region.systems.loc[0, "users"] is pd.NA


def test_many_files_keep_their_own_line_numbers(tmp_path, region_builder):
    region_builder(systems=[system_row(), system_row(system_id="EVE-002")])
    region_builder(municipalities={"1806-narvik": NARVIK},
                   systems={"1806-narvik": [system_row(system_id="NAR-001"), system_row(system_id="NAR-002", users="x")]})
    assert messages(tmp_path) == ["municipalities/1806-narvik/systems.csv:3: users: «x» er ikke et heltall"]


# --------------------------------------------------------------------------- folders and links


def test_folder_without_number_is_named(tmp_path, region_builder):
    region_builder()
    (tmp_path / "municipalities" / "evenes").mkdir()
    (tmp_path / "municipalities" / ".ipynb_checkpoints").mkdir()  # hidden: not a municipality, no word
    assert messages(tmp_path) == ["municipalities/evenes: (mappe): mappenavnet skal være kommunenummer og navn, "
                                  "f.eks. 1853-evenes; mappen er ikke lest"]
    assert scopes(tmp_path) == ["folder"]


def test_two_folders_with_one_number_are_both_refused(tmp_path, region_builder):
    region_builder()
    region_builder(systems={"1853-evenes-kopi": [system_row()]})
    expected = "kommunenummer 1853 har flere mapper (1853-evenes, 1853-evenes-kopi); behold én; ingen av dem er lest"
    assert messages(tmp_path) == [f"municipalities/1853-evenes: (mappe): {expected}",
                                  f"municipalities/1853-evenes-kopi: (mappe): {expected}"]
    assert scopes(tmp_path) == ["folder", "folder"]
    assert load(tmp_path).numbers == []
    with pytest.raises(DigireformError, match="Kommune 1853 har flere mapper"):
        folder_for(tmp_path, "1853")


def test_symlinked_folder_is_not_a_municipality(tmp_path, region_builder):
    outside = region_builder(root=tmp_path / "outside", municipalities={"1806-narvik": NARVIK},
                             systems={"1806-narvik": [system_row()]})
    data = region_builder(root=tmp_path / "data")
    (data / "municipalities" / "1806-narvik").symlink_to(outside / "municipalities" / "1806-narvik")
    assert messages(data) == [
        "municipalities/1806-narvik: (mappe): er en symbolsk lenke; kommunemapper må ligge i datamappen "
        "(kopier mappen inn i stedet for å lenke til den); ikke lest"]
    region = load(data)
    assert region.numbers == ["1853"]
    assert [p.scope for p in region.problems] == ["folder"]


def test_unreadable_folder_is_an_error_not_skipped(tmp_path, region_builder, monkeypatch):
    region_builder()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: not str(p).endswith("1853-evenes") and real_access(p, mode))
    assert messages(tmp_path) == ["municipalities/1853-evenes: (mappe): mappen kan ikke leses (ingen lesetilgang); "
                                  "kommunen er ikke med"]
    assert scopes(tmp_path) == ["folder"]


def test_symlinked_data_file_is_not_read(tmp_path, region_builder):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    region_builder(root=tmp_path / "data")
    (tmp_path / "data" / "municipalities" / "1853-evenes" / "welfare.csv").symlink_to(secret)
    assert messages(tmp_path / "data") == [
        "municipalities/1853-evenes/welfare.csv: (fil): er en symbolsk lenke; datafiler må være vanlige filer i "
        "kommunemappen (lenken er ikke fulgt)"]
    assert scopes(tmp_path / "data") == ["file"]


def test_data_file_that_is_a_folder_is_named(tmp_path, region_builder):
    region_builder()
    (tmp_path / "municipalities" / "1853-evenes" / "welfare.csv").mkdir()
    assert messages(tmp_path) == ["municipalities/1853-evenes/welfare.csv: (fil): filen kan ikke leses "
                                  "(er en mappe, ikke en fil)"]
    assert scopes(tmp_path) == ["file"]


def test_data_file_without_access_is_named_in_norwegian(tmp_path, region_builder, monkeypatch):
    region_builder()
    real = Path.read_bytes

    def refuse(self):
        if self.name == "systems.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert messages(tmp_path) == ["municipalities/1853-evenes/systems.csv: (fil): filen kan ikke leses (ingen tilgang)"]


def test_municipalities_folder_that_cannot_be_listed_is_named_in_norwegian(tmp_path, region_builder, monkeypatch):
    region_builder()

    def refuse(path):
        raise OSError(5, "Input/output error", str(path))

    monkeypatch.setattr(paths.os, "scandir", refuse)
    assert [str(p) for p in scan_folders(tmp_path).problems] == [
        f"{tmp_path / 'municipalities'}: (mappe): mappen kan ikke leses (operativsystemet nektet med feilkode 5)"]
    assert [p.scope for p in scan_folders(tmp_path).problems] == ["folder"]


@pytest.mark.parametrize(("breakage", "scope"), [
    ("no kommune.yaml", "file"), ("invalid YAML", "file"), ("kommune.yaml a list", "file"),
    ("empty systems.csv", "file"), ("quote never closed", "file"), ("no municipalities/", "folder"),
])
def test_problems_that_leave_a_whole_file_or_folder_out_say_so(tmp_path, region_builder, breakage, scope):
    """`scope` is set where the problem is found (datacheck holds such data back by it)."""
    d = region_builder() / "municipalities/1853-evenes"
    if breakage == "no kommune.yaml":
        (d / "kommune.yaml").unlink()
    elif breakage == "invalid YAML":
        (d / "kommune.yaml").write_text("name: [ikke lukket\n", "utf-8")
    elif breakage == "kommune.yaml a list":
        (d / "kommune.yaml").write_text("- 1853\n", "utf-8")
    elif breakage == "empty systems.csv":
        (d / "systems.csv").write_text("\n", "utf-8")
    elif breakage == "quote never closed":
        (d / "systems.csv").write_text(csv_text("systems", [",".join(system_row(notes='"aldri lukket').values())]), "utf-8")
    else:
        (tmp_path / "municipalities").rename(tmp_path / "kommuner")
    assert len(messages(tmp_path)) == 1
    assert scopes(tmp_path) == [scope]


# --------------------------------------------------------------------------- values at the edges


def test_twenty_digit_user_count_is_a_message_not_a_crash(tmp_path, region_builder):
    region_builder(systems=[system_row(users="12345678901234567890"), system_row(system_id="EVE-002", users="123456789012345")])
    assert messages(tmp_path) == [f"{SYS}:2: users: «12345678901234567890» er for stort (høyst 15 sifre)"]
    assert list(load(tmp_path).systems["users"].astype(object)) == [pd.NA, 123456789012345]


def test_stored_decimal_with_three_digits_is_a_decimal(tmp_path, region_builder):
    """Stored files use `.` as the decimal point: «30.000» there is thirty, nothing ambiguous."""
    region = load(region_builder(systems=[system_row(annual_cost_nok="30.000")]))
    assert region.problems == [] and region.systems.loc[0, "annual_cost_nok"] == 30.0


def test_norwegian_yes_in_stored_file_stays_an_error(tmp_path, region_builder):
    """Only codes are valid in stored files: «Ja» is named, and the row is not public (NA)."""
    region_builder(systems=[system_row(confidential="Ja")])
    assert messages(tmp_path) == [f"{SYS}:2: confidential: «Ja» er ikke en gyldig kode; gyldige: Ja (yes), Nei (no)"]
    assert pd.isna(load(tmp_path).systems.loc[0, "confidential"])


def test_header_typo_confidential_is_named_with_a_hint(tmp_path, region_builder):
    d = region_builder() / "municipalities/1853-evenes"
    (d / "systems.csv").write_text(csv_text("systems", [system_row()], head=header("systems").replace("confidential", "confidental")), "utf-8")
    found = messages(tmp_path)
    assert found[0].startswith(f"{SYS}:1: confidental: ukjent kolonne; gyldige kolonner: system_id,")
    assert found[0].endswith("; mente du «confidential»?")


def test_multiline_note_keeps_line_numbers_right(tmp_path, region_builder):
    rows = [system_row(notes="første linje\nandre linje"), system_row(system_id="EVE-002", users="x")]
    assert messages(region_builder(systems=rows)) == [f"{SYS}:4: users: «x» er ikke et heltall"]


def test_blank_row_and_nbsp_are_tidied_on_every_file(tmp_path, region_builder):
    """No quotes anywhere: a non-breaking space and a `,,,` row give no problem (as with quotes)."""
    blank = "," * (len(columns("systems")) - 1)
    rows = [system_row(hosting="saas\u00a0"), blank, system_row(system_id="EVE-002")]
    region = load(region_builder(systems=rows))
    assert region.problems == []
    assert list(region.systems["line"]) == [2, 4]


# --------------------------------------------------------------------------- the CLI: exit 1 with a message, no crash


@pytest.mark.parametrize("case", ["two_folders", "no_number", "survey_extra_field", "twenty_digits"])
@pytest.mark.parametrize("command", [["validate"], ["report", "--json"]])
def test_cli_exits_1_with_the_message(tmp_path, region_builder, capsys, monkeypatch, case, command):
    from digireform.cli import main

    region_builder(systems=[system_row(users="12345678901234567890")] if case == "twenty_digits" else None)
    if case == "two_folders":
        region_builder(systems={"1853-kopi": [system_row()]})
    elif case == "no_number":
        region_builder(municipalities={"narvik": NARVIK}, systems={"narvik": [system_row()]})
    elif case == "survey_extra_field":
        (tmp_path / "municipalities/1853-evenes/survey.csv").write_text(
            "survey,respondent,channel_preference\n2025,1,phone,extra\n", encoding="utf-8")
    expected = {
        "two_folders": "municipalities/1853-kopi: (mappe): kommunenummer 1853 har flere mapper",
        "no_number": "municipalities/narvik: (mappe): mappenavnet skal være kommunenummer og navn",
        "survey_extra_field": "municipalities/1853-evenes/survey.csv:2: (rad): har 4 felt, men overskriften har 3",
        "twenty_digits": f"{SYS}:2: users: «12345678901234567890» er for stort",
    }[case]
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--data", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert expected in captured.err + captured.out
    assert "Traceback" not in captured.err and "Uventet feil" not in captured.err


def test_symlinked_profile_and_survey_are_not_read(tmp_path, region_builder):
    secret = tmp_path / "hemmelig.csv"
    secret.write_text("survey,respondent,channel_preference\n2025,1,phone\n", encoding="utf-8")
    region_builder(root=tmp_path / "data")
    folder = tmp_path / "data" / "municipalities" / "1853-evenes"
    (folder / "survey.csv").symlink_to(secret)
    assert messages(tmp_path / "data") == [
        "municipalities/1853-evenes/survey.csv: (fil): er en symbolsk lenke; datafiler må være vanlige filer i "
        "kommunemappen (lenken er ikke fulgt)"]
    (folder / "kommune.yaml").rename(tmp_path / "kommune.yaml")
    (folder / "kommune.yaml").symlink_to(tmp_path / "kommune.yaml")
    assert messages(tmp_path / "data")[0] == (
        "municipalities/1853-evenes/kommune.yaml: (fil): er en symbolsk lenke; datafiler må være vanlige filer i "
        "kommunemappen (lenken er ikke fulgt)")
    assert load(tmp_path / "data").numbers == []


def test_bom_file_is_named_but_its_rows_are_still_shown(tmp_path, region_builder):
    d = region_builder() / "municipalities/1853-evenes"
    (d / "systems.csv").write_bytes(b"\xef\xbb\xbf" + csv_text("systems", [system_row()]).encode())
    assert list(load(tmp_path).systems["system_id"]) == ["EVE-001"]
