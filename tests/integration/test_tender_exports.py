"""The files, read back: Word, Excel, Markdown, OCDS; nothing confidential in any, nothing internal
in a supplier's document."""
from __future__ import annotations

import datetime as dt
import json
import zipfile

import openpyxl
import pytest
from docx import Document

from digireform.tender.build import build_tender
from tests.support.tender import (
    QUALIFICATION_REQUIREMENT,
    SECRET_CONTACT,
    SECRET_COST,
    SECRET_EMAIL,
    SLA_REQUIREMENT,
    add_requirements,
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
    rationale: Overlappanalysen viser at begge kommunene har samme skolesystem.
    lots:
      - {id: "1", title: Skolesystem, service_areas: [skole_oppvekst]}
      - {id: "2", title: Velferdsteknologi, welfare_categories: [trygghetsalarm, digitalt_tilsyn]}
    """
PUBLIC = ["konkurransegrunnlag.docx", "bilag-1-kravspesifikasjon.docx", "bilag-4-tjenesteniva.docx",
          "kravmatrise.xlsx", "anbudsdokumenter.md", "ocds-release-package.json"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_region(tmp_path_factory.mktemp("region"))
    add_requirements(root, SLA_REQUIREMENT)
    add_requirements(root, QUALIFICATION_REQUIREMENT, "kvalifikasjon.yaml")
    path = write_tender(root, tender_yaml(scope=SCOPE_ALL, extra=LOTS))
    return build_tender(path, data_dir=root, out_dir=root / "ut", as_of=AS_OF)


def docx_text(path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def docx_tables(path) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in Document(str(path)).tables]


def headings(path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs if p.style.name.startswith("Heading")]


def test_files_for_suppliers_and_the_internal_file_apart(built):
    assert {k: p.relative_to(built.out_dir).as_posix() for k, p in built.files.items()} == {
        "konkurransegrunnlag": "konkurransegrunnlag.docx", "bilag_krav": "bilag-1-kravspesifikasjon.docx",
        "bilag_tjenesteniva": "bilag-4-tjenesteniva.docx", "kravmatrise": "kravmatrise.xlsx",
        "markdown": "anbudsdokumenter.md", "ocds": "ocds-release-package.json",
        "intern": "intern/intern-sporbarhet.docx"}
    assert sorted(p.name for p in built.public_files.values()) == sorted(PUBLIC)
    assert not [p for p in built.out_dir.rglob("*") if p.name.endswith(".tmp")]


def test_konkurransegrunnlag_holds_the_rules_of_the_competition(built):
    path = built.files["konkurransegrunnlag"]
    assert [h for _, h in headings(path) if h[0].isdigit() and "." not in h.split()[0]] == [
        "1 Innledning og oppdragsgivere", "2 Anskaffelsen", "3 Konkurransedokumentene", "4 Kvalifikasjonskrav",
        "5 Krav til tilbudet, forbehold og avvisning", "6 Tildelingskriterier og evaluering", "7 Tidsplan"]
    text = docx_text(path)
    assert "Evenes kommune er vertskommune og gjennomfører konkurransen på vegne av de 2 kommunene" in text
    assert "blir avvist (FOA § 24-8 første ledd bokstav b)" in text
    assert "«Kommentar / forbehold»" in text
    tables = docx_tables(path)
    buyers = next(t for t in tables if t[0][0] == "Kommune")
    assert buyers[1:] == [["Evenes kommune", "1853", "964965137", "Vertskommune og oppdragsgiver"],
                          ["Bjerkreim kommune", "1114", "–", "Oppdragsgiver"]]
    award = next(t for t in tables if t[0] == ["Kriterium", "Vekt", "Hva som vurderes"])
    assert [r[:2] for r in award[1:]] == [["Pris", "40 %"], ["Kvalitet og funksjonalitet", "30 %"],
                                         ["Klima- og miljøhensyn", "30 %"]]
    assert award[1][2] == "Prisskjema: Bilag 6: Samlet pris og prisbestemmelser."
    # every BØR requirement scored under exactly one criterion; none of them environmental here
    assert award[2][2] == "BØR-kravene i: Funksjonelle krav, fagsystem, Velferdsteknologi: digitalt tilsyn."
    model = next(t for t in tables if t[0] == ["Svar på et BØR-krav", "Uttelling"])
    assert model[1:] == [["Ja", "100 % av kravets vekt"], ["Delvis", "50 % av kravets vekt"],
                         ["Nei", "0 % av kravets vekt"]]
    bilag = next(t for t in tables if t[0] == ["Dokument", "Innhold", "Fylles ut av"])
    assert [r[0] for r in bilag[1:]] == [
        "Bilag 1: Kundens kravspesifikasjon", "Bilag 2: Leverandørens beskrivelse av tjenesten",
        "Bilag 3: Plan for etableringsfasen", "Bilag 4: Tjenestenivå med standardiserte kompensasjoner",
        "Bilag 5: Administrative bestemmelser", "Bilag 6: Samlet pris og prisbestemmelser", "Kravmatrise"]
    qualification = next(t for t in tables if t[0] == ["ID", "Krav", "Dokumentasjon", "Delkontrakt"])
    assert qualification[1:] == [["KVAL-01", "Leverandøren skal ha betalt skatt og merverdiavgift.",
                                  "Skatteattest ikke eldre enn seks måneder.", "Alle"]]
    assert "det europeiske egenerklæringsskjemaet (ESPD, FOA § 17-1)" in text  # above the EEA threshold
    timeline = next(t for t in tables if t[0] == ["Milepæl", "Dato"])
    assert timeline[1:] == [["Kunngjøring", "15. januar 2027"], ["Frist for spørsmål", "1. februar 2027"],
                            ["Tilbudsfrist", "1. mars 2027"], ["Kontraktsstart", "1. september 2027"]]


def test_bilag_1_holds_needs_and_requirements_only(built):
    path = built.files["bilag_krav"]
    text = docx_text(path)
    for word in ("Tildelingskriteri", "Tidsplan", "Tilbudsfrist", "avvis", "Hentet inn av", "Sporbarhet",
                 "Overlappanalysen", "40 %", "Evalueringsmodell", "ESPD", "KVAL-01", "Skatteattest"):
        assert word not in text, word
    assert ("Heading 1", "3 Krav") in headings(path)
    req_tables = [t for t in docx_tables(path) if t[0] == ["ID", "Krav", "SKAL/BØR", "Vekt", "Delkontrakt", "Referanse"]]
    rows = [r for t in req_tables for r in t[1:]]
    # SLA-01 belongs to Bilag 4 (service levels), PLAN-01 is outside the scope
    assert [r[0] for r in rows] == ["AVT-01", "HELSE-01", "SKOLE-01", "ALARM-01", "TILSYN-01"]
    assert ["SKOLE-01", "Løsningen bør ha elevportal.", "BØR", "5", "1", ""] in rows
    assert ["AVT-01", "Leverandøren skal akseptere SSA-L.", "SKAL", "", "Alle", "SSA-L 2018"] in rows
    assert "Kravene til tjenestenivå står i Bilag 4: Tjenestenivå med standardiserte kompensasjoner." in text
    # the table of contents is a real TOC field Word updates
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert 'TOC \\o "1-2"' in xml
    assert "updateFields" in zipfile.ZipFile(path).read("word/settings.xml").decode()


def test_bilag_4_holds_the_service_levels(built):
    rows = [r for t in docx_tables(built.files["bilag_tjenesteniva"]) for r in t[1:]]
    assert rows == [["SLA-01", "Tjenesten skal være tilgjengelig 99,5 % av tiden.", "SKAL", "", "Alle", ""]]


def test_the_internal_file_holds_rationale_and_traceability(built):
    text = docx_text(built.files["intern"])
    assert "Overlappanalysen viser at begge kommunene har samme skolesystem." in text
    assert "Sporbarhet" in text and "Hentet inn av" in text
    assert "Dagens årlige kostnad" in text  # the basis of the estimate
    trace = next(t for t in docx_tables(built.files["intern"]) if t[0] == ["ID", "Hentet inn av", "Delkontrakt"])
    assert [r[0] for r in trace[1:]] == [s.id for s in built.assembly.requirements]


def _public_texts(built) -> dict[str, str]:
    texts = {}
    for key, path in built.public_files.items():
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                texts[key] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            texts[key] = path.read_text("utf-8")
    return texts


def test_no_supplier_document_holds_internal_text(built):
    for key, text in _public_texts(built).items():
        for internal in ("Hentet inn av", "Sporbarhet", "Overlappanalysen", "Sjekk Lovdata", "Dagens årlige kostnad",
                         "intern-sporbarhet", "gjaldt til"):
            assert internal not in text, f"{internal!r} in {key}"


def test_markdown_has_the_public_documents(built):
    md = built.files["markdown"].read_text("utf-8")
    titles = [line for line in md.splitlines() if line.startswith("# ")]
    assert titles == ["# Konkurransegrunnlag: Felles test-anskaffelse",
                      "# Bilag 1: Kundens kravspesifikasjon: Felles test-anskaffelse",
                      "# Bilag 4: Tjenestenivå med standardiserte kompensasjoner: Felles test-anskaffelse"]
    for s in built.assembly.requirements:
        assert f"| {s.id} |" in md
    assert "| ALARM-01 | Alarmen skal være IP-basert. | SKAL |  | 2 | NS-EN 50134 |" in md


# --------------------------------------------------------------------------- the answer matrix


def test_xlsx_one_sheet_per_lot_with_the_general_requirements_in_each(built):
    wb = openpyxl.load_workbook(built.files["kravmatrise"])
    assert wb.sheetnames == ["Delkontrakt 1", "Delkontrakt 2", "Om kravmatrisen"]
    ids = {name: [r[0].value for r in wb[name].iter_rows(min_row=2)] for name in wb.sheetnames[:2]}
    assert ids == {"Delkontrakt 1": ["AVT-01", "SLA-01", "SKOLE-01"],
                   "Delkontrakt 2": ["AVT-01", "HELSE-01", "SLA-01", "ALARM-01", "TILSYN-01"]}
    ws = wb["Delkontrakt 1"]
    assert [c.value for c in ws[1]] == ["ID", "Kategori", "Krav", "Type", "Vekt", "Delkontrakt", "Leverandørens svar",
                                        "Beskrivelse av løsningen", "Kommentar / forbehold", "Henvisning til Bilag 2"]
    assert [r[5].value for r in ws.iter_rows(min_row=2)] == ["Alle", "Alle", "1"]
    assert ws["B3"].value == "Drift, SLA og brukerstøtte (Bilag 4)"


def test_xlsx_skal_answers_are_yes_or_no_and_bor_answers_as_scored(built):
    wb = openpyxl.load_workbook(built.files["kravmatrise"])
    ws = wb["Delkontrakt 2"]  # AVT-01 SKAL, HELSE-01 SKAL, SLA-01 SKAL, ALARM-01 SKAL, TILSYN-01 BØR
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists == {'"Ja,Nei"': "G2 G3 G4 G5", '"Ja,Delvis,Nei"': "G6"}
    assert all(dv.showErrorMessage for dv in ws.data_validations.dataValidation)
    for row in ws.iter_rows(min_row=2):
        assert [c.protection.locked for c in row] == [True] * 6 + [False] * 4
    tilsyn = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "TILSYN-01")
    assert tilsyn[2].value == "=Sensoren bør varsle ved fall."
    assert tilsyn[2].data_type == "s"  # text, not a formula
    assert tilsyn[4].value == 3
    assert ws.protection.sheet is True and ws.freeze_panes == "A2"


def test_xlsx_rows_as_tall_as_their_text_and_printable(built):
    ws = openpyxl.load_workbook(built.files["kravmatrise"])["Delkontrakt 1"]
    # AVT-01: «Leverandør og avtale» (20 characters in a 22 wide column) and a 34-character text in 60: one line
    assert ws.row_dimensions[2].height == 15 + 4
    # SKOLE-01: «Funksjonelle krav, fagsystem» is 28 characters in 22: two lines
    assert ws.row_dimensions[4].height == 2 * 15 + 4
    assert all(ws.cell(row=r, column=3).alignment.wrap_text for r in range(2, 5))
    assert ws.print_title_rows == "$1:$1"  # the header row on every printed page
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight, setup.paperSize) == ("landscape", 1, 0, 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


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
    assert [d["url"].rsplit("/", 1)[1] for d in t["documents"]] == [n for n in PUBLIC if not n.startswith("ocds")]
    assert [d["documentType"] for d in t["documents"]] == [
        "biddingDocuments", "technicalSpecifications", "contractAnnexe", "technicalSpecifications", "biddingDocuments"]
    assert all(d["url"].startswith("https://") for d in t["documents"])


def _all_text(built) -> dict[str, str]:
    texts = {}
    for key, path in built.files.items():  # the internal file too
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                texts[key] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            texts[key] = path.read_text("utf-8")
    return texts


def test_confidential_values_and_contacts_absent_from_every_output(built):
    # EVE-2 (confidential) is in scope: it is listed, but its cost and contract end are not
    assert "EVE-2" in built.files["markdown"].read_text("utf-8")
    for key, text in _all_text(built).items():
        for secret in (SECRET_COST, "7 654 321", "7\u00a0654\u00a0321", "2028-06-30", "30. juni 2028", "30.06.2028",
                       SECRET_CONTACT, SECRET_EMAIL, "+47 99 99 99 99"):
            assert secret not in text, f"{secret!r} found in {key}"
