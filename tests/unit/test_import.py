"""Import of inventories from messy Excel/CSV exports, the Excel template, and the CLI."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from digireform.cli import main
from digireform.ingest import inventory as imp
from digireform.ingest.cells import convert_cell
from digireform.ingest.columns import _compact, match_header
from digireform.ingest.template import CODES_SHEET, DATA_SHEET, HELP_SHEET, build_template, write_template
from digireform.model.errors import DigireformError, ValidationError
from digireform.model.schema import code_list, file_spec, orgnr_valid
from tests.support.regionfiles import header

SPEC = file_spec("systems")
COLUMNS = SPEC.columns
HEADER = header("systems")


def row(**values: str) -> str:
    """One stored systems.csv line (canonical column order; unnamed fields empty)."""
    unknown = set(values) - set(COLUMNS)
    assert not unknown, unknown
    return ",".join(values.get(c, "") for c in COLUMNS)


ROW1 = row(system_id="EVE-001", product="Acos CMS", service_area="innbygger", lifecycle="operational",
           users="8", annual_cost_nok="55000", contract_end="2026-12-31")
ROW2 = row(system_id="EVE-002", product="Visma Enterprise", service_area="okonomi_personal",
           hosting="hosted", lifecycle="operational", users="35", annual_cost_nok="160000")
ROW3 = row(system_id="EVE-003", product="Questback", service_area="innbygger", lifecycle="operational",
           users="40")


EVENES = {"municipalities": {"1853": {"example_data": None}},  # kommune.yaml: number and name only
          "systems": [ROW1, ROW2, ROW3]}




def systems_file(data: Path) -> Path:
    return data / "municipalities" / "1853-evenes" / "systems.csv"


def stored_lines(data: Path) -> list[str]:
    return systems_file(data).read_text("utf-8").splitlines()


def write_xlsx(path: Path, rows: list[list], extra_sheet: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    for r in rows:
        ws.append(r)
    if extra_sheet:
        other = wb.create_sheet("Notater")
        other.append(["Dette arket", "skal", "ikke", "leses"])
    wb.save(path)
    return path


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(("key", "value", "stored"), [
    ("hosting", "Skytjeneste", "saas"),
    ("hosting", "  skytjeneste ", "saas"),
    ("hosting", "SAAS", "saas"),
    ("dpa", "Ja", "yes"),
    ("dpa", "nei", "no"),
    ("confidential", True, "yes"),
    ("lifecycle", "I drift", "operational"),
    ("service_area", "Sak og arkiv", "sak_arkiv"),
    ("users", 45.0, "45"),
    ("users", "1 200", "1200"),
    ("annual_cost_nok", 1250000.5, "1250000.5"),
    ("contract_end", dt.datetime(2026, 12, 31), "2026-12-31"),
    ("contract_end", 46387, "2026-12-31"),  # an Excel day number whose cell lost its date format
    ("vendor_orgnr", "974 760 673", "974760673"),
    ("vendor_orgnr", 974760673, "974760673"),
    ("integrations", "EVE-001, EVE-002; EVE-001", "EVE-001;EVE-002"),
    ("notes", "to\nlinjer", "to linjer"),
    ("system_id", 101, "101"),
])
def test_convert_cell(key, value, stored):
    assert convert_cell(value, SPEC.by_key[key]) == (stored, None)


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("users", "4,5", "er ikke et heltall"),
    ("users", "mange", "er ikke et heltall (skriv f.eks. 1 200)"),
    ("annual_cost_nok", "mange", "er ikke et tall (skriv f.eks. 1 250 000,50)"),
    ("hosting", "Skyen", "gyldige: Lokal drift (on_prem)"),
    ("contract_end", "31.02.2026", "er ikke en gyldig kalenderdato"),
    ("contract_end", "snart", "er ikke en dato"),
])
def test_convert_cell_problems(key, value, fragment):
    text, message = convert_cell(value, SPEC.by_key[key])
    assert text == "" and fragment in message


def test_header_spellings_are_unambiguous():
    """No spelling (exact or compact) of one field's header may name another field."""
    exact, compact = {}, {}
    for f in SPEC.fields:
        for s in (f.key, f.header, *f.header_aliases):
            assert exact.setdefault(imp.normalise_token(s), f.key) == f.key, s
            assert compact.setdefault(_compact(s), f.key) == f.key, s


@pytest.mark.parametrize(("header", "key"), [
    (" SYSTEM-ID ", "system_id"),
    ("system_id", "system_id"),
    ("Leverandørens org. nr", "vendor_orgnr"),
    ("Tilfredshet (1-5)", "satisfaction"),
    ("årlig  kostnad (KR eks. mva)", "annual_cost_nok"),
    ("Lisensmodell", None),
])
def test_match_header(header, key):
    f = match_header(header, SPEC)
    assert (f.key if f else None) == key


# --------------------------------------------------------------------------- messy files


MESSY_SEMICOLON = (
    " SYSTEM-ID ;System / produkt;TJENESTEOMRÅDE;  livsløp ;Antall brukere;"
    "Årlig kostnad (kr eks. mva);Avtale utløper;Driftsform;Databehandleravtale;Unntatt offentlighet\r\n"
    "EVE-003;Questback;Innbyggertjenester og selvbetjening;I drift;45;1 250 000,50;31.12.2026;"
    "Skytjeneste;Ja;nei\r\n"
    ";;;;;;;;;\r\n"
    "\r\n"
    "EVE-004;Elements;sak og arkiv;Innføres;12;kr 98 000,-;1.7.27;hosted;Ikke nødvendig;JA\r\n"
)
EXPECTED_003 = row(system_id="EVE-003", product="Questback", service_area="innbygger", hosting="saas",
                   lifecycle="operational", users="45", annual_cost_nok="1250000.5",
                   contract_end="2026-12-31", dpa="yes", confidential="no")
EXPECTED_004 = row(system_id="EVE-004", product="Elements", service_area="sak_arkiv", hosting="hosted",
                   lifecycle="phasing_in", users="12", annual_cost_nok="98000", contract_end="2027-07-01",
                   dpa="not_needed", confidential="yes")


def test_import_semicolon_windows1252(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_bytes(MESSY_SEMICOLON.encode("cp1252"))
    result = imp.import_inventory(src, "1853", data)
    assert result.written
    assert result.plan.added == ["EVE-004"]
    assert result.plan.changed["EVE-003"][0] == ("hosting", "", "saas")
    assert stored_lines(data) == [HEADER, ROW1, ROW2, EXPECTED_003, EXPECTED_004]


def test_import_comma_utf8_bom_quoted(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    text = (
        "System-ID,Produkt,Tjenesteområde,Livsløp,Årlig kostnad,Avtale utløper,Merknad,Integrasjoner\n"
        'EVE-003,Questback,innbygger,operational,"1,250,000.50",2026-12-31,"Spørring, årlig","EVE-001; EVE-002"\n'
    )
    src = tmp_path / "eksport.csv"
    src.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    imp.import_inventory(src, "1853", data)
    expected = row(system_id="EVE-003", product="Questback", service_area="innbygger", lifecycle="operational",
                   users="40", annual_cost_nok="1250000.5", contract_end="2026-12-31",
                   integrations="EVE-001;EVE-002", notes='"Spørring, årlig"')
    assert stored_lines(data) == [HEADER, ROW1, ROW2, expected]


def test_import_utf16_tab_separated(tmp_path, region_builder):
    """Excel's «Unicode-tekst» export: UTF-16 with BOM, tab-separated."""
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.txt"
    src.write_bytes("System-ID\tAntall brukere\nEVE-003\t41\n".encode("utf-16"))
    imp.import_inventory(src, "1853", data)
    assert stored_lines(data)[3] == ROW3.replace(",40,", ",41,")


def test_import_xlsx_first_sheet_title_rows_and_cell_types(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "liste.xlsx", [
        ["Systemoversikt Evenes kommune 2026"],
        [],
        ["System-ID", "System / produkt", "Leverandørens org.nr", "Tjenesteområde", "Livsløp",
         "Antall brukere", "Årlig kostnad (kr eks. mva)", "Avtale utløper", "Unntatt offentlighet"],
        ["EVE-003", "Questback", 974760673, "Innbygger", "I drift", 45.0, 1250000.5,
         dt.datetime(2026, 12, 31), False],
        [None, None, None, None, None, None, None, None, None],
        ["EVE-005", "Gerica", None, "Helse og omsorg", "Fases ut", 60, 240000, "30.06.2027", True],
    ], extra_sheet=True)
    result = imp.import_inventory(src, "1853", data)
    assert orgnr_valid("974760673")
    assert result.plan.added == ["EVE-005"]
    assert stored_lines(data) == [
        HEADER, ROW1, ROW2,
        row(system_id="EVE-003", product="Questback", vendor_orgnr="974760673", service_area="innbygger",
            lifecycle="operational", users="45", annual_cost_nok="1250000.5", contract_end="2026-12-31",
            confidential="no"),
        row(system_id="EVE-005", product="Gerica", service_area="helse_velferd", lifecycle="phasing_out",
            users="60", annual_cost_nok="240000", contract_end="2027-06-30", confidential="yes"),
    ]


def test_problem_rows_are_sheet_rows(tmp_path, region_builder):
    """Rows are numbered as in the sheet: title and blank rows count, header may be row 3."""
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "liste.xlsx", [
        ["Systemoversikt"],
        [],
        ["System-ID", "Antall brukere"],
        ["EVE-001", 3],
        [],
        ["EVE-002", "noen"],
    ])
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert [str(p) for p in err.value.problems] == [
        f"{src}:6: Antall brukere (users): «noen» er ikke et heltall (skriv f.eks. 1 200)"
    ]


# --------------------------------------------------------------------------- all or nothing


def test_bad_rows_all_reported_nothing_written(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    before = systems_file(data).read_bytes()
    src = tmp_path / "feil.csv"
    src.write_text(
        "System-ID;Produkt;Tjenesteområde;Livsløp;Antall brukere;Avtale utløper;Integrasjoner\n"
        "EVE-003;Questback;Innbygger;I drift;mange;31.12.2026;\n"      # row 2: users
        "EVE-004;Elements;Sak og arkiv;I drift;12;01.01.2027;EVE-002\n"  # row 3: fine
        "EVE-005;;Helse;Kanskje;3;31.02.2026;EVE-099\n"                  # row 4: four problems
        "EVE-004;Elements;Sak og arkiv;I drift;12;;\n",                  # row 5: duplicate ID
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    lines = [str(p) for p in err.value.problems]
    label = str(src)
    assert lines == [
        f"{label}:2: Antall brukere (users): «mange» er ikke et heltall (skriv f.eks. 1 200)",
        f"{label}:4: Livsløp (lifecycle): «Kanskje» er ikke en gyldig verdi; gyldige: "
        + ", ".join(f"{lab} ({c})" for c, lab in code_list("lifecycle").items()),
        f"{label}:4: Avtale utløper (contract_end): «31.02.2026» er ikke en gyldig kalenderdato",
        f"{label}:4: System / produkt (product): mangler (påkrevd felt)",
        f"{label}:4: Integrasjoner (integrations): peker på system-ID som ikke finnes i kommunens "
        "systems.csv: «EVE-099»",
        f"{label}:5: System-ID (system_id): «EVE-004» er brukt før, på linje 3",
    ]
    assert "rad 2, 4, 5" in err.value.message
    assert systems_file(data).read_bytes() == before


def test_missing_required_column_for_new_systems(tmp_path, region_builder):
    """Without «Tjenesteområde», existing systems keep theirs but a new one cannot be added."""
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "uten.csv"
    src.write_text("System-ID,Produkt,Livsløp\nEVE-001,Acos CMS,I drift\nEVE-009,Ny,I drift\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert [str(p) for p in err.value.problems] == [
        f"{src}:1: Tjenesteområde (service_area): kolonnen mangler; den er påkrevd for nye systemer (rad 3)"
    ]


def test_unknown_and_duplicate_headers(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "ukjent.csv"
    src.write_text("System-ID;Lisensmodell;Antall brukere;Brukere\nEVE-001;bruker;3;3\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    lines = [str(p) for p in err.value.problems]
    assert len(lines) == 2
    assert lines[0].startswith(f"{src}:1: «Lisensmodell» (kolonne 2): ukjent kolonneoverskrift; "
                               "gyldige overskrifter: «System-ID», «System / produkt»")
    assert lines[1] == (f"{src}:1: «Brukere» (kolonne 4): samme felt som «Antall brukere» (kolonne 3): "
                        "Antall brukere (users)")


def test_system_id_column_required(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "uten-id.xlsx", [["Produkt", "Antall brukere"], ["Acos CMS", 3]])
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert [str(p) for p in err.value.problems] == [
        f"{src}:1: System-ID (system_id): kolonnen mangler; den trengs for å kjenne igjen systemene"
    ]


def test_data_without_header_is_an_error(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "x.csv"
    src.write_text("System-ID,,Antall brukere\nEVE-001,hei,3\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert [str(p) for p in err.value.problems] == [f"{src}:1: kolonne 2: kolonnen har data, men ingen overskrift"]


# --------------------------------------------------------------------------- merge rules


def test_reimport_is_byte_identical(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_bytes(MESSY_SEMICOLON.encode("cp1252"))
    imp.import_inventory(src, "1853", data)
    after_first = systems_file(data).read_bytes()
    again = imp.import_inventory(src, "1853", data)
    assert not again.written and not again.plan.has_changes
    assert again.plan.unchanged == ["EVE-003", "EVE-004"]
    assert systems_file(data).read_bytes() == after_first


def test_unchanged_import_does_not_rewrite_noncanonical_file(tmp_path, region_builder):
    """A stored «55000.00» equals an imported 55 000: nothing changes, the file is not rewritten."""
    data = region_builder(root=tmp_path / "data", **{**EVENES, "systems": [ROW1.replace("55000", "55000.00")]})
    before = systems_file(data).read_bytes()
    src = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Årlig kostnad"], ["EVE-001", "55 000"]])
    result = imp.import_inventory(src, "1853", data)
    assert not result.written
    assert systems_file(data).read_bytes() == before


def test_absent_columns_keep_values_empty_cells_clear(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "delvis.csv"
    src.write_text("System-ID;Antall brukere;Årlig kostnad\nEVE-002;36;\n", encoding="utf-8")
    result = imp.import_inventory(src, "1853", data)
    assert result.plan.changed == {"EVE-002": [("users", "35", "36"), ("annual_cost_nok", "160000", "")]}
    assert result.plan.kept == ["EVE-001", "EVE-003"]
    assert stored_lines(data) == [HEADER, ROW1, ROW2.replace(",35,160000,", ",36,,"), ROW3]


def test_replace_removes_rows_not_in_file(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "bare-en.csv"
    src.write_text("System-ID,Antall brukere\nEVE-002,35\n", encoding="utf-8")
    result = imp.import_inventory(src, "1853", data, replace=True)
    assert result.plan.removed == ["EVE-001", "EVE-003"]
    assert result.plan.unchanged == ["EVE-002"]
    assert stored_lines(data) == [HEADER, ROW2]


def test_replace_cannot_break_integrations(tmp_path, region_builder):
    """Removing a system another imported row still points to is refused, naming the row."""
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "r.csv"
    src.write_text("System-ID,Integrasjoner\nEVE-002,EVE-001\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data, replace=True)
    assert [p.line for p in err.value.problems] == [2]
    assert "«EVE-001»" in err.value.problems[0].message


def test_new_municipality_file_is_created(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    systems_file(data).unlink()
    src = tmp_path / "ny.csv"
    src.write_text("System-ID;Produkt;Tjenesteområde;Livsløp\nEVE-010;Ny;Kultur;Planlagt\n", encoding="utf-8")
    imp.import_inventory(src, "Evenes", data)  # a register name works as well as the number
    assert stored_lines(data) == [HEADER, row(system_id="EVE-010", product="Ny", service_area="kultur",
                                              lifecycle="planned")]


def test_unreadable_stored_file_needs_replace(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    systems_file(data).write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n" + ROW1 + "\n").encode())
    src = tmp_path / "a.csv"
    src.write_text("System-ID,Produkt,Tjenesteområde,Livsløp\nEVE-001,Acos CMS,innbygger,I drift\n",
                   encoding="utf-8")
    with pytest.raises(ValidationError, match="--replace"):
        imp.import_inventory(src, "1853", data)
    imp.import_inventory(src, "1853", data, replace=True)
    assert stored_lines(data) == [HEADER, row(system_id="EVE-001", product="Acos CMS", service_area="innbygger",
                                              lifecycle="operational")]


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("liste.xls", b"\xd0\xcf\x11\xe0", "støttes ikke"),
    ("liste.xlsx", b"not a zip", "kan ikke leses som Excel-fil"),
    ("tom.csv", b"\n\n", "fila er tom"),
    ("bare-overskrift.csv", b"System-ID;Produkt\n", "ingen systemer"),
])
def test_unusable_files(tmp_path, region_builder, name, content, fragment):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / name
    src.write_bytes(content)
    with pytest.raises(DigireformError, match=fragment):
        imp.import_inventory(src, "1853", data)


# --------------------------------------------------------------------------- CLI


def test_cli_dry_run_prints_plan_and_writes_nothing(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    before = systems_file(data).read_bytes()
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Antall brukere\nEVE-003;45\nEVE-002;35\n", encoding="utf-8")
    code = main(["import-inventory", str(src), "--municipality", "1853", "--data", str(data),
                 "--dry-run", "--replace"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[1:] == [
        "Legges til: ingen",
        "Endres: EVE-003 (Antall brukere: 40 → 45)",
        "Fjernes: EVE-001",
        "Uendret: 1",
    ]
    assert out[0].startswith("Prøvekjøring:") and "Ingenting er lagret." in out[0]
    assert systems_file(data).read_bytes() == before


def test_cli_import_reports_kept_rows_and_saves(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Antall brukere\nEVE-003;\n", encoding="utf-8")
    assert main(["import-inventory", str(src), "--municipality", "1853", "--data", str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Endret: EVE-003 (Antall brukere: 40 → (tom))" in out
    assert "Beholdes (står ikke i fila; bruk --replace for å fjerne dem): EVE-001, EVE-002" in out
    assert out[-1].startswith("Lagret ")
    assert stored_lines(data)[3] == ROW3.replace(",40,", ",,")


def test_cli_exit_codes(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    good = tmp_path / "ok.csv"
    good.write_text("System-ID,Antall brukere\nEVE-001,9\n", encoding="utf-8")
    bad = tmp_path / "feil.csv"
    bad.write_text("System-ID,Antall brukere\nEVE-001,ni\n", encoding="utf-8")
    args = ["--data", str(data)]
    assert main(["import-inventory", str(bad), "--municipality", "1853", *args]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: Antall brukere (users): «ni» er ikke et heltall" in err and "Traceback" not in err
    assert main(["import-inventory", str(tmp_path / "mangler.csv"), "--municipality", "1853", *args]) == 1
    assert "Fant ikke fila" in capsys.readouterr().err
    assert main(["import-inventory", str(good), "--municipality", "9999", *args]) == 1
    assert "9999" in capsys.readouterr().err
    assert main(["import-inventory", str(good), "--municipality", "1806", *args]) == 1  # no folder
    assert "Fant ingen mappe for kommune 1806" in capsys.readouterr().err
    assert main(["import-inventory", str(good), "--municipality", "1853", *args]) == 0
    assert main(["inventory-template", str(tmp_path / "finnes-ikke" / "mal.xlsx")]) == 1
    assert main(["inventory-template", str(tmp_path / "mal.csv")]) == 1
    assert main(["inventory-template", str(tmp_path / "mal.xlsx")]) == 0


# --------------------------------------------------------------------------- template


def test_template_structure(tmp_path):
    path = write_template(tmp_path / "mal.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [DATA_SHEET, HELP_SHEET, CODES_SHEET]
    assert wb[CODES_SHEET].sheet_state == "hidden"
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[1]] == [f.header for f in SPEC.fields]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    area = validations["E2:E501"]  # Tjenesteområde is column E
    assert area.type == "list" and area.formula1 == "'Kodelister'!$A$2:$A$10"
    codes = wb[CODES_SHEET]
    assert [codes.cell(row=r, column=1).value for r in range(2, 11)] == list(code_list("service_area").values())
    assert validations["Q2:Q501"].type == "whole"  # satisfaction 1–5
    assert (validations["Q2:Q501"].formula1, validations["Q2:Q501"].formula2) == ("1", "5")
    assert ws["K2"].number_format == "dd.mm.yyyy"  # contract_end
    helps = [r for r in wb[HELP_SHEET].iter_rows(values_only=True) if r[1] in {f.header for f in SPEC.fields}]
    assert len(helps) == len(SPEC.fields)
    hosting = next(r for r in helps if r[1] == "Driftsform")
    assert hosting[2] == "Nei" and "Skytjeneste" in hosting[4]
    assert next(r for r in helps if r[1] == "System-ID")[2] == "Ja"


def test_template_round_trip(tmp_path, region_builder):
    """Template → filled in like a user would (labels, Excel dates and numbers) → import."""
    data = region_builder(root=tmp_path / "data", **EVENES)
    wb = build_template()
    ws = wb[DATA_SHEET]
    col = {f.key: i for i, f in enumerate(SPEC.fields, start=1)}
    filled = {
        "system_id": "EVE-010", "product": "Familia", "vendor": "Visma", "vendor_orgnr": "974760673",
        "service_area": "Skole og oppvekst", "function": "Barnevern", "hosting": "Driftet hos leverandør",
        "lifecycle": "Innføres", "users": 14, "annual_cost_nok": 210000.75,
        "contract_end": dt.datetime(2029, 3, 31), "notice_months": 6, "contract_type": "SSA-L (løpende tjenestekjøp)",
        "personal_data": "Særlige kategorier", "dpa": "Ja", "integrations": "EVE-001", "satisfaction": 4,
        "confidential": "Nei", "notes": "Erstatter papirrutiner",
    }
    for key, value in filled.items():
        ws.cell(row=2, column=col[key], value=value)
    src = tmp_path / "utfylt.xlsx"
    wb.save(src)
    result = imp.import_inventory(src, "1853", data)
    assert result.plan.added == ["EVE-010"]
    assert stored_lines(data)[-1] == row(
        system_id="EVE-010", product="Familia", vendor="Visma", vendor_orgnr="974760673",
        service_area="skole_oppvekst", function="Barnevern", hosting="hosted", lifecycle="phasing_in",
        users="14", annual_cost_nok="210000.75", contract_end="2029-03-31", notice_months="6",
        contract_type="SSA-L", personal_data="special", dpa="yes", integrations="EVE-001", satisfaction="4",
        confidential="no", notes="Erstatter papirrutiner",
    )
    assert not imp.import_inventory(src, "1853", data).written  # and again: nothing changes


# --------------------------------------------------------------------------- ambiguous input, totals, merges


def test_ambiguous_cost_is_refused_and_nothing_written(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    before = systems_file(data).read_bytes()
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Årlig kostnad\nEVE-001;kr 30.000,-\nEVE-002;12,500\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert [str(p) for p in err.value.problems] == [
        f"{src}:2: Årlig kostnad (kr eks. mva) (annual_cost_nok): «kr 30.000,-» er tvetydig (tusenskille eller "
        "desimaltegn?): skriv 30000 eller 30 000 hvis du mener tretti tusen, 30,0 hvis du mener tretti",
        f"{src}:3: Årlig kostnad (kr eks. mva) (annual_cost_nok): «12,500» er tvetydig (tusenskille eller "
        "desimaltegn?): skriv 12500 eller 12 500 hvis du mener tolv tusen fem hundre, 12,5 hvis du mener tolv komma fem",
    ]
    assert systems_file(data).read_bytes() == before


def test_dry_run_shows_every_new_and_changed_value(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Produkt;Tjenesteområde;Livsløp;Årlig kostnad;Avtale utløper;Unntatt offentlighet\n"
                   "EVE-001;Acos CMS;Innbygger;I drift;30 000;31.12.26;nei\n"
                   "EVE-009;Familia;Helse;I drift;1 250 000,50;;x\n", encoding="utf-8")
    assert main(["import-inventory", str(src), "--municipality", "1853", "--data", str(data), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:4] == [
        "Legges til: EVE-009",
        "  EVE-009: System / produkt: Familia; Tjenesteområde: Helse og velferd; Livsløp: I drift; "
        "Årlig kostnad (kr eks. mva): 1 250 000,50 kr; Unntatt offentlighet: Ja",
        "Endres: EVE-001 (Årlig kostnad (kr eks. mva): 55 000 kr → 30 000 kr; Unntatt offentlighet: (tom) → Nei)",
    ]


def test_totals_and_blank_rows_are_skipped_with_a_word(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Produkt;Årlig kostnad\nEVE-001;Acos CMS;55 000\n;;\nEVE-002;Visma Enterprise;160 000\n"
                   ";Sum:;215 000\nTotalt;;215 000\n;;\n", encoding="utf-8")
    assert main(["import-inventory", str(src), "--municipality", "1853", "--data", str(data), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-3:] == [
        "Hoppet over tomme rader: rad 3.",
        "Hoppet over rad 5: summeringsrad («Sum:»), ikke et system.",
        "Hoppet over rad 6: summeringsrad («Totalt»), ikke et system.",
    ]


def test_row_with_a_system_id_is_never_a_totals_row(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Produkt;Funksjon\nEVE-001;Acos CMS;Sum\n", encoding="utf-8")
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert result.plan.changed == {"EVE-001": [("function", "", "Sum")]} and result.notes == []


def test_merged_cells_down_a_column_are_filled_down(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    path = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Leverandør"], ["EVE-001", "Visma"], ["EVE-002", None]])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("B2:B3")
    wb.save(path)
    result = imp.import_inventory(path, "1853", data, dry_run=True)
    assert result.plan.changed == {"EVE-001": [("vendor", "", "Visma")], "EVE-002": [("vendor", "", "Visma")]}
    assert result.notes == ["Sammenslåtte celler B2:B3 (Leverandør): «Visma» er brukt på rad 2–3."]
    assert result.notes[0] in imp.format_summary(result)


def test_merged_cells_across_columns_are_refused(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    before = systems_file(data).read_bytes()
    path = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Leverandør", "Funksjon"], ["EVE-001", "Visma", None]])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("B2:C2")
    wb.save(path)
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(path, "1853", data)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2: celleområde B2:C2: sammenslåtte celler over flere kolonner kan ikke importeres uten å gjette; "
        "del dem opp (Excel: Hjem → Slå sammen og midtstill → Del opp celler) og importer på nytt"]
    assert systems_file(data).read_bytes() == before


@pytest.mark.parametrize(("cell", "stored"), [("x", "yes"), ("X", "yes"), ("Ja", "yes"), ("yes", "yes"),
                                              ("nei", "no"), ("No", "no")])
def test_confidential_spellings_at_import(tmp_path, region_builder, cell, stored):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text(f"System-ID;Unntatt offentlighet\nEVE-001;{cell}\n", encoding="utf-8")
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert result.plan.changed == {"EVE-001": [("confidential", "", stored)]}


def test_confidential_header_typo_is_an_unknown_column(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;confidental\nEVE-001;yes\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert str(err.value.problems[0]).startswith(f"{src}:1: «confidental» (kolonne 2): ukjent kolonneoverskrift; ")


def test_quote_never_closed_is_refused_with_its_line(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text('System-ID;Merknad\nEVE-001;"åpen\nEVE-002;x\n', encoding="utf-8")
    with pytest.raises(DigireformError, match=rf"^{src}:2: kan ikke leses som CSV: et anførselstegn"):
        imp.import_inventory(src, "1853", data)


def test_semicolon_export_with_commas_in_cells(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Merknad\nEVE-001;fra a, b og c\nEVE-002;d, e\n", encoding="utf-8")
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert result.plan.changed["EVE-001"] == [("notes", "", "fra a, b og c")]


# --------------------------------------------------------------------------- formulas, number merges, unlabelled sums


def with_cached_value(path: Path, cell: str, cached: str) -> Path:
    """Give formula cell `cell` the cached value Excel would have saved (openpyxl writes none)."""
    import zipfile

    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[name].decode("utf-8")
    start = xml.index(f'<c r="{cell}"')
    end = xml.index("</c>", start)
    parts[name] = (xml[:start] + xml[start:end].replace("<v></v>", f"<v>{cached}</v>") + xml[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return path


def test_formula_without_cached_value_is_refused_never_stored_empty(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    before = systems_file(data).read_bytes()
    src = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Produkt", "Årlig kostnad"],
                                           ["EVE-001", "Acos CMS", "=1000*12"], ["EVE-002", "Visma", 5]])
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert [str(p) for p in err.value.problems] == [
        f"{src}:2: Årlig kostnad (kr eks. mva) (annual_cost_nok): cellen C2 har en formel uten lagret verdi; "
        "åpne og lagre fila i Excel, eller skriv tallet"]
    assert systems_file(data).read_bytes() == before


def test_formula_with_cached_value_uses_it(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Årlig kostnad"], ["EVE-001", "=1000*12"]])
    with_cached_value(src, "B2", "12000")
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert result.plan.changed == {"EVE-001": [("annual_cost_nok", "55000", "12000")]}


@pytest.mark.parametrize(("header", "first", "message"), [
    ("Årlig kostnad", 50000, "sammenslåtte celler i en tallkolonne kan ikke fordeles på radene; "
                             "skriv beløpet på hver rad"),
    ("Antall brukere", 8, "sammenslåtte celler i en tallkolonne kan ikke fordeles på radene; skriv tallet på hver rad"),
    ("Avtale utløper", dt.date(2026, 12, 31), "sammenslåtte celler i en datokolonne kan ikke fordeles på radene; "
                                              "skriv datoen på hver rad"),
])
def test_merged_cells_in_a_number_or_date_column_are_refused(tmp_path, region_builder, header, first, message):
    data = region_builder(root=tmp_path / "data", **EVENES)
    before = systems_file(data).read_bytes()
    path = write_xlsx(tmp_path / "a.xlsx", [["System-ID", header], ["EVE-001", first], ["EVE-002", None]])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("B2:B3")
    wb.save(path)
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(path, "1853", data)
    head = SPEC.by_key[match_header(header, SPEC).key].header
    assert [str(p) for p in err.value.problems] == [f"{path}:2: B2:B3 ({head}): {message}"]
    assert systems_file(data).read_bytes() == before


def test_merged_code_and_id_list_cells_are_filled_down(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    path = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Tjenesteområde", "Integrasjoner"],
                                            ["EVE-001", "Helse", "EVE-003"], ["EVE-002", None, None]])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("B2:B3")
    wb.active.merge_cells("C2:C3")
    wb.save(path)
    result = imp.import_inventory(path, "1853", data, dry_run=True)
    assert result.plan.changed == {
        "EVE-001": [("service_area", "innbygger", "helse_velferd"), ("integrations", "", "EVE-003")],
        "EVE-002": [("service_area", "okonomi_personal", "helse_velferd"), ("integrations", "", "EVE-003")]}


def test_unlabelled_totals_row_in_csv_is_skipped_with_a_word(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Produkt;Tjenesteområde;Livsløp;Årlig kostnad\n"
                   "EVE-001;Acos CMS;Innbygger;I drift;100\nEVE-002;Visma Enterprise;Økonomi og personal;I drift;200\n"
                   ";;;;300\n", encoding="utf-8")
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert sorted(result.plan.changed) == ["EVE-001", "EVE-002"] and result.plan.added == []
    assert result.notes == ["Rad 4 ser ut som en sumrad og er hoppet over (bare tall i Årlig kostnad (kr eks. mva))."]


@pytest.mark.parametrize("total", [300, "=SUM(C2:C3)", "=sum(C2:C3)"])
def test_unlabelled_totals_row_in_xlsx_is_skipped_with_a_word(tmp_path, region_builder, total):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Produkt", "Årlig kostnad"],
                                           ["EVE-001", "Acos CMS", 100], ["EVE-002", "Visma Enterprise", 200],
                                           [None, None, total]])
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert sorted(result.plan.changed) == ["EVE-001", "EVE-002"] and result.plan.added == []
    assert result.notes == ["Rad 4 ser ut som en sumrad og er hoppet over (bare tall i Årlig kostnad (kr eks. mva))."]


def test_row_with_a_number_and_text_is_not_a_totals_row(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = tmp_path / "eksport.csv"
    src.write_text("System-ID;Produkt;Årlig kostnad\nEVE-001;Acos CMS;100\n;Gerica;300\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        imp.import_inventory(src, "1853", data)
    assert f"{src}:3: System-ID (system_id): mangler (påkrevd felt)" in [str(p) for p in err.value.problems]


def test_a_folder_given_as_the_file_is_named_as_a_folder(tmp_path, region_builder, capsys):
    data = region_builder(root=tmp_path / "data", **EVENES)
    folder = tmp_path / "t"
    folder.mkdir()
    assert main(["import-inventory", str(folder), "--municipality", "1853", "--data", str(data)]) == 1
    assert capsys.readouterr().err.strip() == f"{folder} er en mappe, ikke en fil; oppgi fila som skal importeres."


def with_cell_type(path: Path, cell: str, cell_type: str) -> Path:
    """Mark cell `cell` with type `t` as Excel writes it (t="str": a formula whose value is text)."""
    import zipfile

    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = parts[name].replace(f'<c r="{cell}">'.encode(), f'<c r="{cell}" t="{cell_type}">'.encode())
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return path


def test_formula_whose_saved_value_is_empty_text_is_empty(tmp_path, region_builder):
    """Excel saves =IF(…;"";…) as t="str" with an empty value: a real empty cell, not a missing value."""
    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Merknad", "Leverandør"],
                                           ["EVE-001", '=IF(1=2,"x","")', "Acos"]])
    with_cell_type(src, "B2", "str")
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert result.plan.changed == {"EVE-001": [("vendor", "", "Acos")]}


def test_shared_sum_formulas_across_number_columns_are_a_totals_row(tmp_path, region_builder):
    """Excel writes a SUM filled right as one shared formula: the second cell holds only a reference to it."""
    import zipfile

    data = region_builder(root=tmp_path / "data", **EVENES)
    src = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Antall brukere", "Årlig kostnad"],
                                           ["EVE-001", 8, 100], [None, "=SUM(B2:B2)", "=SUM(C2:C2)"]])
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = (parts[name]
                   .replace(b"<f>SUM(B2:B2)</f>", b'<f t="shared" ref="B3:C3" si="0">SUM(B2:B2)</f>')
                   .replace(b"<f>SUM(C2:C2)</f>", b'<f t="shared" si="0"/>'))
    with zipfile.ZipFile(src, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    result = imp.import_inventory(src, "1853", data, dry_run=True)
    assert result.notes == ["Rad 3 ser ut som en sumrad og er hoppet over (bare tall i Antall brukere, "
                            "Årlig kostnad (kr eks. mva))."]


def test_empty_merged_cells_in_a_number_column_are_nothing_to_refuse(tmp_path, region_builder):
    data = region_builder(root=tmp_path / "data", **EVENES)
    path = write_xlsx(tmp_path / "a.xlsx", [["System-ID", "Årlig kostnad"], ["EVE-001", None], ["EVE-002", None]])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("B2:B3")
    wb.save(path)
    result = imp.import_inventory(path, "1853", data, dry_run=True)
    assert result.plan.changed == {"EVE-001": [("annual_cost_nok", "55000", "")],
                                   "EVE-002": [("annual_cost_nok", "160000", "")]}
    assert result.notes == []
