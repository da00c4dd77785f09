"""Fail closed: a row is public only when `confidential` is a valid «no»; contacts never leave.

Planted secrets: a confidential EPJ row in Evenes with cost 987 654 kr and contract end
2031-07-13, written with every wrong spelling of the `confidential` cell (and a header typo).
The secret and every figure it could be recovered from (the municipality's and region's
totals with it, the EPJ harmonisation cost with it, the tender value with it) must appear in
no public output: report JSON (as the CLI and the dashboards build it) and the tender's four
files (docx and xlsx unzipped, every XML part searched).
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from digireform.analysis.options import ReportOptions
from digireform.dashboard.pages.base import Context
from digireform.io.paths import repository_root
from digireform.model import privacy
from digireform.report import build_report, to_json
from digireform.tender.build import build_tender
from digireform.validate.region import load, validate
from tests.support.regionfiles import csv_text, header, profile_yaml, write_region
from tests.support.tender import REQUIREMENTS, tender_yaml, write_tender

AS_OF = dt.date(2026, 11, 23)
OPTS = ReportOptions(as_of=AS_OF)
SECRET_COST = 987654
SECRET_END = "2031-07-13"

# Public rows: Evenes 100 000 + 20 000 = 120 000; Lødingen 300 000 + 50 000 = 350 000.
EVENES_PUBLIC = [
    "EVE-1,Visma Flyt Skole,Visma,,skole_oppvekst,Elevadministrasjon,saas,operational,40,100000,2027-07-31,6,SSA-L,ordinary,yes,,4,no,",
    "EVE-2,Acos WebSak,Acos AS,,sak_arkiv,Sak og arkiv,saas,operational,25,20000,2027-12-31,6,SSA-L,ordinary,yes,,3,no,",
]
LODINGEN = [
    "LOD-1,Visma Profil,Visma,,helse_velferd,Pleie og omsorg EPJ,hosted,operational,80,300000,2028-12-31,6,SSA-L,special,yes,,3,no,",
    "LOD-2,Visma Flyt Skole,Visma,,skole_oppvekst,Elevadministrasjon,saas,operational,30,50000,2027-07-31,6,SSA-L,ordinary,yes,,4,no,",
]
EVENES_PUBLIC_COST = 120000
LODINGEN_COST = 350000

HEADER = header("systems")


def secret_row(cell: str) -> str:
    return (f"EVE-9,Gerica,Tietoevry,,helse_velferd,Pleie og omsorg EPJ,hosted,operational,60,{SECRET_COST},"
            f"{SECRET_END},6,SSA-L,special,yes,,3,{cell},")


# Strings that would reveal the secret: the values in every format we write, and the sums
# a reader could subtract from (with the secret 987 654 added).
FORBIDDEN = [
    r"987\D{0,6}654", r"2031-07-13", r"13\.07\.2031", r"\b48042\b",  # 48042: Excel serial of 2031-07-13
    r"1\D{0,6}107\D{0,6}654",  # Evenes total with the secret (120 000 + 987 654)
    r"1\D{0,6}457\D{0,6}654",  # region total with it (470 000 + 987 654)
    r"1\D{0,6}287\D{0,6}654",  # EPJ harmonisation cost with it (300 000 + 987 654)
    r"8\D{0,6}625\D{0,6}924",  # tender value with it ((450 000 + 987 654) × 6)
]

VARIANTS = ["Ja", "YES", "true", "1", "x", ""]


def assert_no_secret(text: str, where: str) -> None:
    for pattern in FORBIDDEN:
        found = re.search(pattern, text)
        assert found is None, f"{where}: «{found.group(0)}» ({pattern})"


def make_data(root: Path, cell: str = "", header: str = HEADER, evenes_profile: str = "") -> Path:
    return write_region(
        root,
        municipalities={"1853": 'number: "1853"\nname: Evenes\norgnr: "964965137"\nexample_data: true\n' + evenes_profile,
                        "1851": profile_yaml("1851")},
        systems={"1853": csv_text("systems", [*EVENES_PUBLIC, secret_row(cell)], head=header),
                 "1851": csv_text("systems", LODINGEN, head=header)},
        procurement={"requirements/krav.yaml": REQUIREMENTS},
    )


def check_public_report(rep: dict) -> None:
    """Totals are the sums over public rows, the EPJ cost is the public part, nothing secret anywhere."""
    assert rep["municipalities"]["1853"]["annual_cost_nok"] == EVENES_PUBLIC_COST
    assert rep["municipalities"]["1851"]["annual_cost_nok"] == LODINGEN_COST
    assert rep["region"]["annual_cost_nok"] == EVENES_PUBLIC_COST + LODINGEN_COST
    assert rep["region"]["confidential_systems"] == 1
    epj = [h for h in rep["overlap"]["harmonisation_candidates"] if h["function"] == "Pleie og omsorg EPJ"]
    assert len(epj) == 1 and epj[0]["annual_cost_nok"] == 300000 and epj[0]["cost_complete"] is False
    assert_no_secret(to_json(rep), "report")


# --------------------------------------------------------------------------- the rule


def test_only_a_valid_no_is_public():
    frame = pd.DataFrame({
        "confidential": pd.Categorical(["no", "yes", None, None], categories=["yes", "no"]),
        "annual_cost_nok": [1.0, 2.0, 3.0, 4.0],
        "contract_end": pd.to_datetime(["2027-01-01"] * 4),
        "notice_months": pd.array([1, 2, 3, 4], dtype="Int64"),
        "contract_type": ["SSA-L"] * 4, "product": ["A", "B", "C", "D"],
    })
    assert privacy.is_public(frame).tolist() == [True, False, False, False]
    out = privacy.public_systems(frame)
    assert out["annual_cost_nok"].tolist()[0] == 1.0 and out["annual_cost_nok"].isna().tolist() == [False, True, True, True]
    assert out["contract_end"].isna().tolist() == [False, True, True, True]
    assert out["product"].tolist() == ["A", "B", "C", "D"]  # not a confidential field


def test_missing_column_makes_every_row_confidential():
    frame = pd.DataFrame({"annual_cost_nok": [5.0, 6.0], "product": ["A", "B"]})
    assert privacy.is_confidential(frame).tolist() == [True, True]
    assert privacy.public_systems(frame)["annual_cost_nok"].isna().all()


def test_raw_spellings_are_not_public():
    frame = pd.DataFrame({"confidential": ["No", "nei", "no ", "n", "no"], "annual_cost_nok": [1.0] * 5})
    assert privacy.is_public(frame).tolist() == [False, False, False, False, True]


# --------------------------------------------------------------------------- report (CLI and dashboards)


@pytest.mark.parametrize("cell", VARIANTS)
def test_report_built_from_loaded_data_hides_the_row(tmp_path, cell):
    """The dashboards build the report from `load`, problems or not."""
    region = load(make_data(tmp_path, cell))
    check_public_report(build_report(region, OPTS))


@pytest.mark.parametrize("header", ["confidental", "Unntatt offentlighet"])
def test_report_on_a_header_typo_hides_every_row_of_that_file(tmp_path, header):
    root = make_data(tmp_path, "no", header=HEADER.replace("confidential", header))
    region = load(root)
    rep = build_report(region, OPTS)
    # Neither file has a `confidential` column: all 3 + 2 rows are hidden, so every public cost is 0.
    assert rep["municipalities"]["1853"]["annual_cost_nok"] == 0
    assert rep["municipalities"]["1853"]["completeness"] is None  # no public row to count
    assert rep["region"]["annual_cost_nok"] == 0 and rep["region"]["confidential_systems"] == 5
    assert_no_secret(to_json(rep), "report")
    assert "100000" not in to_json(rep)  # the public-looking rows of that file are hidden too


def test_validate_names_the_header_typo_and_the_missing_column(tmp_path):
    make_data(tmp_path, "no", header=HEADER.replace("confidential", "confidental"))
    label = str(tmp_path / "municipalities/1853-evenes/systems.csv")
    found = [str(p) for p in validate(tmp_path) if p.file == label]
    assert len(found) == 2
    assert found[0].startswith(f"{label}:1: confidental: ukjent kolonne; gyldige kolonner: ")
    assert (f"{label}:1: confidential: kolonnen mangler; alle radene behandles som unntatt offentlighet "
            "(kostnad og avtalefelter vises ikke i rapport, dashbord eller anbudsdokumenter) til kolonnen "
            "har yes eller no") in found


def test_no_missing_column_message_for_a_file_without_rows(tmp_path):
    make_data(tmp_path, "no")
    (tmp_path / "municipalities/1851-lodingen/systems.csv").write_text("system_id,product,service_area,lifecycle\n", "utf-8")
    assert not [p for p in validate(tmp_path) if p.field == "confidential"]


def test_empty_cell_is_valid_but_hidden_and_counted_in_a_warning(tmp_path):
    region = load(make_data(tmp_path, ""))
    assert region.problems == []
    rep = build_report(region, OPTS)
    check_public_report(rep)
    assert ("1 system har ikke gyldig verdi (yes/no) i «Unntatt offentlighet» og er behandlet som unntatt "
            "offentlighet: kostnad og avtalefelter er ikke med.") in rep["warnings"]


def test_completeness_counts_public_rows_only(tmp_path):
    """Evenes' secret row has every field filled; with it the share would still be 1.0 but it must not count."""
    root = make_data(tmp_path, "yes")
    rows = [*EVENES_PUBLIC, secret_row("yes")]
    rows[1] = rows[1].replace(",Acos AS,", ",,")  # EVE-2 misses vendor: 1 of 10 completeness fields
    (root / "municipalities/1853-evenes/systems.csv").write_text(csv_text("systems", rows), "utf-8")
    rep = build_report(load(root), OPTS)
    assert rep["municipalities"]["1853"]["completeness"] == round(19 / 20, 4)  # public rows EVE-1, EVE-2


@pytest.mark.parametrize("cell", ["Ja", ""])
def test_report_cli_refuses_or_hides(tmp_path, cell):
    root = make_data(tmp_path, cell)
    r = subprocess.run([sys.executable, "-m", "digireform.cli", "report", "--json", "--data", str(root),
                        "--as-of", AS_OF.isoformat()], capture_output=True, text=True, timeout=300)
    assert_no_secret(r.stdout + r.stderr, "report --json")
    if cell == "Ja":  # an invalid code: the report is refused with the cell named
        assert r.returncode == 1 and r.stdout == ""
        assert "systems.csv:4: confidential: «Ja» er ikke en gyldig kode" in r.stderr
    else:
        assert r.returncode == 0, r.stderr
        import json

        check_public_report(json.loads(r.stdout))


# --------------------------------------------------------------------------- tender documents


SCOPE = """\
    scope:
      service_areas: [skole_oppvekst, helse_velferd]
    """


def document_texts(files: dict[str, Path]) -> dict[str, str]:
    """Every file as text; docx and xlsx unzipped and every part read."""
    out = {}
    for key, path in files.items():
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                out[key] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            out[key] = path.read_text("utf-8")
    return out


@pytest.mark.parametrize("cell", [*VARIANTS, "typo", "norwegian_header"])
def test_tender_documents_never_hold_the_secret(tmp_path, cell):
    headers = {"typo": "confidental", "norwegian_header": "Unntatt offentlighet"}
    header = HEADER.replace("confidential", headers[cell]) if cell in headers else HEADER
    root = make_data(tmp_path, "no" if cell in headers else cell, header=header)
    path = write_tender(root, tender_yaml(head="""\
        title: Felles test-anskaffelse
        description: Test av anbudsbygging.
        host: "1851"
        participants: ["1851", "1853"]
    """, scope=SCOPE))
    out = tmp_path / "ut"
    r = subprocess.run([sys.executable, "-m", "digireform.cli", "tender", "build", str(path), "--data", str(root),
                        "--out", str(out), "--as-of", AS_OF.isoformat()], capture_output=True, text=True, timeout=300)
    assert_no_secret(r.stdout + r.stderr, "tender build")
    if load(root).problems:  # invalid participant data: refused with a message, nothing written
        assert r.returncode == 1 and "Dataene til deltakerne har feil" in r.stderr
        assert "systems.csv:" in r.stderr and not out.exists()
        return
    assert r.returncode == 0, r.stderr
    texts = document_texts({p.relative_to(out).as_posix(): p for p in out.rglob("*")
                            if p.is_file() and not p.name.startswith(".")})  # not the build record
    assert {"konkurransegrunnlag.docx", "bilag-1-kravspesifikasjon.docx", "kravmatrise.xlsx", "anbudsdokumenter.md",
            "ocds-release-package.json", "intern/intern-sporbarhet.docx"} <= set(texts)
    for name, text in texts.items():
        assert_no_secret(text, name)


def test_tender_value_is_public_cost_only(tmp_path):
    root = make_data(tmp_path, "")
    path = write_tender(root, tender_yaml(scope=SCOPE, head="""\
        title: Felles test-anskaffelse
        description: Test av anbudsbygging.
        host: "1851"
        participants: ["1851", "1853"]
    """))
    result = build_tender(path, data_dir=root, out_dir=tmp_path / "ut", as_of=AS_OF)
    # in scope: Evenes Flyt Skole 100 000 (+ hidden Gerica), Lødingen Profil 300 000 + Flyt Skole 50 000
    assert result.assembly.estimated_value_nok == 450000 * 6
    import json

    ocds = json.loads(result.files["ocds"].read_text("utf-8"))
    amounts = [r["tender"]["value"]["amount"] for r in ocds["releases"]]
    assert amounts == [450000 * 6]
    texts = document_texts({"intern": result.files["intern"]})
    assert "unntatt offentlighet er ikke med i grunnlaget" in texts["intern"]  # the basis is the project group's


# --------------------------------------------------------------------------- contact persons


PERSON = "Hemmelig Person"
EMAIL = "hemmelig.person@example.no"
PHONE = "+47 41 23 45 67"
CONTACT_SHAPES = {
    "list": f'contacts:\n  - {{role: IKT, name: "{PERSON}", email: "{EMAIL}", phone: "{PHONE}"}}\n',
    "dict": f'contacts:\n  ikt: {{name: "{PERSON}", email: "{EMAIL}", phone: "{PHONE}"}}\n',
    "misspelled": f'kontakter:\n  - {{navn: "{PERSON}", epost: "{EMAIL}", telefon: "{PHONE}"}}\n',
    "other_key": f'ikt_ansvarlig: {{name: "{PERSON}", email: "{EMAIL}", phone: "{PHONE}"}}\n',
    "nested_in_target": ("targets:\n  - {id: T1, text: Mål, metric: digital_post_share, target: 0.75, "
                         f'deadline: 2027-12-31, owner: {{name: "{PERSON}", email: "{EMAIL}"}}}}\n'),
}


@pytest.mark.parametrize("shape", list(CONTACT_SHAPES))
def test_contacts_never_reach_the_report(tmp_path, shape):
    region = load(make_data(tmp_path, "yes", evenes_profile=CONTACT_SHAPES[shape]))
    text = to_json(build_report(region, OPTS))
    for secret in (PERSON, EMAIL, PHONE, "hemmelig"):
        assert secret not in text


@pytest.mark.parametrize("shape", list(CONTACT_SHAPES))
def test_public_profile_whitelists_keys_and_drops_persons(shape):
    import yaml

    profile = yaml.safe_load('number: "1853"\nname: Evenes\n' + CONTACT_SHAPES[shape])
    public = privacy.public_profile(profile)
    assert public["number"] == "1853" and public["name"] == "Evenes"
    assert set(public) <= {"number", "name", "targets"}
    assert PERSON not in repr(public) and EMAIL not in repr(public) and PHONE not in repr(public)
    if shape == "nested_in_target":  # the target stays, its owner goes
        assert public["targets"] == [{"id": "T1", "text": "Mål", "metric": "digital_post_share", "target": 0.75,
                                      "deadline": dt.date(2027, 12, 31)}]


def test_public_region_keeps_public_figures():
    region = load(repository_root())
    public = privacy.public_region(region)
    assert public.contacts == {} and set(public.profiles) == set(region.profiles)
    nr = "1853"
    assert public.profiles[nr]["population"] == region.profiles[nr]["population"]
    assert public.profiles[nr]["channels"] == region.profiles[nr]["channels"]
    assert public.profiles[nr]["targets"] == region.profiles[nr]["targets"]


@pytest.mark.parametrize(("extra", "dropped"), [
    ("digitalisation: [innbygger]\n", "digitalisation"),  # a list where a mapping belongs
    ('population: {total: 1330, year: 2025, age_bands: "mange"}\n', "population"),
    ('targets: "flere digitale tjenester"\n', "targets"),
])
def test_profile_key_with_a_problem_is_left_out_and_the_report_still_builds(tmp_path, extra, dropped):
    """The dashboards build from `load` with problems: a wrongly shaped key must not stop them."""
    region = load(make_data(tmp_path, "yes", evenes_profile=extra))
    assert any(p.field.split(".")[0] == dropped for p in region.problems)
    assert dropped not in privacy.public_region(region).profiles["1853"]
    rep = build_report(region, OPTS)
    assert rep["municipalities"]["1853"]["annual_cost_nok"] == EVENES_PUBLIC_COST


def test_public_profile_survives_a_yaml_cycle():
    import yaml

    profile = yaml.safe_load('number: "1853"\nname: Evenes\ntargets: &t [{id: T1, self: *t}]\n')
    assert privacy.public_profile(profile) == {"number": "1853", "name": "Evenes", "targets": [{"id": "T1"}]}


TARGET = "targets:\n  - {id: T1, text: Mål, metric: digital_post_share, target: 0.75, deadline: 2027-12-31}\n"


@pytest.mark.parametrize("private", [["contacts"], ["contacts", "targets"], ["targets"]])
def test_store_changes_and_public_outputs_take_one_list_of_private_keys(tmp_path, monkeypatch, private):
    """data/privacy.yaml `private_profile_keys` is the one rule: change it and all three follow."""
    import yaml

    from digireform.analysis import changes

    rules = {**privacy._rules(), "private_profile_keys": private}
    monkeypatch.setattr(privacy, "_rules", lambda: rules)
    text = TARGET + CONTACT_SHAPES["list"]
    region = load(make_data(tmp_path, "no", evenes_profile=text))
    assert region.problems == []  # targets valid: nothing is left out for a problem instead
    loaded = yaml.safe_load('number: "1853"\nname: Evenes\n' + text)
    for key in ("targets", "contacts"):
        secret = key in private
        assert (key in region.profiles["1853"]) is not secret  # validate.region: the loaded profile
        assert [k for _, k, _, p in changes.diff_profile({}, loaded) if p == secret and k == key] == [key]  # changes
        if key == "targets":  # contacts are never whitelisted; targets are, unless private
            assert (key in privacy.public_profile(loaded)) is not secret  # privacy: public profile
            assert (key in privacy.public_region(region).profiles["1853"]) is not secret
    assert bool(region.contacts["1853"]) is ("contacts" in private)
    assert "contacts" not in privacy.public_profile(loaded)


def test_dashboard_context_holds_the_public_region(tmp_path):
    """Every dashboard block reads `Context.region`: it is the public region, problems kept for the data check."""

    data = make_data(tmp_path, "kanskje", evenes_profile=CONTACT_SHAPES["list"])  # an invalid cell: a problem
    ctx = Context(str(data), AS_OF.isoformat())
    assert ctx.region.contacts == {} and "contacts" not in ctx.region.profiles["1853"]
    secret = ctx.region.systems[ctx.region.systems["system_id"] == "EVE-9"]
    assert len(secret) == 1 and secret[privacy.confidential_fields()].isna().all().all()
    assert ctx.region.problems == load(data).problems and ctx.check.problems == len(ctx.region.problems) > 0
