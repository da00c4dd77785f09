"""The tender documents' words: every text in bokmål and nynorsk, and a document in one form only."""
from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, package_yaml
from digireform.tender.build import build_tender
from digireform.tender.definition import defaults
from digireform.tender.texts import markers, texts
from tests.support.tender import SLA_REQUIREMENT, add_requirements, make_region, tender_yaml, write_tender

AS_OF = dt.date(2026, 11, 23)
TENDERS = ["velferdsteknologi-2027", "pleie-og-omsorg-epj-2027"]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_text_has_both_forms_with_the_same_placeholders():
    for key, entry in texts().items():
        assert set(entry) == {"nb", "nn"}, key
        assert entry["nb"].strip() and entry["nn"].strip(), key
        assert _fields(entry["nb"]) == _fields(entry["nn"]), key


def test_every_code_the_documents_name_has_a_nynorsk_label():
    labels = package_yaml("tender_texts.yaml")["labels_nn"]
    assert set(labels["welfare_category"]) == set(code_list(WELFARE_CATEGORIES))
    assert set(labels["service_area"]) == set(code_list(SERVICE_AREAS))
    assert set(labels["contract_type"]) == set(defaults()["contract_types"])
    assert set(labels["award_criterion"]) == set(defaults()["award_criteria"])
    assert {t["id"] for t in package_yaml("thresholds.yaml")["thresholds"]} <= set(labels["threshold"])
    for c in package_yaml("requirement_categories.yaml"):
        assert c.get("label_nn"), c["code"]


def document_words(folder: Path) -> dict[str, str]:
    """Each public Word and Excel document's visible text (paragraphs, table cells, cell values)."""
    out = {}
    for path in sorted(folder.glob("*.docx")):
        doc = Document(str(path))
        out[path.name] = "\n".join([p.text for p in doc.paragraphs]
                                   + [c.text for t in doc.tables for r in t.rows for c in r.cells]
                                   + [p.text for s in doc.sections for p in s.footer.paragraphs])
    for path in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        values = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        values += [dv.error or "" for ws in wb for dv in ws.data_validations.dataValidation]
        out[path.name] = "\n".join(values + wb.sheetnames)
    return out


def found(words: list[str], text: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)]


def _build(root: Path, text: str, out: Path) -> dict[str, str]:
    result = build_tender(write_tender(root, text), data_dir=root, out_dir=out, as_of=AS_OF)
    return document_words(result.out_dir)


def test_a_nynorsk_build_is_nynorsk_all_through(tmp_path):
    root = make_region(tmp_path)
    add_requirements(root, SLA_REQUIREMENT)
    lots = 'lots:\n  - {id: "1", title: Skule, service_areas: [skole_oppvekst]}\n'
    docs = _build(root, tender_yaml(extra="language: nynorsk\n" + lots), tmp_path / "ut")
    assert sorted(docs) == ["bilag-1-kravspesifikasjon.docx", "bilag-4-tjenesteniva.docx", "konkurransegrunnlag.docx",
                            "kravmatrise.xlsx"]
    for name, text in docs.items():
        # «Felles test-anskaffelse» and «Test av anbudsbygging.» are the tender file's own words
        text = text.replace("Felles test-anskaffelse", "").replace("Test av anbudsbygging.", "")
        assert found(markers()["nb"], text) == [], name
    kg = docs["konkurransegrunnlag.docx"]
    assert "Dokumentet er skrive på nynorsk etter valet i anbodsfila (målforma til vertskommunen: Bokmål)." in kg
    assert "Kvalifikasjonskrav" in kg and "Tildelingskriterium og evaluering" in kg
    assert "Alarmen skal vere IP-basert." in docs["bilag-1-kravspesifikasjon.docx"]
    assert "Tryggleiksalarm" in docs["bilag-1-kravspesifikasjon.docx"]
    assert "Kommentar / atterhald" in docs["kravmatrise.xlsx"]


def test_a_bokmal_build_has_no_nynorsk_word(tmp_path):
    root = make_region(tmp_path)
    docs = _build(root, tender_yaml(), tmp_path / "ut")
    for name, text in docs.items():
        assert found(markers()["nn"], text) == [], name


@pytest.mark.parametrize("name", TENDERS)
def test_the_shipped_tenders_in_bokmal_have_no_nynorsk_word_and_nothing_internal(example_region, name, tmp_path):
    import yaml

    path = example_region / "procurement" / "tenders" / f"{name}.yaml"
    rationale = " ".join(yaml.safe_load(path.read_text("utf-8"))["rationale"].split())
    for doc, text in _build(example_region, path.read_text("utf-8"), tmp_path / "nb").items():
        assert found(markers()["nn"], text) == [], doc
        flat = " ".join(text.split())
        for internal in ("Sjekk Lovdata", "Hentet inn av", "Sporbarhet", "Overlappanalysen", "gjaldt til", rationale):
            assert internal not in flat, (doc, internal)


def tender_words(path: Path) -> list[str]:
    """The tender file's own free text (title, description, lots, award criteria): printed as written."""
    import yaml

    d = yaml.safe_load(path.read_text("utf-8"))
    words = [d["title"], " ".join(d["description"].split())]
    words += [str(x.get(k) or "") for x in d.get("lots") or [] for k in ("title", "description")]
    words += [" ".join(str(x.get(k) or "").split()) for x in d["award_criteria"] for k in ("description", "reason")]
    return sorted((w for w in words if w), key=len, reverse=True)


@pytest.mark.parametrize("name", TENDERS)
def test_the_shipped_tenders_in_nynorsk_have_no_bokmal_word(example_region, name, tmp_path):
    """Forced to nynorsk, every heading, sentence and requirement is nynorsk; only the tender file's own
    free text (written by the procurement officer, in bokmål here) is printed as written."""
    path = example_region / "procurement" / "tenders" / f"{name}.yaml"
    docs = _build(example_region, path.read_text("utf-8") + "\nlanguage: nynorsk\n", tmp_path / "nn")
    assert "konkurransegrunnlag.docx" in docs and "kravmatrise.xlsx" in docs
    for doc, text in docs.items():
        for own in tender_words(path):
            text = text.replace(own, "")
        assert found(markers()["nb"], text) == [], doc
