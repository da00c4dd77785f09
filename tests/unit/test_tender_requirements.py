"""Requirement library and tender-file validation: every problem names file, line and field."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from digireform.model.errors import ValidationError
from digireform.tender.definition import load_tender
from digireform.tender.requirements import load_library
from tests.support.tender import make_region, tender_yaml, write_tender


def _library(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "procurement" / "requirements"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(textwrap.dedent(text), "utf-8")
    return tmp_path


def _problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_library_loads_with_categories_and_lines(tmp_path):
    lib = load_library(make_region(tmp_path))
    assert len(lib) == 6
    skole = lib.by_id["SKOLE-01"]
    assert (skole.kind, skole.weight, skole.applies_to, skole.line) == ("bor", 5.0, ("skole_oppvekst",), 8)
    assert lib.by_id["AVT-01"].applies_to_all
    assert lib.by_id["AVT-01"].text_in(nynorsk=True) == "Leverandøren skal godta SSA-L."
    assert lib.by_id["ALARM-01"].text_in(nynorsk=True) == "Alarmen skal vere IP-basert."


def test_library_problems_have_file_line_and_field(tmp_path):
    root = _library(tmp_path, """\
        - id: X-01
          category: leverandor_avtale
          kind: skal
          text: "A"
          applies_to: all
          weight: 3
        - id: X-01
          category: ukjent_kategori
          kind: kanskje
          text: "B"
          applies_to: [skole_oppvekst, månen]
        - id: X-02
          category: miljo_klima
          kind: bor
          text: "C"
          applies_to: all
          colour: blue
        """)
    with pytest.raises(ValidationError) as exc:
        load_library(root)
    probs = _problems(exc)
    joined = "\n".join(probs)
    assert any(p.endswith("a.yaml:6: weight: bare BØR-krav kan ha vekt; et SKAL-krav er absolutt og vektes ikke") for p in probs)
    assert any(":7: id: «X-01» er brukt før (" in p and "a.yaml:1)" in p for p in probs)
    assert any(":8: category: «ukjent_kategori» er ikke en kjent kategori" in p for p in probs)
    assert any(":9: kind: «kanskje» er ikke gyldig" in p for p in probs)
    assert any(":11: applies_to: ukjent kode «månen»" in p for p in probs)
    # a missing key is reported at the line where its requirement starts
    assert any(":12: weight: mangler; et BØR-krav skal ha en vekt" in p for p in probs)
    assert any(":17: colour: ukjent nøkkel" in p for p in probs)
    assert len(probs) == 7, joined


def test_library_yaml_syntax_error_has_line(tmp_path):
    root = _library(tmp_path, """\
        - id: X-01
          text: "unclosed
        - id: X-02
        """)
    with pytest.raises(ValidationError) as exc:
        load_library(root)
    assert "ugyldig YAML" in str(exc.value)
    assert any(":3: (fil)" in p or ":4: (fil)" in p for p in _problems(exc))


def test_tender_weights_not_summing_to_100_is_an_error_at_its_line(tmp_path):
    root = make_region(tmp_path)
    text = tender_yaml(award_criteria="""\
        award_criteria:
          - {code: pris, weight: 50}
          - {code: kvalitet, weight: 30}
        """)
    path = write_tender(root, text)
    line = text.splitlines().index("award_criteria:") + 1
    with pytest.raises(ValidationError) as exc:
        load_tender(path)
    assert _problems(exc) == [f"{exc.value.problems[0].file}:{line}: award_criteria: vektene summerer til 80 %, ikke 100 %"]
    assert exc.value.problems[0].file.endswith("test.yaml")


def test_tender_weight_sum_is_said_with_a_decimal_comma(tmp_path):
    root = make_region(tmp_path)
    path = write_tender(root, tender_yaml(award_criteria="""\
        award_criteria:
          - {code: pris, weight: 50}
          - {code: kvalitet, weight: 49.5}
        """))
    with pytest.raises(ValidationError) as exc:
        load_tender(path)
    assert any(p.endswith("award_criteria: vektene summerer til 99,5 %, ikke 100 %") for p in _problems(exc))


def test_bad_tender_yaml_gives_file_line_messages(tmp_path):
    root = make_region(tmp_path)
    text = tender_yaml(
        head="""\
            title: T
            description: D
            host: 1853
            participants: ["1114", "9999"]
            colour: red
            """,
        contract="""\
            contract:
              type: SSA-X
              years: 0
              start: 2027-09-01
            """,
        timeline="""\
            timeline:
              publication: 2027-02-15
              tender_deadline: 2027-01-01
            """,
    )
    path = write_tender(root, text)
    with pytest.raises(ValidationError) as exc:
        load_tender(path, known_numbers={"1853", "1114"})
    lines = text.splitlines()
    probs = [(p.line, p.field, p.message) for p in exc.value.problems]

    def at(prefix: str) -> int:
        return next(i for i, line in enumerate(lines, start=1) if line.strip().startswith(prefix))

    assert (at("participants"), "participants", "kommunenummer 9999 finnes ikke i kommuneregisteret (2025)") in probs
    assert (at("host"), "host", "vertskommunen 1853 må også stå blant deltakerne (participants)") in probs
    assert (at("colour"), "colour", probs[[p[1] for p in probs].index("colour")][2]) in probs
    assert any(p[:2] == (at("type"), "contract.type") for p in probs)
    assert any(p[:2] == (at("years"), "contract.years") for p in probs)
    assert (at("tender_deadline"), "timeline.tender_deadline",
            "2027-01-01 er før publication (2027-02-15)") in probs


def test_unquoted_leading_zero_number_is_refused(tmp_path):
    root = make_region(tmp_path)
    path = write_tender(root, tender_yaml(head="""\
        title: T
        description: D
        host: 0301
        participants: ["1853"]
        """))
    with pytest.raises(ValidationError) as exc:
        load_tender(path)
    assert any(p.field == "host" and "firesifret" in p.message for p in exc.value.problems)


def test_unknown_requirement_id_in_include_is_reported_with_line(tmp_path):
    from digireform import load
    from digireform.tender.assembly import assemble

    root = make_region(tmp_path)
    text = tender_yaml(extra="""\
        requirements:
          include: [NOPE-1]
          weights: {AVT-01: 4}
        """)
    path = write_tender(root, text)
    tender = load_tender(path)
    with pytest.raises(ValidationError) as exc:
        assemble(load(root), tender, load_library(root))
    lines = text.splitlines()
    include_line = next(i for i, line in enumerate(lines, 1) if "include:" in line)
    weights_line = next(i for i, line in enumerate(lines, 1) if "weights:" in line)
    probs = [(p.line, p.field, p.message) for p in exc.value.problems]
    assert (include_line, "requirements.include", "ukjent krav-ID NOPE-1 (finnes ikke i kravbiblioteket)") in probs
    assert (weights_line, "requirements.weights", "AVT-01 er et SKAL-krav og kan ikke vektes") in probs


def test_cli_bad_tender_exit_1_without_traceback(tmp_path, capsys):
    from digireform.cli import main

    root = make_region(tmp_path)
    path = write_tender(root, tender_yaml(award_criteria="award_criteria:\n  - {code: pris, weight: 90}\n"))
    code = main(["tender", "build", str(path), "--data", str(root)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "award_criteria: vektene summerer til 90 %, ikke 100 %" in err
    assert not (root / "procurement" / "out").exists()


# --------------------------------------------------------------------------- kinds and documentation


def test_qualification_requirement_loads_with_documentation(tmp_path):
    root = _library(tmp_path, """\
        - id: Q-01
          category: leverandor_avtale
          kind: kvalifikasjon
          text: "Leverandøren skal ha levert tilsvarende."
          text_nn: "Leverandøren skal ha levert tilsvarande."
          documentation: "Liste over leveranser."
          documentation_nn: "Liste over leveransar."
          applies_to: all
        """)
    q = load_library(root).by_id["Q-01"]
    assert (q.kind, q.is_qualification, q.kind_label, q.weight) == ("kvalifikasjon", True, "Kvalifikasjonskrav", None)
    assert q.documentation_in(nynorsk=False) == "Liste over leveranser."
    assert q.documentation_in(nynorsk=True) == "Liste over leveransar."


def test_qualification_without_documentation_or_with_weight_and_documentation_elsewhere_are_refused(tmp_path):
    root = _library(tmp_path, """\
        - id: Q-01
          category: leverandor_avtale
          kind: kvalifikasjon
          text: "A"
          applies_to: all
          weight: 4
        - id: S-01
          category: leverandor_avtale
          kind: skal
          text: "B"
          documentation: "C"
          applies_to: all
        - id: Q-02
          category: leverandor_avtale
          kind: kvalifikasjon
          text: "D"
          documentation: "  "
          applies_to: all
        """)
    with pytest.raises(ValidationError) as exc:
        load_library(root)
    probs = _problems(exc)
    assert len(probs) == 4, probs
    assert any(p.endswith("a.yaml:6: weight: et kvalifikasjonskrav vektes ikke; det gjelder leverandøren og er oppfylt "
                          "eller ikke") for p in probs)
    assert any(p.endswith("a.yaml:1: documentation: mangler; et kvalifikasjonskrav skal si hva leverandøren legger "
                          "fram som dokumentasjon") for p in probs)
    assert any(p.endswith("a.yaml:11: documentation: bare kvalifikasjonskrav har dokumentasjonskrav; skriv "
                          "dokumentasjonen i kravteksten") for p in probs)
    assert any(p.endswith("a.yaml:17: documentation: mangler; et kvalifikasjonskrav skal si hva leverandøren legger "
                          "fram som dokumentasjon") for p in probs)  # blank counts as missing


def test_sami_marker_must_be_true_or_false(tmp_path):
    root = _library(tmp_path, """\
        - id: X-01
          category: samisk_sprak
          kind: skal
          text: "A"
          applies_to: all
          sami: ja
        """)
    with pytest.raises(ValidationError) as exc:
        load_library(root)
    assert _problems(exc)[0].endswith("a.yaml:6: sami: «ja» er ikke gyldig; skriv true eller false")


def test_category_labels_in_nynorsk(tmp_path):
    lib = load_library(make_region(tmp_path))
    assert lib.category_label("drift_sla") == "Drift, SLA og brukerstøtte"
    assert lib.category_label("drift_sla", nynorsk=True) == "Drift, SLA og brukarstøtte"
    assert lib.category_label("samisk_sprak", nynorsk=True) == "Samisk språk"


# --------------------------------------------------------------------------- Sami-language area


def test_sami_area_by_date_and_participant_order():
    from digireform.tender.requirements import sami_languages, sami_participants, sami_requirements_apply

    region = ["1806", "5512", "1853", "5516", "1851"]  # Narvik, Tjeldsund, Evenes, Gratangen, Lødingen
    assert sami_participants(region, dt.date(2027, 1, 15)) == ["5512"]
    assert sami_participants(region, dt.date(2020, 7, 1)) == ["5512"]  # the day Tjeldsund came in
    assert sami_participants(region, dt.date(2020, 6, 30)) == []
    assert sami_participants(["5518", "5612"], dt.date(1990, 1, 1)) == ["5518"]  # no date recorded: always in
    assert sami_requirements_apply(["5512"]) and not sami_requirements_apply(["1806", "1853", "5516", "1851"])
    assert sami_languages(["1806", "5025", "5512", "1875"]) == {"5025": "sørsamisk", "5512": "nordsamisk",
                                                                "1875": "lulesamisk"}


SAMI_REQUIREMENTS = """\
- id: AVT-01
  category: leverandor_avtale
  kind: skal
  text: "Leverandøren skal akseptere SSA-L."
  text_nn: "Leverandøren skal godta SSA-L."
  applies_to: all
- id: SAMI-01
  category: samisk_sprak
  kind: skal
  text: "Innbyggerrettede skjema skal finnes på samisk."
  text_nn: "Skjema retta mot innbyggjarar skal finnast på samisk."
  applies_to: all
  sami: true
- id: SAMI-02
  category: samisk_sprak
  kind: skal
  text: "Responssenteret skal kunne betjene brukere på samisk."
  text_nn: "Responssenteret skal kunne betene brukarar på samisk."
  applies_to: [responssenter]
  sami: true
"""


def _sami_assembly(tmp_path, participants: list[str], scope: str = "[trygghetsalarm]", extra: str = ""):
    from digireform import load
    from digireform.tender.assembly import assemble
    from tests.support.regionfiles import write_region

    root = write_region(tmp_path, municipalities={n: None for n in participants},
                        welfare={n: ["trygghetsalarm,in_use,Careium,Careium,10,12,2028,1,own,1000,2027-06-30,6,"]
                                 for n in participants},
                        procurement={"requirements/krav.yaml": SAMI_REQUIREMENTS})
    quoted = ", ".join(f'"{n}"' for n in participants)
    path = write_tender(root, tender_yaml(
        head=f'title: T\ndescription: D\nhost: "{participants[0]}"\nparticipants: [{quoted}]\n',
        scope=f"scope:\n  welfare_categories: {scope}\n", extra=extra))
    return assemble(load(root), load_tender(path), load_library(root))


def test_a_tender_with_tjeldsund_gets_the_sami_set(tmp_path):
    a = _sami_assembly(tmp_path, ["1806", "5512"], scope="[trygghetsalarm, responssenter]")
    by = {s.id: s for s in a.requirements}
    assert list(by) == ["AVT-01", "SAMI-01", "SAMI-02"]
    assert by["SAMI-01"].trace.reasons == ["gjelder alle anskaffelser", "deltaker i forvaltningsområdet for samisk språk"]
    assert by["SAMI-01"].trace.participants == ["5512"]  # who the requirement is there for
    assert by["AVT-01"].trace.participants == ["1806", "5512"]


def test_the_sami_set_still_follows_the_scope(tmp_path):
    a = _sami_assembly(tmp_path, ["1806", "5512"], scope="[trygghetsalarm]")
    assert [s.id for s in a.requirements] == ["AVT-01", "SAMI-01"]  # no responssenter in scope


def test_a_tender_without_a_sami_area_participant_does_not_get_it(tmp_path):
    a = _sami_assembly(tmp_path, ["1806", "1853"], scope="[trygghetsalarm, responssenter]")
    assert [s.id for s in a.requirements] == ["AVT-01"]
    b = _sami_assembly(tmp_path / "b", ["1806", "1853"], extra="requirements:\n  include: [SAMI-01]\n")
    assert [s.id for s in b.requirements] == ["AVT-01", "SAMI-01"]  # a group may still include it by id


# --------------------------------------------------------------------------- the shipped library

# Words only bokmål uses (nynorsk: ikkje, viss/om, kven, korleis, kva, kvar, frå, utan, innan,
# vere, berre, heile, sjølv, løysinga, tenesta, brukaren, til kunden, tilsvarande): one of them
# in a text_nn means bokmål was copied in or left half translated.
BOKMAL_ONLY = ("ikke", "hvis", "hvem", "hvordan", "hvilke", "hvilken", "hver", "hvert", "fra", "uten", "innen",
               "være", "bare", "hele", "selv", "løsningen", "løsninger", "tjenesten", "tjenester", "brukeren",
               "brukere", "kundens", "tilsvarende", "opplysninger", "dokumenter", "enheter", "måneder", "virkedager")


def bokmal_words(text: str) -> list[str]:
    """The bokmål-only words in `text`, in the order of BOKMAL_ONLY."""
    import re

    words = set(re.findall(r"[\wæøåÆØÅ]+", text.lower()))
    return [w for w in BOKMAL_ONLY if w in words]


@pytest.fixture(scope="module")
def shipped():
    return load_library(Path(__file__).resolve().parents[2])  # this checkout's procurement/requirements


def test_the_marker_check_catches_bokmal():
    assert bokmal_words("Løsningen skal ikke lagre data uten samtykke.") == ["ikke", "uten", "løsningen"]
    assert bokmal_words("Løysinga skal ikkje lagre data utan samtykke.") == []


def test_every_shipped_requirement_has_a_nynorsk_text_that_is_not_bokmal(shipped):
    missing = [r.id for r in shipped.requirements if not r.text_nn]
    copied = [r.id for r in shipped.requirements if r.text_nn and r.text_nn == r.text]
    mixed = {r.id: bokmal_words(r.text_nn) for r in shipped.requirements if r.text_nn and bokmal_words(r.text_nn)}
    assert (missing, copied, mixed) == ([], [], {})
    assert len(shipped) >= 200


def test_every_shipped_qualification_requirement_documents_itself_in_both_forms(shipped):
    quals = [r for r in shipped.requirements if r.is_qualification]
    assert {r.id for r in quals} >= {"AVT-07", "AVT-08", "SIK-02"}
    assert [r.id for r in quals if not (r.documentation and r.documentation_nn)] == []
    assert {r.id: bokmal_words(r.documentation_nn) for r in quals if bokmal_words(r.documentation_nn)} == {}


def test_shipped_sami_requirements_are_the_samisk_sprak_chapter(shipped):
    sami = {r.id for r in shipped.requirements if r.sami}
    chapter = {r.id for r in shipped.requirements if r.category == "samisk_sprak"}
    assert sami == chapter and len(sami) >= 5
    assert any(r.kind == "skal" for r in shipped.requirements if r.sami)


def test_shipped_library_has_no_accession_clause_and_the_alarm_standard_is_clc(shipped):
    assert "AVT-12" not in shipped.by_id  # new municipalities «joining» the contract: C-216/17
    texts = " ".join(f"{r.text} {r.text_nn} {r.reference}" for r in shipped.requirements)
    assert "tiltre" not in texts and "tre inn i avtalen" not in texts
    assert "CEN/TS 50134" not in texts and "CLC/TS 50134-9" in texts


def test_shipped_tenders_with_tjeldsund_get_the_sami_set(example_region):
    from digireform import load
    from digireform.tender.assembly import assemble

    region, library = load(example_region), load_library(example_region)
    tenders = example_region / "procurement" / "tenders"
    welfare = assemble(region, load_tender(tenders / "velferdsteknologi-2027.yaml"), library)
    epj = assemble(region, load_tender(tenders / "pleie-og-omsorg-epj-2027.yaml"), library)
    picked = {name: {s.id for s in a.requirements if s.requirement.sami} for name, a in
              (("velferd", welfare), ("epj", epj))}
    assert picked["velferd"] >= {"SAMI-01", "SAMI-02", "SAMI-04"}  # responssenter in scope
    assert picked["epj"] >= {"SAMI-01", "SAMI-02", "SAMI-05"} and "SAMI-04" not in picked["epj"]
    assert {s.trace.participants[0] for s in welfare.requirements if s.requirement.sami} == {"5512"}


def test_the_sami_area_file_names_registered_municipalities_with_a_sami_language():
    from digireform.model import register
    from digireform.tender.requirements import sami_language_area

    area = sami_language_area()
    assert len(area) == 13  # Prop. 58 L (2022–2023) kap. 5.1 and Sametinget list the same 13
    assert [n for n in area if register.get(n) is None] == []
    assert {m.language for m in area.values()} == {"nordsamisk", "lulesamisk", "sørsamisk"}
    assert area["5512"].since == dt.date(2020, 7, 1) and register.get("5512").name_no == "Tjeldsund"
    assert all(register.get(n).name_no in m.name for n, m in area.items())  # the file's name matches the number


def test_no_shipped_requirement_names_a_brand_without_or_equivalent_or_opens_the_contract(shipped):
    """The build checks the selected requirements (tender.rules); here the whole library, both forms."""
    from digireform.tender.rules import accession_phrases, brands_without_equivalent

    texts = {r.id: [t for t in (r.text, r.text_nn, r.documentation, r.documentation_nn) if t]
             for r in shipped.requirements}
    brands = {rid: b for rid, ts in texts.items() if (b := [x for t in ts for x in brands_without_equivalent(t)])}
    opening = {rid: p for rid, ts in texts.items() if (p := [x for t in ts for x in accession_phrases(t)])}
    assert (brands, opening) == ({}, {})
    assert brands_without_equivalent("Arkiver fra Outlook og Teams.") == ["Outlook", "Teams"]  # the check bites
    assert "Microsoft" in shipped.by_id["INT-02"].text  # named, with «eller tilsvarende»
