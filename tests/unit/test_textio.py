"""One reading path: decoding, records with physical line numbers, tidy, delimiters, parity."""
from __future__ import annotations

import pandas as pd
import pytest

from digireform import sync
from digireform.io import textio
from digireform.io.tables import parse_tables
from digireform.model.errors import DigireformError, Problem
from digireform.model.schema import file_spec
from digireform.validate.survey import parse_stored
from digireform.validate.tables import check_tables

SPEC = file_spec("systems")
HEADER = ",".join(SPEC.columns)
LABEL = "x/systems.csv"


def line(**values: str) -> list[str]:
    return [values.get(c, "") for c in SPEC.columns]


def unquoted(cells: list[str]) -> str:
    return ",".join(cells)


def quoted(cells: list[str]) -> str:
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells)


GOOD = dict(system_id="EVE-001", product="Visma", service_area="felles", lifecycle="operational", confidential="no")


# --------------------------------------------------------------------------- records


def test_records_start_lines_after_a_multiline_cell():
    text = 'a,b\n"x\ny\nz",1\n\n3,"4"\r\n5,6\n'
    recs = textio.read_records(text, LABEL)
    assert recs.records == [["a", "b"], ["x\ny\nz", "1"], [], ["3", "4"], ["5", "6"]]
    assert recs.lines == [1, 2, 5, 6, 7]  # the record after the 3-line cell starts on line 5
    assert recs.problems == []


def test_quote_never_closed_is_a_problem_on_its_line():
    recs = textio.read_records('a,b\n1,2\n3,"open\n4,5\n', LABEL)
    assert recs.records == [["a", "b"], ["1", "2"]]
    assert recs.problems == [Problem(LABEL, 3, "(fil)", 'et anførselstegn (") åpner en celle som aldri lukkes; '
                                     "resten av filen kan ikke leses")]
    assert recs.problems[0].scope == "file"


def test_text_after_closing_quote_is_a_problem():
    recs = textio.read_records('a,b\n"x"y,2\n', LABEL)
    assert recs.problems[0].line == 2 and "etter et avsluttende anførselstegn" in recs.problems[0].message


def test_tidy_strips_unicode_spaces_and_drops_blank_rows():
    records = [["saas\u00a0", " x "], ["", "  "], ["\u202fa", "b"]]
    assert textio.tidy(records, [2, 3, 4]) == ([["saas", "x"], ["a", "b"]], [2, 4])


@pytest.mark.parametrize(("text", "expected"), [
    ("a,b\n", False), ("a, b\n", True), ("a,b \n", True), ('a," b"\n', True), ("a,b\xa0\n", True),
    (" a,b\n", True), ("a,b ", True), ("a,b", False), ("a,,\n", False), ("a,b\r\n", False), ('a,"x\ny"\n', False), ("Visma Enterprise,b\n", False),
])
def test_needs_strip(text, expected):
    assert textio.needs_strip(text) is expected


@pytest.mark.parametrize("text", [
    "h1,h2\na,b\n,\nc,d\n",
    'h1,h2\n"a\nb ",c\nd,e\n',  # the space ends the second physical line of a record
    'h1,h2\nx,y\n"a\n\u00a0b",c\n d,e\n',
    "h1,h2\r\na ,b\r\n , \r\nc,d\r\n",
])
def test_selective_tidy_gives_the_same_rows_as_stripping_all(text):
    recs = textio.read_records(text, LABEL)
    assert textio.tidy(recs.records[1:], recs.lines[1:], text) == textio.tidy(recs.records[1:], recs.lines[1:])


def test_selective_tidy_result():
    text = "h1,h2\na,b\n,\nc,d \n"
    recs = textio.read_records(text, LABEL)
    assert textio.tidy(recs.records[1:], recs.lines[1:], text) == ([["a", "b"], ["c", "d"]], [2, 4])


# --------------------------------------------------------------------------- parity


def _table(rows: list[list[str]], write, blank_lines: bool) -> str:
    body = []
    for r in rows:
        body.append(write(r))
        if blank_lines:
            body.append(write([""] * len(r)))
    return HEADER + "\n" + "\n".join(body) + "\n"


def _read(text: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    raw = parse_tables([("1853", LABEL, text)], SPEC, problems)
    typed = check_tables(raw, SPEC, problems)
    return typed, problems


def test_results_do_not_depend_on_quoting():
    """The same table unquoted and with every cell quoted: same frame, same problems, same lines.

    The first row has a non-breaking space after «saas» (tidied, valid), the second a bad user
    count; with a blank row after each (line 3 and 5), the bad cell is on line 4 in both.
    """
    rows = [line(**GOOD, hosting="saas\u00a0"), line(**{**GOOD, "system_id": "EVE-002"}, users="mange")]
    plain, plain_problems = _read(_table(rows, unquoted, blank_lines=True))
    quoted_, quoted_problems = _read(_table(rows, quoted, blank_lines=True))
    pd.testing.assert_frame_equal(plain, quoted_)
    assert plain_problems == quoted_problems == [Problem(LABEL, 4, "users", "«mange» er ikke et heltall")]
    assert plain.loc[0, "hosting"] == "saas" and pd.isna(plain.loc[1, "hosting"])
    assert list(plain["line"]) == [2, 4]


def test_multiline_note_moves_the_next_line_numbers():
    rows = [line(**GOOD, notes="første linje\nandre linje"), line(**{**GOOD, "system_id": "EVE-002"}, users="-1")]
    typed, problems = _read(_table(rows, quoted, blank_lines=False))
    assert list(typed["line"]) == [2, 4]
    assert problems == [Problem(LABEL, 4, "users", "«-1» er for lite (minst 0)")]
    assert typed.loc[0, "notes"] == "første linje\nandre linje"


def test_blocking_problems_map_lines_through_multiline_notes():
    """An old error in an untouched row after a two-line note stays a warning, not a block."""
    a = {**dict(zip(SPEC.columns, line(**GOOD), strict=True)), "notes": "to\nlinjer"}
    b = {**a, "system_id": "EVE-002", "notes": "", "users": "mange"}  # old error, untouched
    c = {**a, "system_id": "EVE-003", "notes": ""}
    before = [a, b]
    block, keep = sync.blocking_problems([a, b, c], {2}, before, "systems", "1853", LABEL)
    assert block == []
    assert keep == [Problem(LABEL, 4, "users", "«mange» er ikke et heltall")]


# --------------------------------------------------------------------------- decoding


def test_decode_stored_bom_is_reported_but_read():
    problems: list[Problem] = []
    assert textio.decode_stored(b"\xef\xbb\xbfa,b\n", LABEL, problems) == "a,b\n"
    assert problems == [Problem(LABEL, 1, "(fil)", "filen starter med BOM; lagre som UTF-8 uten BOM")]
    assert problems[0].scope == "cell"  # every row is still read: nothing is left out


def test_decode_stored_invalid_utf8_names_the_line():
    problems: list[Problem] = []
    assert textio.decode_stored("a\nLeverandør\n".encode("cp1252"), LABEL, problems) is None
    assert problems == [Problem(LABEL, 2, "(fil)", "ugyldig UTF-8 (byte 0xf8); lagre filen som UTF-8")]
    assert problems[0].scope == "file"


@pytest.mark.parametrize(("data", "text"), [
    ("Årlig;kostnad\n".encode(), "Årlig;kostnad\n"),
    (b"\xef\xbb\xbf" + "Årlig\n".encode(), "Årlig\n"),
    ("Årlig\n".encode("utf-16"), "Årlig\n"),
    ("Årlig – kostnad\n".encode("cp1252"), "Årlig – kostnad\n"),
])
def test_decode_import(data, text):
    assert textio.decode_import(data, "eksport.csv") == text


@pytest.mark.parametrize(("data", "fragment"), [
    ("Årlig".encode("utf-16-le"), "eksport.csv:1: filen inneholder NUL-tegn"),
    (b"a\n\x81\x8d", "eksport.csv:2: filen er verken UTF-8 eller Windows-1252 (byte 0x81)"),
])
def test_decode_import_refuses(data, fragment):
    with pytest.raises(DigireformError) as err:
        textio.decode_import(data, "eksport.csv")
    assert str(err.value).startswith(fragment)


def test_decode_json():
    assert textio.decode_json(b'\xef\xbb\xbf{"a": 1}', "f.json") == '{"a": 1}'
    with pytest.raises(DigireformError, match=r"f.json:1: filen er ikke UTF-8"):
        textio.decode_json(b'{"a": "\xf8"}', "f.json")


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize(("text", "delimiter"), [
    ("Hvor fornøyd er du med skole, SFO og barnehage?;Hvilken kanal, om noen, foretrekker du?;Tid\n4;Chat;x\n5;E-post;y\n", ";"),
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\n1\t2\n", "\t"),
    ('"Navn; fullt",b\n"x; y",2\n', ","),
    ("bare én kolonne\nx\n", ","),
    ("Systemoversikt, Evenes kommune\n\nSystem-ID;Produkt\nEVE-1;Acos, CMS\nEVE-2;Visma\n", ";"),
])
def test_detect_delimiter(text, delimiter):
    assert textio.detect_delimiter(text, "f.csv") == delimiter


# --------------------------------------------------------------------------- surveys read the same way


SURVEY_HEADER = ",".join(["survey", "respondent", "channel_preference", "satisfaction_byggesak",
                          "satisfaction_barnehage_skole", "satisfaction_helse_omsorg", "satisfaction_teknisk",
                          "satisfaction_kultur", "satisfaction_nettsider"])


def test_survey_row_with_one_field_too_many_is_named_others_kept():

    text = SURVEY_HEADER + "\n2025,1,phone,5,,,,,\n2025,2,email,4,,,,,,9\n2025,3,,x,,,,,\n"
    problems: list[Problem] = []
    rows = parse_stored(text, "s.csv", problems)
    assert problems == [Problem("s.csv", 3, "(rad)", "har 10 felt, men overskriften har 9; raden er ikke lest"),
                        Problem("s.csv", 4, "satisfaction_byggesak", "«x» er ikke et tall 1–5")]
    assert list(rows["line"]) == [2, 4]
    assert list(rows["satisfaction_byggesak"].astype(object)) == [5, pd.NA]


def test_survey_export_semicolon_with_commas_in_questions(tmp_path):
    from digireform.ingest import survey

    src = tmp_path / "eksport.csv"
    src.write_bytes(("Tid;Hvor fornøyd er du med byggesak, plan og oppmåling?;Hvilken kanal, om noen, foretrekker du?\n"
                     '2025-03-01;5;"Telefon,\nhelst tidlig"\n\n2025-03-02;Fornøyd;E-post\n').encode("cp1252"))
    raw = survey.read_export(src)
    assert list(raw.columns) == ["Tid", "Hvor fornøyd er du med byggesak, plan og oppmåling?",
                                 "Hvilken kanal, om noen, foretrekker du?"]
    assert raw.attrs["lines"] == [2, 5]
    assert raw.iloc[0, 2] == "Telefon,\nhelst tidlig"


def test_survey_export_bad_answer_is_named_on_its_physical_line(tmp_path):
    from digireform.ingest import survey
    from digireform.model.errors import ValidationError

    src = tmp_path / "eksport.csv"
    src.write_text('Hvor fornøyd er du med byggesaken?;Merknad\n5;"to\nlinjer"\nkanskje;\n', encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        survey.normalise_export(src)
    assert [(p.line, p.field) for p in err.value.problems] == [(4, "Hvor fornøyd er du med byggesaken?")]


def test_table_form_names_problems_of_its_own_row_after_a_multiline_note(region_builder, system_row):
    """Row 1's note spans two lines, so row 2 starts on line 4: the form of row 2 shows its own problem."""
    from digireform.notebook import TableEditor

    data = region_builder(systems=[system_row(notes="to\nlinjer"), system_row(system_id="EVE-002")])
    ed = TableEditor(data, "systems")
    ed.select(1)
    ed.fields["users"].value = "-1"
    assert "«-1» er for lite (minst 0)" in ed.messages["users"].value
    ed.select(0)
    assert ed.messages["users"].value == ""


def test_editor_snapshot_does_not_follow_a_symlink(tmp_path, region_builder):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    data = region_builder(root=tmp_path / "data")
    (data / "municipalities/1853-evenes/welfare.csv").symlink_to(secret)
    snap = sync.load_table(data, "1853", "welfare")
    assert snap.rows == [] and len(snap.problems) == 1
    assert snap.problems[0].message.startswith("er en symbolsk lenke")
