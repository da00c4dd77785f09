"""The four files, read back: Word, Excel, Markdown, OCDS; nothing confidential in any."""
from __future__ import annotations

import datetime as dt
import json
import zipfile

import openpyxl
import pytest
from docx import Document

from digireform.tender.build import build_tender
from tests.support.tender import (
    SECRET_CONTACT,
    SECRET_COST,
    SECRET_EMAIL,
    make_region,
    tender_yaml,
    write_tender,
)

AS_OF = dt.date(2026, 11, 23)
SCOPE_ALL = """\
    scope:
      service_areas: [skole_oppvekst, helse_velferd]
      welfare_categories: [trygghetsalarm, digitalt_tilsyn]
    """
LOTS = """\
    lots:
      - {id: "1", title: Skolesystem, service_areas: [skole_oppvekst]}
      - {id: "2", title: Velferdsteknologi, welfare_categories: [trygghetsalarm, digitalt_tilsyn]}
    """


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_region(tmp_path_factory.mktemp("region"))
    path = write_tender(root, tender_yaml(scope=SCOPE_ALL, extra=LOTS))
    return build_tender(path, data_dir=root, out_dir=root / "ut", as_of=AS_OF)


def test_four_files_written(built):
    assert {k: p.name for k, p in built.files.items()} == {
        "docx": "kravspesifikasjon.docx", "xlsx": "kravmatrise.xlsx",
        "md": "kravspesifikasjon.md", "ocds": "ocds-release-package.json"}
    assert not [p for p in built.out_dir.iterdir() if p.name.endswith(".tmp")]


def test_docx_headings_requirement_rows_and_participants(built):
    doc = Document(str(built.files["docx"]))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "4 Krav") in headings
    assert ("Heading 2", "4.1 Leverandør og avtale") in headings
    assert ("Heading 1", "Vedlegg A: Dagens systemer og velferdsteknologi") in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Vertskommune: Evenes kommune" in text
    assert "Deltakende kommuner: Evenes (1853), Bjerkreim (1114)" in text
    req_tables = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["ID", "Krav", "SKAL/BØR", "Vekt", "Referanse"]]
    rows = [[c.text for c in r.cells] for t in req_tables for r in t.rows[1:]]
    assert [r[0] for r in rows] == [s.id for s in built.assembly.requirements]  # one row per requirement
    assert ["SKOLE-01", "Løsningen bør ha elevportal.", "BØR", "5", ""] in rows
    # the table of contents is a real TOC field Word updates
    xml = zipfile.ZipFile(built.files["docx"]).read("word/document.xml").decode()
    assert 'TOC \\o "1-2"' in xml
    assert "updateFields" in zipfile.ZipFile(built.files["docx"]).read("word/settings.xml").decode()


def test_xlsx_validation_protection_and_formula_text(built):
    wb = openpyxl.load_workbook(built.files["xlsx"])
    ws = wb["Kravmatrise"]
    assert [c.value for c in ws[1]] == ["ID", "Kategori", "Krav", "Type", "Vekt", "Leverandørens svar",
                                        "Beskrivelse", "Henvisning til Bilag 2"]
    n = len(built.assembly.requirements)
    assert ws.max_row == n + 1
    assert ws.freeze_panes == "A2"
    assert ws.protection.sheet is True
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"Oppfylt,Delvis oppfylt,Ikke oppfylt"'
    assert str(dv.sqref) == f"F2:F{n + 1}"
    for row in ws.iter_rows(min_row=2):
        assert [c.protection.locked for c in row] == [True] * 5 + [False] * 3
    tilsyn = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "TILSYN-01")
    assert tilsyn[2].value == "=Sensoren bør varsle ved fall."
    assert tilsyn[2].data_type == "s"  # text, not a formula
    assert tilsyn[4].value == 3


def test_markdown_has_the_same_requirements(built):
    md = built.files["md"].read_text("utf-8")
    assert "## 4 Krav" in md
    for s in built.assembly.requirements:
        assert f"| {s.id} |" in md
    assert "| ALARM-01 | Alarmen skal være IP-basert. | SKAL |  | NS-EN 50134 |" in md


def _validator():
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    from digireform.model.resources import data_file

    base = data_file("ocds")
    release = json.loads((base / "release-schema.json").read_text("utf-8"))
    package = json.loads((base / "release-package-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(release["id"], Resource.from_contents(release, default_specification=DRAFT4))
    assert (base / "LICENSE").is_file()
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_ocds_valid_against_vendored_schema_with_formats(built):
    pkg = json.loads(built.files["ocds"].read_text("utf-8"))
    errors = [e.message for e in _validator().iter_errors(pkg)]
    assert errors == []
    # the format checker is really on: a date without offset is rejected
    broken = json.loads(json.dumps(pkg))
    broken["publishedDate"] = "2026-11-23"
    assert any("date-time" in e.message for e in _validator().iter_errors(broken))


def test_ocds_content(built):
    pkg = json.loads(built.files["ocds"].read_text("utf-8"))
    (rel,) = pkg["releases"]
    assert rel["ocid"] == "ocds-dgrfrm-test"
    assert pkg["extensions"] == ["https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"]
    parties = {p["name"]: p for p in rel["parties"]}
    assert parties["Evenes kommune"]["roles"] == ["buyer", "procuringEntity"]
    assert parties["Evenes kommune"]["identifier"] == {"scheme": "NO-BRC", "id": "964965137", "legalName": "Evenes kommune"}
    assert parties["Bjerkreim kommune"]["roles"] == ["buyer"]
    assert "identifier" not in parties["Bjerkreim kommune"]  # no orgnr: none invented
    t = rel["tender"]
    assert t["procuringEntity"]["id"] == "NO-BRC-964965137"
    assert t["tenderPeriod"] == {"startDate": "2027-01-15T00:00:00+01:00", "endDate": "2027-03-01T12:00:00+01:00"}
    assert t["contractPeriod"]["startDate"] == "2027-09-01T00:00:00+02:00"  # summer time
    assert t["contractPeriod"]["maxExtentDate"] == "2033-08-31T00:00:00+02:00"
    assert t["awardCriteria"] == "ratedCriteria"
    assert t["value"] == {"amount": 3_420_000, "currency": "NOK"}  # FOA § 5-4 with growth: test_tender_assembly
    assert t["procurementMethod"] == "open"
    assert [lot["id"] for lot in t["lots"]] == ["1", "2"]
    alarm = next(i for i in t["items"] if i["description"] == "Trygghetsalarm")
    assert alarm["classification"] == {"scheme": "CPV", "id": "35121700-5", "description": "Alarmsystemer"}
    assert (alarm["quantity"], alarm["relatedLot"]) == (105, "2")
    assert {d["url"].rsplit("/", 1)[1] for d in t["documents"]} == {
        "kravspesifikasjon.docx", "kravmatrise.xlsx", "kravspesifikasjon.md"}
    assert all(d["url"].startswith("https://") for d in t["documents"])


def _all_text(built) -> dict[str, str]:
    texts = {}
    for key, path in built.files.items():
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                texts[key] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            texts[key] = path.read_text("utf-8")
    return texts


def test_confidential_values_and_contacts_absent_from_every_output(built):
    # EVE-2 (confidential) is in scope: it is listed, but its cost and contract end are not
    assert "EVE-2" in built.files["md"].read_text("utf-8")
    for key, text in _all_text(built).items():
        for secret in (SECRET_COST, "7 654 321", "7\u00a0654\u00a0321", "2028-06-30", "30. juni 2028", "30.06.2028",
                       SECRET_CONTACT, SECRET_EMAIL, "+47 99 99 99 99"):
            assert secret not in text, f"{secret!r} found in {key}"
