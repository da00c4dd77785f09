"""The one way a table is shown to a person, the one (field, value) → words function, and passed
notice deadlines marked (notebook.tables, model.labels, model.formatting.cell, analysis.exit_windows)."""
from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest

import digireform
from digireform.analysis import exit_windows, welfare
from digireform.model import formatting, labels
from digireform.notebook import tables, views

# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (45000.0, "nok", "45 000 kr"),
    (22020000.0, "nok", "22 020 000 kr"),
    (270.3, "rate", "270,3"),
    (20.3, "rate", "20,3"),
    (0.8597, "percent", "86 %"),
    (0.8597, "percent1", "86,0 %"),
    (0.859700, "number2", "0,86"),
    (1234, "int", "1 234"),
    (2027, "year", "2027"),
    (1234, "line", "1234"),
    (2.50, "decimal", "2,5"),
    ("EVE-001;EVE-002", "id_list", "EVE-001; EVE-002"),
    (["EVE-001", "EVE-002"], "text", "EVE-001; EVE-002"),
    (pd.Timestamp("2026-06-30"), "date", "30.06.2026"),
    (dt.date(2026, 6, 30), "date_long", "30. juni 2026"),
    ("for få svar", "number2", "for få svar"),  # a text saying why a figure is withheld stays
])
def test_cell_formats_by_kind(value, kind, expected):
    assert formatting.cell(value, kind) == expected


@pytest.mark.parametrize("unknown", [None, math.nan, pd.NA, pd.NaT, "", "  "])
@pytest.mark.parametrize("kind", ["nok", "int", "rate", "date", "text", "percent"])
def test_unknown_is_a_blank_cell(unknown, kind):
    assert formatting.cell(unknown, kind) == ""


# --------------------------------------------------------------------------- labels


def test_field_and_value_in_a_persons_words():
    assert labels.field_value("users", "10", "systems") == "Antall brukere: 10"
    assert labels.field_value("annual_cost_nok", "45000.0", "systems") == "Årlig kostnad (kr eks. mva): 45 000 kr"
    assert labels.value_words("annual_cost_nok", "45000.5", "systems") == "45 000,50 kr"
    assert labels.field_value("hosting", "saas", "systems") == "Driftsform: Skytjeneste"
    assert labels.field_value("hosting", "saas", "systems", with_code=True) == "Driftsform: Skytjeneste (saas)"
    assert labels.field_value("dpa", "", "systems") == "Databehandleravtale: (tom)"
    # a label that already holds the code gets it once
    assert labels.value_words("contract_type", "SSA-L", "systems", with_code=True) == "SSA-L (løpende tjenestekjøp)"
    assert labels.field_label("digitalisation.sak_arkiv", labels.PROFILE) == "Digitaliseringsgrad, Sak og arkiv"


def test_code_lists_named_by_their_fields_and_rows_by_labels():
    assert labels.code_list_label("service_area") == "Tjenesteområde"
    assert labels.code_list_label("yes_no") == "Unntatt offentlighet"
    assert labels.row_title("welfare", "trygghetsalarm (Careium)") == "Trygghetsalarm (Careium)"
    assert labels.row_title("systems", "EVE-001") == "EVE-001"


def test_a_column_defined_nowhere_is_refused():
    with pytest.raises(KeyError):
        labels.column("ikke_en_kolonne")


# --------------------------------------------------------------------------- tables


def test_table_frame_has_labels_formatted_cells_and_no_index():
    frame = pd.DataFrame({"system_id": ["A", "B"], "annual_cost_nok": [45000.0, math.nan],
                          "hosting": ["saas", None], "contract_end": [pd.Timestamp("2026-06-30"), pd.NaT]},
                         index=[7, 9])
    shown = tables.table_frame(frame, kind="systems")
    assert list(shown.columns) == ["System-ID", "Årlig kostnad (kr eks. mva)", "Driftsform", "Avtale utløper"]
    assert shown.to_dict("records") == [
        {"System-ID": "A", "Årlig kostnad (kr eks. mva)": "45 000 kr", "Driftsform": "Skytjeneste",
         "Avtale utløper": "30.06.2026"},
        {"System-ID": "B", "Årlig kostnad (kr eks. mva)": "", "Driftsform": "", "Avtale utløper": ""},
    ]
    assert list(shown.index) == [0, 1]


def test_show_table_wraps_text_and_hides_row_numbers():
    long_text = "Dette er en lang merknad " * 20
    html = tables.show_table(pd.DataFrame({"message": [long_text], "users": [1200]})).to_html()
    assert long_text.strip() in html  # whole, not cut with «…»
    assert "white-space: normal" in html and "1 200" in html
    assert re.search(r"#T_\w+_row0_col1 \{\s*text-align: right;\s*white-space: nowrap;", html)  # the number
    assert re.search(r"#T_\w+_row0_col0 \{\s*text-align: left;", html)  # the text
    assert "row0_col0" in html and "row_heading" not in html  # no index column
    assert "rows ×" not in html and "NaN" not in html


def test_show_table_says_when_empty():
    shown = tables.show_table(pd.DataFrame(columns=["product"]), empty="Ingen i dette utvalget.")
    assert shown.data == "*Ingen i dette utvalget.*"


def test_problems_table_names_municipality_file_line_field_and_whole_message(region_builder, system_row):
    root = region_builder(systems={"1853": [system_row(hosting="cloud")]})
    shown = views.problems_table(digireform.load(root)).data
    assert list(shown.columns) == ["Kommune", "Fil", "Linje", "Felt", "Melding"]
    row = shown.iloc[0].to_dict()
    assert row["Kommune"] == "Evenes"
    assert row["Fil"].endswith("1853-evenes/systems.csv") and row["Linje"] == "2"
    assert row["Felt"] == "Driftsform (hosting)"
    assert row["Melding"] == ("«cloud» er ikke en gyldig kode; gyldige: Lokal drift (on_prem), Driftet hos leverandør "
                              "(hosted), Skytjeneste (saas), Hybrid (hybrid)")


def test_inventory_table_formats_every_field(region_builder, system_row):
    root = region_builder(systems={"1853": [system_row(annual_cost_nok="45000", integrations="", notes="")]})
    shown = views.inventory_table(digireform.load(root), "1853").data
    row = shown.iloc[0]
    assert row["Årlig kostnad (kr eks. mva)"] == "45 000 kr"
    assert row["Tjenesteområde"] == "Økonomi og personal" and row["Livsløp"] == "I drift"
    assert row["Avtale utløper"] == "30.06.2027" and row["Merknad"] == "" and row["Integrasjoner"] == ""


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(("as_of", "passed"), [
    (dt.date(2026, 6, 29), False),
    (dt.date(2026, 6, 30), False),  # on the day itself notice can still be given
    (dt.date(2026, 7, 1), True),
])
def test_deadline_passed_at_the_boundary(as_of, passed):
    deadline = dt.date(2026, 6, 30)
    assert exit_windows.deadline_passed(deadline, as_of) is passed
    assert exit_windows.deadline_note(deadline, as_of) == ("Fristen gikk ut 30. juni 2026" if passed else "")


def test_welfare_contracts_with_passed_deadline_marked_and_last(region_builder, welfare_row):
    # notice by 2026-12-30 (2027-06-30 − 6 months) and 2027-03-31 (2027-12-31 − 9 months)
    rows = [welfare_row(), welfare_row(category="lokalisering", product="Safemate", contract_end="2027-12-31",
                                       notice_months="9")]
    region = digireform.load(region_builder(welfare={"1853": rows}))
    on_the_day = welfare.contracts_ending(region, dt.date(2026, 12, 30))
    assert list(on_the_day["category"]) == ["trygghetsalarm", "lokalisering"]
    assert list(on_the_day["notice_passed"]) == [False, False]
    day_after = welfare.contracts_ending(region, dt.date(2026, 12, 31))
    assert list(day_after["category"]) == ["lokalisering", "trygghetsalarm"]  # the passed one last
    assert list(day_after["notice_note"]) == ["", "Fristen gikk ut 30. desember 2026"]
    shown = tables.contracts_table(region, as_of=dt.date(2026, 12, 31)).data
    assert shown.iloc[1].to_dict() == {
        "Kommune": "Evenes", "Kategori": "Trygghetsalarm", "Produkt": "Careium", "Leverandør": "Careium",
        "Avtale utløper": "30.06.2027", "Oppsigelsestid (mnd)": "6", "Si opp innen": "30.12.2026",
        "Oppsigelsesfrist": "Fristen gikk ut 30. desember 2026"}


def test_unknown_notice_period_leaves_the_deadline_unknown(region_builder, welfare_row):
    region = digireform.load(region_builder(welfare={"1853": [welfare_row(notice_months="")]}))
    ending = welfare.contracts_ending(region, dt.date(2027, 1, 1))
    assert ending["notice_by"].isna().all() and not ending["notice_passed"].any()
    assert list(ending["notice_note"]) == [""]


def test_windows_with_a_passed_deadline_come_last_and_are_named(region_builder, system_row):
    # Alfa: Evenes gives notice by 2026-03-30 (2026-06-30 − 3 months: passed on 2026-12-01), Narvik by
    # 2026-12-31; Beta: both by 2027-03-30
    rows = {"1853": [system_row(system_id="E1", product="Alfa", contract_end="2026-06-30", notice_months="3"),
                     system_row(system_id="E2", product="Beta", contract_end="2027-06-30", notice_months="3")],
            "1806": [system_row(system_id="N1", product="Alfa", contract_end="2027-03-31", notice_months="3"),
                     system_row(system_id="N2", product="Beta", contract_end="2027-06-30", notice_months="3")]}
    from digireform.analysis import overlap
    from digireform.analysis.catalogue import load_catalogue
    from digireform.analysis.options import ReportOptions

    region = digireform.load(region_builder(systems=rows))
    result = overlap.analyse(region.systems, load_catalogue(region.data_dir), ReportOptions(as_of=dt.date(2026, 12, 1)),
                             region_size=2)
    names = {"1806": "Narvik", "1853": "Evenes"}
    shown = tables.windows_table(result, names).data
    assert list(shown["Produkt"]) == ["Beta", "Alfa"]
    assert list(shown["Fristen gått ut"]) == ["", "Evenes"]
    assert shown.iloc[1]["Oppsigelsesfrister"] == "Narvik 31.12.2026; Evenes 30.03.2026 (gått ut)"
