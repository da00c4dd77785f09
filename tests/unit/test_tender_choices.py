"""A tender's requirement choice: SKAL excluded only with a reason, saving the choice into the
tender file (only the changed keys), and builds that never overwrite adjusted documents silently."""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json

import pytest

from digireform import load
from digireform.cli import main
from digireform.model.errors import ValidationError
from digireform.sync import ConflictError
from digireform.tender import manifest
from digireform.tender.assembly import assemble
from digireform.tender.build import build_tender
from digireform.tender.definition import load_tender
from digireform.tender.requirements import (
    Library,
    Requirement,
    exclusion_refusal,
    load_library,
    unreasoned_exclusions,
)
from digireform.tender.save import Choices, load_tender_file, save_choices
from tests.support.tender import tender_yaml

AS_OF = dt.date(2026, 11, 23)
ALARM_REFUSAL = ("ALARM-01 er et SKAL-krav («Alarmen skal være IP-basert.») og kan bare tas ut med en "
                 'begrunnelse; skriv den under requirements.exclude_reasons (ALARM-01: "hvorfor")')


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _assemble(root, path):
    return assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)


# --------------------------------------------------------------------------- SKAL only with a reason


@pytest.mark.parametrize("reasons", ["", "  exclude_reasons:\n    ALARM-01: \"\"\n", "  exclude_reasons: {}\n"])
def test_skal_excluded_without_reason_is_refused_at_its_line(tender_region, tender_file, reasons):
    text = tender_yaml(extra="requirements:\n  exclude:\n    - TILSYN-01\n    - ALARM-01\n" + reasons)
    path = tender_file(text)
    with pytest.raises(ValidationError) as exc:
        _assemble(tender_region, path)
    found = [(p.line, p.field, p.message) for p in exc.value.problems]
    # TILSYN-01 is a BØR requirement: excluding it needs no reason
    assert found == [(_line(text, "- ALARM-01"), "requirements.exclude", ALARM_REFUSAL)]


def test_skal_excluded_with_a_reason_is_left_out(tender_region, tender_file):
    path = tender_file(tender_yaml(extra="""\
        requirements:
          exclude: [ALARM-01]
          exclude_reasons:
            ALARM-01: "  Dekkes av avtalen med responssenteret.  "
        """))
    a = _assemble(tender_region, path)
    assert [s.id for s in a.requirements] == ["AVT-01", "HELSE-01", "SKOLE-01", "TILSYN-01"]
    assert a.tender.exclude_reasons == {"ALARM-01": "Dekkes av avtalen med responssenteret."}


def test_a_reason_for_a_requirement_not_excluded_is_refused(tender_region, tender_file):
    text = tender_yaml(extra="requirements:\n  exclude_reasons:\n    AVT-01: Skrivefeil\n")
    path = tender_file(text)
    with pytest.raises(ValidationError) as exc:
        _assemble(tender_region, path)
    assert [(p.line, p.field, p.message) for p in exc.value.problems] == [
        (_line(text, "AVT-01: Skrivefeil"), "requirements.exclude_reasons",
         "begrunnelse for AVT-01, men AVT-01 står ikke i exclude; fjern linjen eller ta kravet ut")]


def test_a_reason_that_is_no_text_is_a_schema_error(tender_file):
    text = tender_yaml(extra="requirements:\n  exclude: [ALARM-01]\n  exclude_reasons:\n    ALARM-01: [a, b]\n")
    with pytest.raises(ValidationError) as exc:
        load_tender(tender_file(text))
    assert [(p.line, p.field, p.message) for p in exc.value.problems] == [
        (_line(text, "ALARM-01: [a, b]"), "requirements.exclude_reasons", "begrunnelsen for ALARM-01 skal være tekst")]


def test_every_mandatory_kind_needs_a_reason_and_bor_does_not():
    reqs = [Requirement("K-1", "leverandor_avtale", "kvalifikasjon", "Leverandøren skal ha ISO 27001.", ("all",),
                        documentation="Sertifikat"),
            Requirement("S-1", "leverandor_avtale", "skal", "Skal.", ("all",)),
            Requirement("B-1", "leverandor_avtale", "bor", "Bør.", ("all",), weight=2.0)]
    library = Library(reqs, {"leverandor_avtale": "Leverandør og avtale"})
    assert unreasoned_exclusions(library, ["B-1", "K-1", "S-1"], {"S-1": "  "}) == ["K-1", "S-1"]
    assert unreasoned_exclusions(library, ["K-1", "S-1"], {"K-1": "Ikke aktuelt", "S-1": "Dekket"}) == []
    assert exclusion_refusal(reqs[0], "skriv hvorfor") == (
        "K-1 er et kvalifikasjonskrav («Leverandøren skal ha ISO 27001.») og kan bare tas ut med en begrunnelse; "
        "skriv hvorfor")


def test_cli_build_refuses_skal_exclusion_without_reason(tender_region, tender_file, capsys):
    text = tender_yaml(extra="requirements:\n  exclude:\n    - ALARM-01\n")
    path = tender_file(text)
    code = main(["tender", "build", str(path), "--data", str(tender_region)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"test.yaml:{_line(text, '- ALARM-01')}: requirements.exclude: {ALARM_REFUSAL}" in err
    assert "Traceback" not in err
    assert not (tender_region / "procurement" / "out").exists()


# --------------------------------------------------------------------------- saving the choice


COMMENTED = tender_yaml(extra="""\
    # Kravutvalget: justert i notatboka
    requirements:
      include: [PLAN-01]   # byggesak tas med
      # vekter fra prosjektgruppa
      weights: {SKOLE-01: 6}
    publication:
      base_url: https://example.no/anbud/
    """)


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_save_writes_only_the_changed_keys(tender_region, tender_file):
    path = tender_file(COMMENTED)
    snap = load_tender_file(path)
    choices = Choices.of(load_tender(path))
    changed = dataclasses.replace(choices, exclude=("ALARM-01",), exclude_reasons={"ALARM-01": "Egen avtale: til 2029"},
                                  weights={"SKOLE-01": 8.0})
    save_choices(snap, changed, load_library(tender_region))
    after = path.read_text("utf-8")
    assert _diff(COMMENTED, after) == [
        "-  weights: {SKOLE-01: 6}",
        "+  weights: {SKOLE-01: 8}",
        "+  exclude:",
        "+    - ALARM-01",
        "+  exclude_reasons:",
        "+    ALARM-01: 'Egen avtale: til 2029'",
    ]
    assert "include: [PLAN-01]   # byggesak tas med" in after and "# vekter fra prosjektgruppa" in after
    saved = load_tender(path)
    assert (saved.include, saved.exclude, saved.weights) == (["PLAN-01"], ["ALARM-01"], {"SKOLE-01": 8.0})
    assert saved.exclude_reasons == {"ALARM-01": "Egen avtale: til 2029"}


def test_unchanged_choice_leaves_the_file_byte_identical(tender_region, tender_file):
    path = tender_file(COMMENTED)
    before = path.read_bytes()
    save_choices(load_tender_file(path), Choices.of(load_tender(path)), load_library(tender_region))
    assert path.read_bytes() == before


def test_a_file_without_a_requirements_block_gets_one_only_when_needed(tender_region, tender_file):
    text = tender_yaml()
    path = tender_file(text)
    library = load_library(tender_region)
    save_choices(load_tender_file(path), Choices(), library)
    assert path.read_text("utf-8") == text
    save_choices(load_tender_file(path), Choices(include=("PLAN-01",)), library)
    assert _diff(text, path.read_text("utf-8")) == ["+requirements:", "+  include:", "+    - PLAN-01"]


def test_refused_save_leaves_the_file_untouched(tender_region, tender_file):
    path = tender_file(COMMENTED)
    before = path.read_bytes()
    snap = load_tender_file(path)
    choices = dataclasses.replace(Choices.of(load_tender(path)), exclude=("ALARM-01",))
    with pytest.raises(ValidationError) as exc:
        save_choices(snap, choices, load_library(tender_region))
    assert [p.message for p in exc.value.problems] == [ALARM_REFUSAL]
    assert exc.value.problems[0].file.endswith("tenders/test.yaml")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["test.yaml"]  # no temp file left


def test_a_change_on_disk_to_the_choice_is_a_conflict(tender_region, tender_file):
    path = tender_file(COMMENTED)
    snap = load_tender_file(path)
    theirs = COMMENTED.replace("weights: {SKOLE-01: 6}", "weights: {SKOLE-01: 2}")
    path.write_text(theirs, "utf-8")
    choices = dataclasses.replace(Choices.of(load_tender(tender_file(COMMENTED, name="kopi.yaml"))),
                                  weights={"SKOLE-01": 9.0})
    with pytest.raises(ConflictError) as exc:
        save_choices(snap, choices, load_library(tender_region))
    assert [c.key for c in exc.value.conflicts] == ["requirements"]
    assert path.read_text("utf-8") == theirs


def test_a_change_on_disk_elsewhere_is_kept(tender_region, tender_file):
    path = tender_file(COMMENTED)
    snap = load_tender_file(path)
    theirs = COMMENTED.replace("title: Felles test-anskaffelse", "title: Ny tittel")
    path.write_text(theirs, "utf-8")
    choices = dataclasses.replace(Choices.of(load_tender(tender_file(COMMENTED, name="kopi.yaml"))),
                                  weights={"SKOLE-01": 9.0})
    save_choices(snap, choices, load_library(tender_region))
    assert _diff(theirs, path.read_text("utf-8")) == ["-  weights: {SKOLE-01: 6}", "+  weights: {SKOLE-01: 9}"]


# --------------------------------------------------------------------------- builds never overwrite silently


def _build(root, path, **kw):
    return build_tender(path, data_dir=root, as_of=AS_OF, **kw)


def test_rebuild_over_its_own_files_is_allowed(tender_region, tender_file):
    path = tender_file()
    first = _build(tender_region, path)
    second = _build(tender_region, path)
    assert set(second.files) == {"konkurransegrunnlag", "bilag_krav", "kravmatrise", "markdown", "ocds", "intern"}
    recorded = json.loads((first.out_dir / manifest.MANIFEST).read_text("utf-8"))["files"]
    assert sorted(recorded) == ["anbudsdokumenter.md", "bilag-1-kravspesifikasjon.docx", "intern/intern-sporbarhet.docx",
                                "konkurransegrunnlag.docx", "kravmatrise.xlsx", "ocds-release-package.json"]
    assert recorded["anbudsdokumenter.md"] == manifest.digest(second.files["markdown"])
    assert recorded["intern/intern-sporbarhet.docx"] == manifest.digest(second.files["intern"])


def test_a_hand_edited_document_is_not_clobbered(tender_region, tender_file):
    path = tender_file()
    first = _build(tender_region, path)
    md, docx = first.files["markdown"], first.files["konkurransegrunnlag"]
    md.write_text(md.read_text("utf-8") + "\nLagt til for hånd.\n", "utf-8")
    edited, docx_before = md.read_bytes(), docx.read_bytes()
    with pytest.raises(manifest.OverwriteRefused) as exc:
        _build(tender_region, path)
    assert exc.value.changed == [md]
    assert "anbudsdokumenter.md (endret " in str(exc.value) and "Ingenting er skrevet." in str(exc.value)
    assert md.read_bytes() == edited and docx.read_bytes() == docx_before
    _build(tender_region, path, overwrite=True)
    assert b"Lagt til for h" not in md.read_bytes()


def test_files_without_a_build_record_count_as_changed(tender_region, tender_file):
    path = tender_file()
    out = tender_region / "procurement" / "out" / "test"
    out.mkdir(parents=True)
    (out / "kravmatrise.xlsx").write_bytes(b"eget regneark")
    with pytest.raises(manifest.OverwriteRefused) as exc:
        _build(tender_region, path)
    assert exc.value.changed == [out / "kravmatrise.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == ["kravmatrise.xlsx"]


def test_cli_refuses_unless_overwrite(tender_region, tender_file, capsys):
    path = tender_file()
    args = ["tender", "build", str(path), "--data", str(tender_region), "--as-of", "2026-11-23"]
    assert main(args) == 0
    md = tender_region / "procurement" / "out" / "test" / "anbudsdokumenter.md"
    md.write_text("min versjon\n", "utf-8")
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Bygget ikke:" in err and "anbudsdokumenter.md" in err and "--overwrite" in err and "Traceback" not in err
    assert md.read_text("utf-8") == "min versjon\n"
    assert main([*args, "--overwrite"]) == 0
    assert md.read_text("utf-8") != "min versjon\n"


def test_fresh_folder_beside_the_old_one(tmp_path):
    out = tmp_path / "test"
    now = dt.datetime(2026, 12, 1, 14, 5)
    assert manifest.fresh_folder(out, now) == tmp_path / "test-2026-12-01-1405"
    (tmp_path / "test-2026-12-01-1405").mkdir()
    assert manifest.fresh_folder(out, now) == tmp_path / "test-2026-12-01-1405-2"
