"""The JSON Schemas of the hand-written YAML files: valid schemas, the shipped files pass, and
each kind of mistake is said as FILE:LINE: felt: melding in Norwegian (lines counted by hand)."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from digireform.io.yamlio import load_text_with_lines
from digireform.model.schema import package_yaml
from digireform.tender.definition import load_tender
from digireform.validate.schema import SchemaCheck, schema
from tests.support.labels import LEVELS_TEXT, SERVICE_AREAS_TEXT, WELFARE_CATEGORIES_TEXT

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ("tender", "requirements", "catalogue", "kommune")


def problems(text: str, name: str, label: str = "f.yaml") -> list[str]:
    found: list = []
    data = load_text_with_lines(text, label, found)
    assert found == []
    return [str(p) for p in SchemaCheck(data, name, label).problems]


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_a_valid_draft_2020_12_schema_with_norwegian_titles(name):
    raw = schema(name)
    jsonschema.Draft202012Validator.check_schema(raw)
    assert raw["title"] and raw["description"]


def test_tender_publication_keys_are_those_of_tender_yaml():
    assert list(schema("tender")["properties"]["publication"]["properties"]) == list(package_yaml("tender.yaml")["publication"])


@pytest.mark.parametrize("path", sorted((ROOT / "procurement" / "tenders").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_tender_files_pass(path):
    assert problems(path.read_text("utf-8"), "tender") == []
    known = {p.name[:4] for p in (ROOT / "municipalities").iterdir()}
    assert load_tender(path, known).participants


TENDER = """\
title: T
description: D
host: "1806"
participants: ["1806"]
scope: {welfare_categories: [trygghetsalarm]}
contract: {type: SSA-L, years: 4, start: 2027-09-01}
award_criteria:
  - {code: pris, weight: 100}
timeline:
  publication: 2027-01-15
  tender_deadline: 2027-03-01
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    # missing required key: the line of its mapping
    ("  tender_deadline: 2027-03-01\n", "", "f.yaml:9: timeline.tender_deadline: mangler (påkrevd felt)"),
    ("title: T\n", "title:\n", "f.yaml:1: title: mangler (påkrevd felt)"),  # a key without a value is missing
    # wrong type
    ("years: 4", "years: fire", "f.yaml:6: contract.years: «fire» er ikke et helt antall år (1–20)"),
    ("description: D", "description: [D]", "f.yaml:2: description: skal være tekst"),
    ("participants: [\"1806\"]", "participants: \"1806\"", "f.yaml:4: participants: skal være en liste med kommunenummer"),
    # unknown code: every unknown item of a list in one message
    ("[trygghetsalarm]", "[trygghetsalarm, gps, drone]",
     "f.yaml:5: scope.welfare_categories: ukjent kode «gps», «drone»; gyldige: "
     f"{WELFARE_CATEGORIES_TEXT}"),
    ("type: SSA-L", "type: SSA-X", "f.yaml:6: contract.type: «SSA-X» er ikke gyldig; gyldige: SSA-L, SSA-sky, SSA-D, "
     "SSA-K, SSA-T, rammeavtale"),
    # unknown key
    ("  - {code: pris, weight: 100}", "  - {code: pris, weight: 100, farge: blå}",
     "f.yaml:8: award_criteria.farge: ukjent nøkkel; gyldige: code, label, weight, description, requirements"),
    # formats and ranges
    ("publication: 2027-01-15", "publication: 2027-02-30",
     "f.yaml:10: timeline.publication: ugyldig dato «2027-02-30»: dagen finnes ikke i kalenderen (ÅÅÅÅ-MM-DD)"),
    ("weight: 100", "weight: .nan", "f.yaml:8: award_criteria.weight: «nan» er ikke en vekt i prosent (0–100)"),
    ("host: \"1806\"", "host: 0301",  # YAML 1.1 reads 0301 as the octal number 193
     "f.yaml:3: host: «193» er ikke et firesifret kommunenummer (skriv det i anførselstegn, f.eks. \"1806\")"),
])
def test_tender_schema_messages(old, new, expected):
    assert TENDER.count(old) == 1
    assert problems(TENDER.replace(old, new), "tender") == [expected]


@pytest.mark.parametrize(("old", "new", "expected"), [
    # an empty list or table is a value: a required one that must hold something «mangler», as before
    ('participants: ["1806"]', "participants: []", "f.yaml:4: participants: mangler (påkrevd felt)"),
    ("  - {code: pris, weight: 100}\n", "  []\n", "f.yaml:7: award_criteria: mangler (påkrevd felt)"),
    ("[trygghetsalarm]}", "[]}", "f.yaml:5: scope: oppgi minst ett tjenesteområde, én velferdsteknologikategori eller "
     "ett produkt"),
    # and it has the type it is written with
    ('participants: ["1806"]', "participants: {}", "f.yaml:4: participants: skal være en liste med kommunenummer"),
    ("title: T\n", "title: T\nlots: {}\n", "f.yaml:2: lots: skal være en liste av delkontrakter {id, title, …}"),
    ("title: T\n", "title: T\nlots: \"\"\n", "f.yaml:2: lots: skal være en liste av delkontrakter {id, title, …}"),
    ("title: T\n", "title: T\nrequirements: []\n",
     "f.yaml:2: requirements: skal være en tabell med include, exclude, exclude_reasons, weights og lots"),
])
def test_tender_empty_list_or_table_is_checked(old, new, expected):
    assert TENDER.count(old) == 1
    assert problems(TENDER.replace(old, new), "tender") == [expected]


def test_tender_file_that_is_no_mapping():
    assert problems("- a\n", "tender") == ["f.yaml:1: (fil): skal være en tabell med nøkler (title, host, …)"]


# --------------------------------------------------------------------------- requirement library


def test_shipped_requirement_library_passes():
    from digireform.tender.requirements import load_library

    files = sorted((ROOT / "procurement" / "requirements").glob("*.yaml"))
    assert files and all(problems(p.read_text("utf-8"), "requirements") == [] for p in files)
    assert len(load_library(ROOT)) > 50


REQUIREMENT = """\
- id: UU-01
  category: universell_utforming
  kind: bor
  weight: 4
  text: Løsningen bør følge WCAG 2.1 AA.
  applies_to: [innbygger]
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  text: Løsningen bør følge WCAG 2.1 AA.\n", "", "f.yaml:1: text: mangler (påkrevd felt)"),
    ("weight: 4", "weight: fire", "f.yaml:4: weight: «fire» er ikke et positivt tall"),
    ("- id: UU-01", "- id: [UU-01]", "f.yaml:1: id: skal være tekst"),
    ("[innbygger]", "[innbygger, månen]", "f.yaml:6: applies_to: ukjent kode «månen»; gyldige: all, innbygger, "
     "okonomi_personal, sak_arkiv, helse_velferd, skole_oppvekst, plan_bygg, teknisk, kultur, felles, trygghetsalarm, "
     "digitalt_tilsyn, medisineringsstotte, lokalisering, elektronisk_dorlas, digital_hjemmeoppfolging, skjermbesok, "
     "responssenter"),
    ("[innbygger]", "månen", "f.yaml:6: applies_to: ukjent kode «månen»; gyldige: all, innbygger, "
     "okonomi_personal, sak_arkiv, helse_velferd, skole_oppvekst, plan_bygg, teknisk, kultur, felles, trygghetsalarm, "
     "digitalt_tilsyn, medisineringsstotte, lokalisering, elektronisk_dorlas, digital_hjemmeoppfolging, skjermbesok, "
     "responssenter"),  # one code may stand without a list
    ("kind: bor", "kind: kanskje", "f.yaml:3: kind: «kanskje» er ikke gyldig; bruk «skal» (absolutt krav), «bor» "
     "(vektet krav) eller «kvalifikasjon» (krav til leverandøren)"),
    ("  weight: 4\n", "  weight: 4\n  colour: blue\n",
     "f.yaml:5: colour: ukjent nøkkel; gyldige: id, category, kind, text, text_nn, documentation, "
     "documentation_nn, sami, applies_to, reference, weight"),
])
def test_requirement_schema_messages(old, new, expected):
    assert REQUIREMENT.count(old) == 1
    assert problems(REQUIREMENT.replace(old, new), "requirements") == [expected]


@pytest.mark.parametrize(("new", "expected"), [
    ("[]", "f.yaml:6: applies_to: mangler (påkrevd felt)"),
    ("{}", "f.yaml:6: applies_to: skal være «all» eller en liste med tjenesteområder og velferdsteknologikategorier"),
])
def test_requirement_empty_applies_to(new, expected):
    assert problems(REQUIREMENT.replace("[innbygger]", new), "requirements") == [expected]


def test_requirement_file_that_is_no_list():
    assert problems("id: X\n", "requirements") == ["f.yaml:1: (fil): kravfila skal være en YAML-liste (hver post "
                                                   "starter med «- id: …»)"]
    assert problems("# bare kommentarer\n", "requirements") == []


# --------------------------------------------------------------------------- product catalogue


def test_shipped_catalogue_passes():
    from digireform.model.resources import read_data_text

    text = read_data_text("products.yaml")
    assert problems(text, "catalogue") == []


PRODUCT = """\
- name: SpeedAdmin
  aliases: [Speed Admin]
  vendor: SpeedAdmin AS
  vendor_orgnr: "964965137"
  service_area: kultur
  cpv: 48000000-8
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("- name: SpeedAdmin\n  aliases", "- aliases", "f.yaml:1: name: mangler (påkrevd felt)"),
    ("[Speed Admin]", "Speed Admin", "f.yaml:2: aliases: skal være en liste av skrivemåter, f.eks. [Tieto Gerica, Gerica]"),
    ("kultur", "romfart", "f.yaml:5: service_area: «romfart» er ikke et tjenesteområde; gyldige: "
     f"{SERVICE_AREAS_TEXT}"),
    ('"964965137"', '"964965138"', "f.yaml:4: vendor_orgnr: «964965138» er ikke et gyldig organisasjonsnummer "
     "(9 siffer, mod 11)"),  # the check digit of 96496513 is 7
    ("cpv: 48000000-8", "cpv: 4800", "f.yaml:6: cpv: «4800» er ikke en CPV-kode på formen 48000000-8"),
    ("  cpv: 48000000-8\n", "  cpv: 48000000-8\n  colour: blue\n",
     "f.yaml:7: colour: ukjent felt; gyldige felt: name, aliases, vendor, vendor_orgnr, service_area, function, cpv"),
])
def test_catalogue_schema_messages(old, new, expected):
    assert PRODUCT.count(old) == 1
    assert problems(PRODUCT.replace(old, new), "catalogue") == [expected]


# --------------------------------------------------------------------------- kommune.yaml


def profile_problems(text: str, folder_number: str = "1853") -> list[str]:
    """kommune.yaml read and checked as a region load does (validate.profile.read_profile)."""
    import tempfile

    from digireform.validate.profile import read_profile

    found: list = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kommune.yaml").write_text(text, "utf-8")
        read_profile(Path(tmp), folder_number, found, "k.yaml")
    return [str(p) for p in found]


@pytest.mark.parametrize("path", sorted((ROOT / "municipalities").glob("*/kommune.yaml")), ids=lambda p: p.parent.name)
def test_shipped_kommune_yaml_files_pass(path):
    assert problems(path.read_text("utf-8"), "kommune") == []
    assert profile_problems(path.read_text("utf-8"), path.parent.name[:4]) == []


def test_kommune_schema_keys_are_those_of_the_model():
    from digireform.model.region import AGE_BANDS, CHANNEL_FIELDS

    props = schema("kommune")["properties"]
    assert props["population"]["properties"]["age_bands"]["propertyNames"]["enum"] == list(AGE_BANDS)
    channel = props["channels"]["items"]
    assert [k for k in channel["properties"] if k not in ("year", "source")] == list(CHANNEL_FIELDS)
    assert channel["x-message"]["additionalProperties"] == f"ukjent kanal; gyldige: {', '.join(CHANNEL_FIELDS)}"
    labels = package_yaml("channels.yaml")["labels"]
    assert {k: channel["properties"][k]["title"] for k in CHANNEL_FIELDS} == {k: labels[k] for k in CHANNEL_FIELDS}


PROFILE = """\
number: "1853"
name: Evenes
population:
  year: 2025
  total: 1330
digitalisation:
  sak_arkiv: mostly_paper
channels:
  - year: 2025
    phone_in: 120
targets:
  - id: T1
    text: Mer digital post
    metric: digital_post_share
    target: 0.75
    deadline: 2026-12-31
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("name: Evenes\n", "", "k.yaml:1: name: mangler (påkrevd felt)"),  # the root mapping starts on line 1
    ("    metric: digital_post_share\n", "", "k.yaml:12: targets.metric: mangler (påkrevd felt)"),
    ("  total: 1330", "  total: mange", "k.yaml:5: population.total: «mange» er ikke et heltall ≥ 0"),
    ("    target: 0.75", "    target: mye", "k.yaml:15: targets.target: «mye» er ikke et tall"),
    ("  sak_arkiv: mostly_paper", "  sak_arkiv: paper", "k.yaml:7: digitalisation.sak_arkiv: «paper» er ikke et gyldig "
     f"nivå; gyldige: {LEVELS_TEXT}"),
    ("  sak_arkiv: mostly_paper", "  arkiv: mostly_paper", "k.yaml:7: digitalisation: ukjent tjenesteområde «arkiv»; "
     f"gyldige: {SERVICE_AREAS_TEXT}"),
    ("    phone_in: 120", "    telefon: 120", "k.yaml:10: channels.telefon: ukjent kanal; gyldige: personal_visits, "
     "phone_in, phone_out, web_visits, letters_in, letters_out, email_in, email_out, digital_post_out, "
     "selfservice_completed, selfservice_abandoned"),
    ("deadline: 2026-12-31", "deadline: 2026-02-30", "k.yaml:16: targets.deadline: «2026-02-30» er ikke en gyldig dato "
     "ÅÅÅÅ-MM-DD"),
    ("number: \"1853\"", "number: \"18\"", "k.yaml:1: number: «18» er ikke et firesifret kommunenummer (skriv det i "
     "anførselstegn)"),
])
def test_kommune_schema_messages(old, new, expected):
    assert PROFILE.count(old) == 1
    assert profile_problems(PROFILE.replace(old, new)) == [expected]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  total: 1330\n", "  total: 1330\n  age_bands: {\"0-17\": 1, \"18-66\": 2, \"67-79\": 3, \"80+\": 4}\n",
     "k.yaml:6: population.age_bands: summen av aldersgruppene (10) er ikke lik total (1330)"),
    ("    phone_in: 120\n", "    phone_in: 120\n  - year: 2025\n", "k.yaml:11: channels.year: året 2025 står to ganger"),
    ("number: \"1853\"", "number: \"1806\"", "k.yaml:1: number: 1806 stemmer ikke med mappenavnet (1853-…)"),
])
def test_kommune_rules_after_the_schema(old, new, expected):
    assert profile_problems(PROFILE.replace(old, new)) == [expected]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("name: Evenes\n", "name: Evenes\nexample_data:\n", "k.yaml:3: example_data: har ingen verdi; skriv true eller false"),
    ("  total: 1330", "  total:", "k.yaml:5: population.total: har ingen verdi; skriv et heltall ≥ 0 eller fjern linjen"),
])
def test_an_empty_value_that_would_change_the_meaning_is_refused(old, new, expected):
    """Left out, example_data means «not example data» and population.total the register's figure:
    written but empty is a question, not an answer."""
    assert profile_problems(PROFILE.replace(old, new)) == [expected]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("channels:\n  - year: 2025\n    phone_in: 120\n", "channels: {}\n",
     "k.yaml:8: channels: skal være en liste med én post per år"),
    ("channels:\n  - year: 2025\n    phone_in: 120\n", "channels: \"\"\n",
     "k.yaml:8: channels: skal være en liste med én post per år"),
    ("targets:\n  - id: T1\n    text: Mer digital post\n    metric: digital_post_share\n    target: 0.75\n"
     "    deadline: 2026-12-31\n", "targets: {}\n",
     "k.yaml:11: targets: skal være en liste av {id, text, metric, target, deadline}"),
    ("name: Evenes\n", "name: Evenes\ncontacts: {}\n",
     "k.yaml:3: contacts: skal være en liste av {role, name, email, phone}"),
    ("population:\n  year: 2025\n  total: 1330\n", "population: []\n",
     "k.yaml:3: population: skal være en tabell med year, source, total og age_bands"),
    ("digitalisation:\n  sak_arkiv: mostly_paper\n", "digitalisation: []\n",
     "k.yaml:6: digitalisation: skal være en tabell tjenesteområde → nivå"),
])
def test_an_empty_list_or_table_of_the_wrong_kind_is_refused(old, new, expected):
    """An empty list or table is a value, not an absent key: `{}` where a list belongs is wrong
    (and a blank text there too), as the hand-written checks before the schema said."""
    assert PROFILE.count(old) == 1
    assert profile_problems(PROFILE.replace(old, new)) == [expected]


@pytest.mark.parametrize("new", ["channels: []\n", "targets: []\n", "contacts: []\n", "digitalisation: {}\n",
                                 "population: {}\n"])
def test_an_empty_list_or_table_of_the_right_kind_passes(new):
    text = "".join(line + "\n" for line in PROFILE.splitlines()[:2]) + new
    assert profile_problems(text) == []


# A key written without a value (or with a blank text) counts as absent only where free text
# belongs or the key is not described; a number, a date, an organisation number or a code
# written but empty is refused, as the hand-written checks before the schemas refused it.
EMPTY_DATE = "har ingen verdi; skriv en dato ÅÅÅÅ-MM-DD eller fjern linjen"
EMPTY_COUNT = "har ingen verdi; skriv et heltall ≥ 0 eller fjern linjen"
EMPTY_NUMBER = "har ingen verdi; skriv et tall eller fjern linjen"
EMPTY_ORGNR = "har ingen verdi; skriv et organisasjonsnummer (9 sifre) eller fjern linjen"
EMPTY_VALUE = "har ingen verdi; skriv en verdi eller fjern linjen"
AREAS = SERVICE_AREAS_TEXT


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("name: Evenes\n", "name: Evenes\norgnr:\n", f"k.yaml:3: orgnr: {EMPTY_ORGNR}"),
    ("  year: 2025", "  year:", f"k.yaml:4: population.year: {EMPTY_COUNT}"),
    ("  total: 1330\n", '  total: 1330\n  age_bands: {"0-17": null}\n',
     f"k.yaml:6: population.age_bands.0-17: {EMPTY_COUNT}"),
    ("  sak_arkiv: mostly_paper", "  sak_arkiv:", "k.yaml:7: digitalisation.sak_arkiv: har ingen verdi; skriv en av "
     f"{LEVELS_TEXT} eller fjern linjen"),
    ("    phone_in: 120", "    phone_in: ''", f"k.yaml:10: channels.phone_in: {EMPTY_COUNT}"),
    ("    target: 0.75\n", "    target: 0.75\n    baseline:\n", f"k.yaml:16: targets.baseline: {EMPTY_NUMBER}"),
    ("    target: 0.75\n", "    target: 0.75\n    current_date: ' '\n", f"k.yaml:16: targets.current_date: {EMPTY_DATE}"),
    # a required key left blank «mangler», as before
    ("  - year: 2025", "  - year:", "k.yaml:9: channels.year: mangler (påkrevd felt)"),
    ("    deadline: 2026-12-31", "    deadline:", "k.yaml:16: targets.deadline: mangler (påkrevd felt)"),
])
def test_kommune_empty_typed_value_is_refused(old, new, expected):
    assert PROFILE.count(old) == 1
    assert profile_problems(PROFILE.replace(old, new)) == [expected]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("title: T\n", "title: T\ncpv:\n", f"f.yaml:2: cpv: {EMPTY_VALUE}"),
    ("title: T\n", "title: T\nlanguage: ''\n",
     "f.yaml:2: language: har ingen verdi; skriv en av bokmal, nynorsk eller fjern linjen"),
    ("title: T\n", "title: T\nestimated_value_nok:\n", f"f.yaml:2: estimated_value_nok: {EMPTY_NUMBER}"),
    ("  tender_deadline: 2027-03-01\n", "  tender_deadline: 2027-03-01\n  award: null\n",
     f"f.yaml:12: timeline.award: {EMPTY_DATE}"),
    ("  tender_deadline: 2027-03-01\n", "  tender_deadline: 2027-03-01\n  questions_deadline: ''\n",
     f"f.yaml:12: timeline.questions_deadline: {EMPTY_DATE}"),
    ("title: T\n", "title: T\nrequirements: {weights: {UU-01: null}}\n",
     f"f.yaml:2: requirements.weights: {EMPTY_NUMBER}"),
    ("  publication: 2027-01-15", "  publication:", "f.yaml:10: timeline.publication: mangler (påkrevd felt)"),
])
def test_tender_empty_typed_value_is_refused(old, new, expected):
    assert TENDER.count(old) == 1
    assert problems(TENDER.replace(old, new), "tender") == [expected]


@pytest.mark.parametrize(("text", "name", "expected"), [
    (REQUIREMENT.replace("weight: 4", "weight:"), "requirements", f"f.yaml:4: weight: {EMPTY_NUMBER}"),
    (PRODUCT.replace("service_area: kultur", "service_area:"), "catalogue",
     f"f.yaml:5: service_area: har ingen verdi; skriv en av {AREAS} eller fjern linjen"),
    (PRODUCT.replace("cpv: 48000000-8", "cpv: ''"), "catalogue", f"f.yaml:6: cpv: {EMPTY_VALUE}"),
    (PRODUCT.replace('"964965137"', "null"), "catalogue", f"f.yaml:4: vendor_orgnr: {EMPTY_ORGNR}"),
])
def test_library_and_catalogue_empty_typed_value_is_refused(text, name, expected):
    assert problems(text, name) == [expected]


def test_an_empty_optional_text_is_still_absent():
    assert profile_problems(PROFILE.replace("  year: 2025\n", "  year: 2025\n  source:\n")
                            .replace("name: Evenes\n", "name: Evenes\nnotes: ''\ncontacts:\n  - {role: '', name: null}\n")) == []
    assert problems(TENDER.replace("title: T\n", "title: T\nreference:\nrationale: ''\n"), "tender") == []
    assert problems(REQUIREMENT.replace("  weight: 4\n", "  weight: 4\n  text_nn:\n  reference: ''\n"),
                    "requirements") == []
    assert problems(PRODUCT.replace("vendor: SpeedAdmin AS", "vendor:\n  function: ''"), "catalogue") == []


@pytest.mark.parametrize("item", ["null", '""'])
def test_an_empty_list_item_is_named_as_such_never_as_none(item):
    text = TENDER.replace('participants: ["1806"]', f'participants: ["1806", {item}]')
    assert problems(text, "tender") == ["f.yaml:4: participants: har en tom post i lista; skriv en verdi eller fjern posten"]
