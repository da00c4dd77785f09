"""Labels, not codes, on the surfaces people read: argparse's help and errors, the template's
«Kodelister» sheet, an import dry run (each with hand-written expectations)."""
from __future__ import annotations

import subprocess
import sys

import openpyxl

from digireform.cli import main, translate_message
from digireform.ingest.template import CODES_SHEET, write_template

EXE = [sys.executable, "-m", "digireform.cli"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=120)


def test_help_is_norwegian():
    r = run("--help")
    assert r.returncode == 0
    assert r.stdout.startswith("Bruk: digireform [-h] KOMMANDO ...\n")
    assert "\nargumenter:\n" in r.stdout and "\nvalg:\n" in r.stdout
    assert "  -h, --help          vis denne hjelpeteksten og avslutt" in r.stdout
    for english in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english not in r.stdout


def test_unknown_command_is_a_norwegian_error():
    r = run("valider")
    assert r.returncode == 2
    usage, error = r.stderr.splitlines()
    assert usage == "Bruk: digireform [-h] KOMMANDO ..."
    # the commands are listed as argparse lists them (more may be added between the first and the last)
    assert error.startswith("digireform: feil: argumentet KOMMANDO: ugyldig valg: 'valider' (velg en av: 'validate', "
                            "'report', 'import-inventory', ")
    assert error.endswith(", 'dashboards')")


def test_missing_arguments_and_bad_numbers_in_norwegian():
    r = run("import-inventory")
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1] == "digireform import-inventory: feil: disse argumentene mangler: FIL, --municipality"
    r = run("dashboards", "--port", "åtte")
    assert r.stderr.splitlines()[-1] == "digireform dashboards: feil: argumentet --port: 'åtte' er ikke et heltall"
    r = run("validate", "--hjelp")
    assert r.stderr.splitlines()[-1] == "digireform: feil: ukjente argumenter: --hjelp"


def test_an_unknown_argparse_message_is_shown_as_it_is():
    assert translate_message("something argparse may say one day") == "something argparse may say one day"


def test_template_code_list_sheet_headed_by_field_labels(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "mal.xlsx"))
    heads = [c.value for c in wb[CODES_SHEET][1]]
    assert heads == ["Tjenesteområde", "Driftsform", "Livsløp", "Avtaletype", "Personopplysninger",
                     "Databehandleravtale", "Unntatt offentlighet"]


def test_import_dry_run_names_fields_and_codes_by_labels(tmp_path, region_builder, system_row, capsys):
    data = region_builder(root=tmp_path / "data", systems={"1853": [system_row(users="8", hosting="on_prem")]})
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Antall brukere;Driftsform\nEVE-001;10;SaaS\n", encoding="utf-8")
    assert main(["import-inventory", str(src), "--municipality", "1853", "--data", str(data), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:4] == [
        "Legges til: ingen",
        "Endres: EVE-001 (Driftsform: Lokal drift → Skytjeneste; Antall brukere: 8 → 10)",
        "Fjernes: ingen",
    ]
