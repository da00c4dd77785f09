"""Requirement library and tender-file validation: every problem names file, line and field."""
from __future__ import annotations

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
    assert lib.by_id["ALARM-01"].text_in(nynorsk=True) == "Alarmen skal være IP-basert."  # no text_nn: bokmål


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
