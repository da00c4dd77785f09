"""`digireform tender build` on bad input: a Norwegian FILE:LINE message and exit 1, nothing written.

And text from the data (product names, tender title) that looks like Markdown, HTML or holds
control characters is shown as written in the documents.
"""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from digireform.tender.exports.md import escape
from tests.support.regionfiles import csv_text
from tests.support.tender import EVENES_SYSTEMS, make_region, tender_yaml, write_tender

AS_OF = "2026-11-23"


def build(root: Path, path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digireform.cli", "tender", "build", str(path), "--data", str(root),
                           "--as-of", AS_OF, *extra], capture_output=True, text=True, cwd=root, timeout=300)


def snapshot(root: Path) -> dict:
    return {p: p.read_bytes() if p.is_file() else None for p in root.rglob("*")}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def refused(r: subprocess.CompletedProcess) -> None:
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr


@pytest.fixture
def region(tmp_path) -> Path:
    return make_region(tmp_path / "data")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("block", "needle", "field", "value"), [
    ("timeline", "publication:", "timeline.publication", "2027-02-30"),
    ("contract", "start:", "contract.start", "2027-02-29"),  # 2027 is no leap year
])
def test_impossible_date_is_a_line_message(region, block, needle, field, value):
    text = tender_yaml()
    if block == "timeline":
        text = text.replace("publication: 2027-01-15", f"publication: {value}")
    else:
        text = text.replace("start: 2027-09-01", f"start: {value}")
    path = write_tender(region, text)
    before = snapshot(region)
    r = build(region, path)
    refused(r)
    line = line_of(text, f"{needle} {value}")
    assert (f"procurement/tenders/test.yaml:{line}: {field}: ugyldig dato «{value}»: dagen finnes ikke i "
            "kalenderen (ÅÅÅÅ-MM-DD)") in r.stderr
    assert snapshot(region) == before


# --------------------------------------------------------------------------- --out


def test_out_that_is_a_file_is_refused_and_nothing_written(region):
    path = write_tender(region, tender_yaml())
    target = region / "ut.txt"
    target.write_text("mitt notat", "utf-8")
    before = snapshot(region)
    r = build(region, path, "--out", "ut.txt")
    refused(r)
    assert "--out: ut.txt er en fil, ikke en mappe; oppgi en mappe (den lages om den mangler). Ingenting er skrevet." in r.stderr
    assert snapshot(region) == before


def test_out_below_a_file_is_refused(region):
    path = write_tender(region, tender_yaml())
    (region / "ut.txt").write_text("x", "utf-8")
    before = snapshot(region)
    r = build(region, path, "--out", "ut.txt/anbud")
    refused(r)
    assert "--out: ut.txt er en fil, så mappen ut.txt/anbud kan ikke lages. Ingenting er skrevet." in r.stderr
    assert snapshot(region) == before


def test_out_with_a_folder_where_a_document_goes_is_refused(region):
    path = write_tender(region, tender_yaml())
    (region / "ut" / "anbudsdokumenter.md").mkdir(parents=True)
    before = snapshot(region)
    r = build(region, path, "--out", "ut")
    refused(r)
    assert "--out: ut/anbudsdokumenter.md finnes og er ikke en fil; flytt den bort. Ingenting er skrevet." in r.stderr
    assert snapshot(region) == before


# --------------------------------------------------------------------------- odd values in the tender file


@pytest.mark.parametrize(("change", "message"), [
    (("- {code: pris, weight: 40}", "- {code: pris, weight: .nan}"), "award_criteria.weight: «nan» er ikke en vekt i prosent (0–100)"),
    (("", "estimated_value_nok: .inf\n"), "estimated_value_nok: «inf» er ikke et beløp ≥ 0 (kr eks. mva, uten mellomrom)"),
    (("type: SSA-L", "type: [SSA-L]"), "contract.type: «['SSA-L']» er ikke gyldig; gyldige: SSA-L"),
    (("", "requirements:\n  weights: {SKOLE-01: .nan}\n"), "requirements.weights: vekten for SKOLE-01 («nan») er ikke et positivt tall"),
    (("", "requirements:\n  weights: {[SKOLE-01]: 2}\n"), "(fil): ugyldig YAML: en nøkkel kan ikke være en liste eller en tabell"),
    (("- {code: kvalitet, weight: 30}", "- {code: kvalitet, weight: 30, description: [a]}"), "award_criteria.description: skal være tekst"),
    (("", "lots:\n  - {id: [1], title: Skole, service_areas: [skole_oppvekst]}\n"), "lots.id: «[1]» er ikke en ID (tekst eller tall)"),
    (("start: 2027-09-01", "start: 9027-09-01"), "contract.start: 9027-09-01 ligger utenfor årene 2000–2100; er et siffer feil?"),
    (("tender_deadline: 2027-03-01", "tender_deadline: 1027-03-01"),
     "timeline.tender_deadline: 1027-03-01 ligger utenfor årene 2000–2100; er et siffer feil?"),
])
def test_odd_values_are_messages_with_their_line(region, change, message):
    old, new = change
    text = tender_yaml(extra=new) if not old else tender_yaml().replace(old, new)
    path = write_tender(region, text)
    r = build(region, path)
    refused(r)
    line = line_of(text, new.strip().splitlines()[-1].strip())
    assert f"procurement/tenders/test.yaml:{line}: {message}" in r.stderr


@pytest.mark.parametrize(("old", "new", "message"), [
    # title on lines 1 and 2
    ("description: Test av anbudsbygging.", "title: Annen tittel",
     "procurement/tenders/test.yaml:2: (fil): ugyldig YAML: nøkkelen «title» står to ganger (linje 1 og 2)"),
    # the first award criterion is line 14 (head 4 lines, scope 3, contract 5, award_criteria:)
    ("- {code: pris, weight: 40}", "- {code: pris, weight: 40, weight: 50}",
     "procurement/tenders/test.yaml:14: (fil): ugyldig YAML: nøkkelen «weight» står to ganger på linje 14"),
])
def test_key_written_twice_is_refused_with_its_line(region, old, new, message):
    path = write_tender(region, tender_yaml().replace(old, new))
    before = snapshot(region)
    r = build(region, path)
    refused(r)
    assert message in r.stderr
    assert snapshot(region) == before


def test_requirement_library_key_written_twice_is_refused(region):
    lib = region / "procurement" / "requirements" / "krav.yaml"
    lib.write_text(lib.read_text("utf-8").replace("  weight: 5\n", "  weight: 5\n  weight: 6\n"), "utf-8")
    r = build(region, write_tender(region, tender_yaml()))
    refused(r)
    first = line_of(lib.read_text("utf-8"), "weight: 5")
    assert (f"procurement/requirements/krav.yaml:{first + 1}: (fil): ugyldig YAML: nøkkelen «weight» står to ganger "
            f"(linje {first} og {first + 1})") in r.stderr


@pytest.mark.parametrize(("item", "message"), [
    ("weight: .nan", "weight: «nan» er ikke et positivt tall"),
    ("weight: .inf", "weight: «inf» er ikke et positivt tall"),
])
def test_requirement_library_non_finite_weight(region, item, message):
    lib = region / "procurement" / "requirements" / "krav.yaml"
    lib.write_text(lib.read_text("utf-8").replace("weight: 5", item), "utf-8")
    r = build(region, write_tender(region, tender_yaml()))
    refused(r)
    assert f"procurement/requirements/krav.yaml:{line_of(lib.read_text('utf-8'), item)}: {message}" in r.stderr


def test_requirement_id_must_be_text(region):
    lib = region / "procurement" / "requirements" / "krav.yaml"
    lib.write_text(lib.read_text("utf-8").replace("- id: SKOLE-01", "- id: [SKOLE-01]"), "utf-8")
    r = build(region, write_tender(region, tender_yaml()))
    refused(r)
    assert f"procurement/requirements/krav.yaml:{line_of(lib.read_text('utf-8'), '[SKOLE-01]')}: id: skal være tekst" in r.stderr


def test_participant_with_two_folders_is_explained(region):
    import shutil

    shutil.copytree(region / "municipalities" / "1853-evenes", region / "municipalities" / "1853-evenes-kopi")
    r = build(region, write_tender(region, tender_yaml()))
    refused(r)
    assert "kommunenummer 1853 har flere mapper" in r.stderr


# --------------------------------------------------------------------------- text that is not Markdown


def test_escape_shows_text_as_written():
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape("*x* _y_ `z` [a](b) ~s~ #h") == r"\*x\* \_y\_ \`z\` \[a\](b) \~s\~ \#h"
    assert escape("a | b") == r"a \| b"
    assert escape("A & B") == "A &amp; B"
    assert escape("to\nlinjer") == "to linjer"
    assert escape("- punkt", line_start=True) == r"\- punkt"
    assert escape("1. punkt", line_start=True) == r"1\. punkt"
    assert escape("4.1 Leverandør og avtale", line_start=True) == "4.1 Leverandør og avtale"
    assert escape("- punkt") == "- punkt"  # inside a line: no meaning


HOSTILE_PRODUCT = "<script>alert(1)</script>"
HOSTILE_VENDOR = "*x* | \x07Leverandør"
HOSTILE_TITLE = 'Felles <b>anbud</b> *test* | \\x07slutt'  # YAML escape: a BEL character


@pytest.fixture
def hostile(region) -> Path:
    rows = list(EVENES_SYSTEMS)
    rows[0] = rows[0].replace("EVE-1,Visma Flyt Skole,Visma,", f'EVE-1,{HOSTILE_PRODUCT},"{HOSTILE_VENDOR}",')
    (region / "municipalities" / "1853-evenes" / "systems.csv").write_text(csv_text("systems", rows), "utf-8")
    text = tender_yaml().replace("title: Felles test-anskaffelse", f'title: "{HOSTILE_TITLE}"')
    r = build(region, write_tender(region, text), "--out", "ut")
    assert r.returncode == 0, r.stderr
    return region / "ut"


def test_markdown_escapes_data(hostile):
    md = (hostile / "anbudsdokumenter.md").read_text("utf-8")
    assert "<script>" not in md and "<b>" not in md and "\x07" not in md
    assert md.startswith(r"# Konkurransegrunnlag: Felles &lt;b&gt;anbud&lt;/b&gt; \*test\* \| slutt" + "\n")
    row = next(line for line in md.splitlines() if "| EVE-1 |" in line)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and r"\*x\* \| Leverandør" in row
    header = md.splitlines()[md.splitlines().index(row) - 2]  # header, separator, first row
    cells = re.compile(r"(?<!\\)\|")
    assert len(cells.findall(row)) == len(cells.findall(header))  # the «|» in the vendor is no new cell


def test_word_and_excel_show_the_text_as_written(hostile):
    doc = Document(str(hostile / "bilag-1-kravspesifikasjon.docx"))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Felles <b>anbud</b> *test* | slutt" in text and HOSTILE_PRODUCT in text
    assert "*x* | Leverandør" in text and "\x07" not in text
    with zipfile.ZipFile(hostile / "bilag-1-kravspesifikasjon.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    wb = openpyxl.load_workbook(hostile / "kravmatrise.xlsx")
    assert wb["Om kravmatrisen"]["B1"].value == "Felles <b>anbud</b> *test* | slutt"
    assert wb.properties.title == "Kravmatrise – Felles <b>anbud</b> *test* | slutt"
