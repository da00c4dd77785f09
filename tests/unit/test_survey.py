"""Citizen survey: Likert parsing, column recognition, import, minimum-count rule."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

import digireform
from digireform import cli
from digireform.analysis.options import ReportOptions
from digireform.analysis.survey import summarise
from digireform.ingest import survey
from digireform.io.tables import fit_rows
from digireform.model.errors import ValidationError
from digireform.report import build_report
from digireform.validate.region import validate
from digireform.validate.survey import parse_stored, stored_columns
from tests.support.regionfiles import write_region

FIX = Path(__file__).parents[1] / "fixtures" / "survey"


def folder(root: Path) -> Path:
    return write_region(root, municipalities={"1853": {"example_data": None}}) / "municipalities" / "1853-evenes"


@pytest.mark.parametrize(("text", "score"), [
    ("5", 5), ("4 - Fornøyd", 4), ("Svært fornøyd", 5), ("  misfornøyd ", 2), ("1", 1),
    ("Verken fornøyd eller misfornøyd", 3), ("Vet ikke", None), ("", None),
])
def test_likert(text, score):
    assert survey.parse_likert(text) == (score, True)


def test_likert_rejects_other_text():
    assert survey.parse_likert("kanskje") == (None, False)
    assert survey.parse_likert("6") == (None, False)


def test_channel_words():
    assert survey.parse_channel("E-post")[0] == "email"
    assert survey.parse_channel("Personlig oppmøte på servicetorget")[0] == "visit"
    assert survey.parse_channel("Brev")[0] == "letter"


def test_columns_are_recognised_and_personal_data_dropped():
    rows, notes = survey.normalise_export(FIX / "forms-eksport.csv")
    assert list(rows["satisfaction_byggesak"]) == [5, 4, 2, None, 5, 4]
    assert "E-post, Navn" in notes[0]
    assert rows["survey"].iloc[0] == "2025"  # from the completion times
    assert not any("mail" in c or "navn" in c for c in rows.columns)


def test_summary_minimum_five_responses():
    rows, _ = survey.normalise_export(FIX / "forms-eksport.csv")
    s = summarise(rows)
    # byggesak: 5, 4, 2, 5, 4 («Vet ikke» not counted) → mean 4.0, 4 of 5 satisfied
    assert s["satisfaction"]["byggesak"] == {"n": 5, "mean": 4.0, "share_satisfied": 0.8}
    # nettsider: 4, 2, 1 → three answers: withheld
    assert s["satisfaction"]["nettsider"] == {"n": 3, "suppressed": True}
    # channel: phone, email, digital, phone, visit (one blank) → 5 answers
    assert s["channel_preference"]["shares"]["phone"] == 0.4
    assert s["channel_preference"]["n"] == 5
    # with a stricter minimum the channel question is withheld too
    assert summarise(rows, min_responses=6)["channel_preference"] == {"n": 5, "suppressed": True}


def test_boundary_four_is_withheld_five_is_shown():
    base = pd.DataFrame({c: [None] * 5 for c in stored_columns()}, dtype=object)
    base["satisfaction_kultur"] = [1, 2, 3, 4, 5]
    assert summarise(base)["satisfaction"]["kultur"]["mean"] == 3.0
    assert summarise(base.iloc[:4])["satisfaction"]["kultur"] == {"n": 4, "suppressed": True}


def test_bad_answer_names_file_line_and_column():
    with pytest.raises(ValidationError) as err:
        survey.normalise_export(FIX / "nettskjema-cp1252.csv")  # Windows-1252, semicolons
    text = str(err.value)
    assert "nettskjema-cp1252.csv:3: Hvor fornøyd er du med barnehage og skole?: «kanskje»" in text


def test_cli_import_and_reimport_replaces_same_survey(tmp_path, capsys):
    f = folder(tmp_path)
    args = ["import-survey", str(FIX / "forms-eksport.csv"), "--municipality", "1853", "--data", str(tmp_path)]
    assert cli.main(args) == 0
    assert cli.main(args) == 0
    stored = pd.read_csv(f / "survey.csv", dtype=str)
    assert len(stored) == 6 and set(stored["survey"]) == {"2025"}
    assert "E-post" not in (f / "survey.csv").read_text("utf-8")
    assert "Lagret 6 svar" in capsys.readouterr().out


def test_cli_bad_file_writes_nothing(tmp_path, capsys):
    f = folder(tmp_path)
    args = ["import-survey", str(FIX / "nettskjema-cp1252.csv"), "--municipality", "1853", "--data", str(tmp_path)]
    assert cli.main(args) == 1
    assert not (f / "survey.csv").exists()
    assert "«kanskje»" in capsys.readouterr().err


def test_report_section_and_stored_file_problems(tmp_path):
    f = folder(tmp_path)
    survey.import_survey(FIX / "forms-eksport.csv", "1853", tmp_path)
    rep = build_report(digireform.load(tmp_path), ReportOptions(as_of=dt.date(2026, 1, 1)))
    s = rep["municipalities"]["1853"]["survey"]
    assert s["survey"] == "2025" and s["respondents"] == 6
    assert s["satisfaction"]["nettsider"]["suppressed"] is True
    (f / "survey.csv").write_text(stored_columns().__str__().strip("[]").replace("'", "").replace(" ", "")
                                  + "\n2025,1,phone,7,,,,,\n", encoding="utf-8")
    problems = validate(tmp_path)  # survey.csv problems are validation problems
    assert [str(p).split(": ", 1)[1] for p in problems] == ["satisfaction_byggesak: «7» er ikke et tall 1–5"]


def _export(path: Path, channels: list[str]) -> Path:
    lines = ["Fullføringstidspunkt,Hvor fornøyd er du med byggesaksbehandlingen?,Hvilken kanal foretrekker du?"]
    lines += [f"2025-03-1{i} 10:00:00,4,{c}" for i, c in enumerate(channels)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_unknown_channel_answers_become_other_with_a_count(tmp_path, capsys):
    f = folder(tmp_path)
    export = _export(tmp_path / "svar.csv", ["Facebook", "Annet", "Via naboen", "Telefon", "Facebook"])
    args = ["import-survey", str(export), "--municipality", "1853", "--data", str(tmp_path)]
    assert cli.main(args) == 0
    stored = pd.read_csv(f / "survey.csv", dtype=str, keep_default_na=False)
    # «Annet» is the label itself; the other three free-text answers name no channel
    assert list(stored["channel_preference"]) == ["other", "other", "other", "phone", "other"]
    out = capsys.readouterr().out
    assert "3 svar om foretrukket kanal nevnte ingen kjent kanal (f.eks. «Facebook», «Via naboen»)" in out
    assert "lagret som «Annet»" in out and "Lagret 5 svar" in out
    assert sorted(p.name for p in f.iterdir()) == ["kommune.yaml", "survey.csv"]  # no lock or temp file


def test_known_channels_give_no_other_note(tmp_path):
    _, notes = survey.normalise_export(_export(tmp_path / "svar.csv", ["Telefon", "E-post"]))
    assert not any("Annet" in n for n in notes)


def test_other_year_stored_meanwhile_is_kept(tmp_path):
    f = folder(tmp_path)
    survey.import_survey(FIX / "forms-eksport.csv", "1853", tmp_path)
    # someone re-imports 2024 from another file: 2025 stays, 2024 is added
    lines = ["Tidsstempel,Hvilken kanal foretrekker du?", "14.03.2024 10:22,Brev", "15.03.2024 11:00,Chat"]
    (tmp_path / "2024.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    survey.import_survey(tmp_path / "2024.csv", "1853", tmp_path)
    stored = pd.read_csv(f / "survey.csv", dtype=str)
    assert stored["survey"].value_counts().to_dict() == {"2025": 6, "2024": 2}


def test_merge_uses_the_bytes_read_under_the_lock(tmp_path):
    """The merge works on the bytes write_files fingerprinted, not on a second read of the file."""
    f = folder(tmp_path)
    survey.import_survey(FIX / "forms-eksport.csv", "1853", tmp_path)
    current = (f / "survey.csv").read_bytes()  # 2025: 6 answers
    (f / "survey.csv").unlink()  # a second read would find nothing
    lines = ["Tidsstempel,Hvilken kanal foretrekker du?", "14.03.2024 10:22,Brev", "15.03.2024 11:00,Chat"]
    (tmp_path / "2024.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows, _ = survey.normalise_export(tmp_path / "2024.csv")
    text = survey._merged_text(f / "survey.csv", current, rows)
    merged = pd.read_csv(io.StringIO(text), dtype=str)
    assert merged["survey"].value_counts().to_dict() == {"2025": 6, "2024": 2}


def test_refused_import_leaves_the_stored_file_and_no_temp(tmp_path):
    f = folder(tmp_path)
    survey.import_survey(FIX / "forms-eksport.csv", "1853", tmp_path)
    before = (f / "survey.csv").read_bytes()
    (f / "survey.csv").write_bytes(before + b"2025,7,phone,9,,,,,\n")  # a bad stored row
    broken = (f / "survey.csv").read_bytes()
    with pytest.raises(ValidationError, match="har feil fra før"):
        survey.import_survey(FIX / "forms-eksport.csv", "1853", tmp_path)
    assert (f / "survey.csv").read_bytes() == broken
    assert sorted(p.name for p in f.iterdir()) == ["kommune.yaml", "survey.csv"]


def test_a_folder_given_as_the_export_is_named_as_a_folder(tmp_path):
    from digireform.model.errors import DigireformError

    with pytest.raises(DigireformError, match="er en mappe, ikke en fil"):
        survey.read_export(tmp_path)


def test_stored_survey_rows_are_fitted_like_the_stores_files():
    """parse_stored uses fit_rows: same long-row problem, padding and column order."""
    from digireform.model.errors import Problem

    header = "respondent,survey,satisfaction_byggesak"  # reordered; the other columns absent
    text = f"{header}\n1,2025,5\n2,2025,4,9\n3,2025\n"
    problems: list[Problem] = []
    rows = parse_stored(text, "s.csv", problems)
    long_row = Problem("s.csv", 3, "(rad)", "har 4 felt, men overskriften har 3; raden er ikke lest")
    assert problems == [long_row] and problems[0].scope == "row"
    assert list(rows["line"]) == [2, 4] and list(rows["survey"]) == ["2025", "2025"]
    assert list(rows["satisfaction_byggesak"]) == [5, pd.NA]
    expected: list[Problem] = []
    fitted = fit_rows([["1", "2025", "5"], ["2", "2025", "4", "9"], ["3", "2025"]], [2, 3, 4],
                            header.split(","), stored_columns(), "s.csv", expected)
    assert expected == [long_row] and fitted[1] == [2, 4]
    assert fitted[0][1][:4] == ["2025", "3", "", ""]
