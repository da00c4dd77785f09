"""The command line as a user meets it: exit codes, messages, one JSON document, no traceback."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.regionfiles import copy_example

EXE = [sys.executable, "-m", "digireform.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture
def example_copy(tmp_path) -> Path:
    return copy_example(tmp_path, ["municipalities"])


def snapshot(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_validate_ok_on_shipped_data():
    r = run("validate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert "OK: 5 kommuner" in r.stderr


def test_validate_counts_in_the_right_number(example_copy):
    """One municipality left (Evenes: 28 systems, 8 welfare rows): «1 kommune», not «1 kommuner»."""
    for folder in (example_copy / "municipalities").iterdir():
        if not folder.name.startswith("1853-"):
            shutil.rmtree(folder)
    r = run("validate", "--data", str(example_copy))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK: 1 kommune, 28 systemer, " in r.stderr


def test_validate_broken_copy_exits_1_with_file_line_and_changes_nothing(example_copy):
    path = next((example_copy / "municipalities").glob("1853-*")) / "systems.csv"
    lines = path.read_text("utf-8").splitlines()
    cells = lines[3].split(",")
    cells[8] = "mange"  # users
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(example_copy)
    r = run("validate", "--data", str(example_copy), cwd=example_copy)
    assert r.returncode == 1
    assert r.stdout.strip().splitlines() == [f"municipalities/{path.parent.name}/systems.csv:4: users: «mange» er ikke et heltall"]
    assert "Traceback" not in r.stderr
    assert snapshot(example_copy) == before


def test_validate_missing_data_dir_is_a_message(tmp_path):
    r = run("validate", "--data", str(tmp_path / "nowhere"))
    assert r.returncode == 1
    assert "finnes ikke" in r.stderr and "Traceback" not in r.stderr


def test_data_dir_from_environment(example_copy):
    env_run = subprocess.run([*EXE, "validate"], capture_output=True, text=True,
                             env={**__import__("os").environ, "DIGIREFORM_DATA": str(example_copy / "nowhere")})
    assert env_run.returncode == 1 and "finnes ikke" in env_run.stderr


def test_report_json_is_one_document_with_stable_keys(example_copy):
    r = run("report", "--json", "--data", str(example_copy), "--as-of", "2026-11-23")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # exactly one JSON document
    assert set(doc["region"]) >= {"municipalities", "systems", "annual_cost_nok"}
    assert doc["region"]["municipalities"] == 5
    evenes = doc["municipalities"]["1853"]
    assert set(evenes) >= {"name", "population", "systems", "annual_cost_nok", "cost_per_inhabitant_nok", "completeness"}
    assert isinstance(evenes["systems"], int) and evenes["population"] == 1330
    assert 0 <= evenes["completeness"] <= 1
    assert doc["region"]["systems"] == sum(m["systems"] for m in doc["municipalities"].values())


def test_report_refuses_invalid_data(example_copy):
    path = next((example_copy / "municipalities").glob("1806-*")) / "kommune.yaml"
    path.write_text(path.read_text("utf-8").replace('number: "1806"', 'number: "1807"'), encoding="utf-8")
    r = run("report", "--json", "--data", str(example_copy))
    assert r.returncode == 1 and r.stdout == ""
    assert "number: kommunenummer 1807 finnes ikke i kommuneregisteret" in r.stderr


def test_bad_arguments_exit_2_with_usage():
    r = run("report", "--json", "--as-of", "31.12.2026")
    assert r.returncode == 2
    assert "er ikke en dato" in r.stderr


# --------------------------------------------------------------------------- bad data: exit 1 with a FILE message


def test_unreadable_systems_file_is_a_message(example_copy):
    path = example_copy / "municipalities" / "1853-evenes" / "systems.csv"
    path.unlink()
    path.mkdir()  # a folder where a file should be
    for command in (["validate"], ["report", "--json"]):
        r = run(*command, "--data", str(example_copy), cwd=example_copy)
        assert r.returncode == 1, r.stderr
        assert "municipalities/1853-evenes/systems.csv: (fil):" in r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr


def test_same_municipality_number_in_two_folders(example_copy):
    munis = example_copy / "municipalities"
    shutil.copytree(munis / "1853-evenes", munis / "1853-evenes-kopi")
    before = snapshot(example_copy)
    for command in (["validate"], ["report", "--json"]):
        r = run(*command, "--data", str(example_copy), cwd=example_copy)
        assert r.returncode == 1, r.stderr
        out = r.stdout + r.stderr
        assert "municipalities/1853-evenes-kopi: (mappe): kommunenummer 1853 har flere mapper" in out
        assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr
    assert snapshot(example_copy) == before


def test_survey_row_with_one_field_too_many(example_copy):
    path = example_copy / "municipalities" / "1853-evenes" / "survey.csv"
    lines = path.read_text("utf-8").splitlines()
    lines[2] += ",ekstra"  # line 3
    path.write_text("\n".join(lines) + "\n", "utf-8")
    for command in (["validate"], ["report", "--json"]):
        r = run(*command, "--data", str(example_copy), cwd=example_copy)
        assert r.returncode == 1, r.stderr
        assert "municipalities/1853-evenes/survey.csv:3: " in r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr


def test_twenty_digit_user_count(example_copy):
    path = example_copy / "municipalities" / "1853-evenes" / "systems.csv"
    lines = path.read_text("utf-8").splitlines()
    cells = lines[2].split(",")
    cells[8] = "12345678901234567890"  # users, line 3
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    for command in (["validate"], ["report", "--json"]):
        r = run(*command, "--data", str(example_copy), cwd=example_copy)
        assert r.returncode == 1, r.stderr
        assert "municipalities/1853-evenes/systems.csv:3: users: «12345678901234567890»" in r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr


def test_deeply_nested_json_to_import_population(example_copy):
    deep = example_copy / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    before = snapshot(example_copy)
    r = run("import-population", "deep.json", "--data", str(example_copy), cwd=example_copy)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("deep.json")
    assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr
    assert snapshot(example_copy) == before


def test_tender_date_that_is_no_calendar_day(example_copy):
    copy_example(example_copy, ["procurement"])
    path = example_copy / "procurement" / "tenders" / "velferdsteknologi-2027.yaml"
    text = path.read_text("utf-8")
    old = next(line for line in text.splitlines() if line.strip().startswith("publication:"))
    path.write_text(text.replace(old, "  publication: 2027-02-30"), "utf-8")
    line = text.splitlines().index(old) + 1
    r = run("tender", "build", "velferdsteknologi-2027", "--data", str(example_copy), "--out", "ut", cwd=example_copy)
    assert r.returncode == 1, r.stderr
    assert (f"procurement/tenders/velferdsteknologi-2027.yaml:{line}: timeline.publication: ugyldig dato «2027-02-30»"
            in r.stderr)
    assert not (example_copy / "ut").exists()


def test_tender_out_pointing_at_a_file(example_copy):
    copy_example(example_copy, ["procurement"])
    (example_copy / "ut.docx").write_bytes(b"mitt dokument")
    before = snapshot(example_copy)
    r = run("tender", "build", "velferdsteknologi-2027", "--data", str(example_copy), "--out", "ut.docx", cwd=example_copy)
    assert r.returncode == 1, r.stderr
    assert "--out: ut.docx er en fil, ikke en mappe" in r.stderr
    assert snapshot(example_copy) == before


@pytest.mark.parametrize(("exc", "message"), [
    (PermissionError(13, "Permission denied", "/data/municipalities/1853-evenes/systems.csv"),
     "/data/municipalities/1853-evenes/systems.csv: (fil): kan ikke leses eller skrives: ingen tilgang\n"),
    (OSError(28, "No space left on device", "/data/ut/rapport.docx"),
     "/data/ut/rapport.docx: (fil): kan ikke leses eller skrives: disken er full\n"),
    (OSError(30, "Read-only file system"), "Fil- eller systemfeil: disken er skrivebeskyttet\n"),
])
def test_operating_system_errors_name_the_file_in_norwegian(monkeypatch, capsys, exc, message):
    from digireform import cli

    def fail(args):
        raise exc

    monkeypatch.setattr(cli, "_handler", lambda command: fail)
    monkeypatch.delenv("DIGIREFORM_DEBUG", raising=False)
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().err == message


@pytest.mark.parametrize("day", ["3027-06-30", "1027-06-30"])  # a slipped digit: outside pandas' date range
def test_contract_end_far_outside_the_date_range(example_copy, day):
    path = example_copy / "municipalities" / "1853-evenes" / "systems.csv"
    lines = path.read_text("utf-8").splitlines()
    cells = lines[2].split(",")
    cells[10] = day  # contract_end, line 3
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    for command in (["validate"], ["report", "--json"]):
        r = run(*command, "--data", str(example_copy), cwd=example_copy)
        assert r.returncode == 1, r.stderr
        assert f"municipalities/1853-evenes/systems.csv:3: contract_end: «{day}»" in r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "Uventet feil" not in r.stderr
