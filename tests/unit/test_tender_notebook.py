"""Notebook 05's widgets driven in-process (`button.click()`, widget values) on the tender fixture:
problems instead of tracebacks, the tender drop-down, requirement rows, SKAL exclusions only with
a reason, saving the choice into the tender file, and builds that ask before overwriting."""
from __future__ import annotations

import datetime as dt
import difflib
import re

import pytest

from digireform.notebook.tender import TenderNotebook
from tests.support.tender import tender_yaml

AS_OF = dt.date(2026, 11, 23)
COMMENTED = tender_yaml(extra="""\
    requirements:
      # vekter fra prosjektgruppa
      weights: {SKOLE-01: 6}   # avtalt 2026-11-20
    """)
BAD_ROW = "EVE-9,Noe,,,skole_oppvekst,,saas,operational,mange,,,,,,,,,no,\n"


def _cells(html: str) -> list[list[str]]:
    """The rows of the HTML tables in `html`, as lists of cell texts."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    return [[re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)] for r in rows]


def _shown(widget) -> bool:
    return widget.layout.display != "none"


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.fixture
def notebook(tender_region, tender_file):
    """`open(text=None) -> (TenderNotebook, tender path)` on the fixture region."""
    def open_(text: str | None = None):
        path = tender_file(text)
        return TenderNotebook(tender_region, as_of=AS_OF), path
    return open_


# --------------------------------------------------------------------------- problems, never a traceback


def test_a_bad_row_shows_the_problems_table_and_stops_quietly(tender_region, notebook):
    systems = tender_region / "municipalities" / "1853-evenes" / "systems.csv"
    with systems.open("a", encoding="utf-8") as fh:
        fh.write(BAD_ROW)
    line = len(systems.read_text("utf-8").splitlines())
    nb, _ = notebook()
    rows = _cells(nb.problems.value)
    assert rows[0] == ["Fil", "Linje", "Felt", "Melding"]
    assert [(r[0].endswith("1853-evenes/systems.csv"), r[1], r[2], r[3]) for r in rows[1:]] == [
        (True, str(line), "Antall brukere (users)", "«mange» er ikke et heltall")]
    assert "Dataene til deltakerne har feil" in nb.problems.value
    assert not any(_shown(p) for p in (nb.overview(), nb.editor(), nb.builder()))
    assert nb.key_figures() == "Ingen nøkkeltall: rett feilene øverst i notatboka først."
    nb.build_button.click()  # hidden, and harmless if clicked
    nb.save_button.click()
    assert not (tender_region / "procurement" / "out").exists()


def test_a_bad_tender_file_shows_its_problems_and_a_good_one_clears_them(tender_region, tender_file):
    bad = tender_yaml(head='title: "A: ugyldig"\ndescription: x\nhost: "1853"\nparticipants: ["1853", "1114"]\n',
                      award_criteria="award_criteria:\n  - {code: pris, weight: 90}\n")
    tender_file(bad, name="a.yaml")
    tender_file(name="b.yaml")
    nb = TenderNotebook(tender_region, as_of=AS_OF)
    assert nb.picker.value.name == "a.yaml"
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if text.startswith("award_criteria"))
    rows = _cells(nb.problems.value)
    assert [r[1:] for r in rows[1:]] == [[str(line), "award_criteria", "vektene summerer til 90 %, ikke 100 %"]]
    assert not _shown(nb.overview())
    nb.picker.value = tender_region / "procurement" / "tenders" / "b.yaml"
    assert nb.problems.value == ""
    assert _shown(nb.overview()) and nb.key_figures().startswith("b: ")


# --------------------------------------------------------------------------- choosing a tender


def test_the_dropdown_lists_the_tenders_by_title(tender_region, tender_file):
    head = 'title: {t}\ndescription: x\nhost: "1853"\nparticipants: ["1853", "1114"]\n'
    tender_file(tender_yaml(head=head.format(t="Velferdsteknologi 2027")), name="a-velferd.yaml")
    tender_file(tender_yaml(head=head.format(t="Arkivsystem 2028")), name="b-arkiv.yaml")
    tender_file("title: [ikke lukket\n", name="c-ødelagt.yaml")
    nb = TenderNotebook(tender_region, as_of=AS_OF)
    assert [label for label, _ in nb.picker.options] == [
        "Arkivsystem 2028 (b-arkiv.yaml)", "Velferdsteknologi 2027 (a-velferd.yaml)",
        "c-ødelagt.yaml (tittelen kan ikke leses)"]
    assert nb.picker.style.description_width == "initial"
    assert nb.key_figures().startswith("b-arkiv: ")
    nb.picker.value = tender_region / "procurement" / "tenders" / "c-ødelagt.yaml"
    assert "c-ødelagt.yaml" in nb.problems.value and "kan ikke leses" in nb.problems.value


def test_switching_tender_says_unsaved_choices_are_dropped(tender_region, tender_file):
    first = tender_file(COMMENTED, name="a.yaml")
    tender_file(name="b.yaml")
    nb = TenderNotebook(tender_region, as_of=AS_OF)
    nb.row("SKOLE-01").weight.value = 9
    nb.picker.value = tender_region / "procurement" / "tenders" / "b.yaml"
    assert "Valgene du ikke lagret for a.yaml, er forkastet" in nb.save_status.value
    assert first.read_text("utf-8") == COMMENTED
    nb.picker.value = first
    assert nb.save_status.value == "" and nb.row("SKOLE-01").weight.value == 6


def test_rows_show_id_kind_and_text(notebook):
    nb, _ = notebook()
    nb.category.value = "vt_trygghetsalarm"
    texts = [box.children[0].children[2].value for box in nb.list.children[1:]]
    assert len(texts) == 1
    assert "<b>ALARM-01</b> · SKAL · Alarmen skal være IP-basert." in texts[0]
    assert "tas med etter omfanget" in texts[0]
    nb.category.value = "funksjonelle_krav"
    ids = [re.search(r"<b>(.*?)</b>", box.children[0].children[2].value).group(1) for box in nb.list.children[1:]]
    assert ids == ["SKOLE-01", "PLAN-01"]  # library order; PLAN-01 (plan_bygg) is outside the scope
    assert "ikke med etter omfanget" in nb.row("PLAN-01").box.children[0].children[2].value
    assert nb.row("PLAN-01").reason.style.description_width == "initial"


# --------------------------------------------------------------------------- SKAL only with a reason


def test_excluding_a_skal_without_reason_is_refused(tender_region, notebook):
    nb, path = notebook()
    before = path.read_bytes()
    row = nb.row("ALARM-01")
    assert not _shown(row.reason)
    row.choice.value = "exclude"
    assert _shown(row.reason)
    assert "ALARM-01 er et SKAL-krav («Alarmen skal være IP-basert.»)" in nb.choice_status.value
    assert nb.key_figures() == "test: 5 krav (3 SKAL, 2 BØR, 0 kvalifikasjonskrav), 2 deltakere"  # the last valid choice
    nb.save_button.click()
    assert "Ikke lagret: ALARM-01 er et SKAL-krav" in nb.save_status.value
    assert path.read_bytes() == before
    nb.build_button.click()
    assert "Bygget ikke: ALARM-01 er et SKAL-krav" in nb.build_status.value
    assert not (tender_region / "procurement" / "out").exists()
    row.reason.value = "Dekkes av egen avtale"
    assert nb.key_figures() == "test: 4 krav (2 SKAL, 2 BØR, 0 kvalifikasjonskrav), 2 deltakere"
    nb.save_button.click()
    assert "Lagret valgene i" in nb.save_status.value
    assert _diff(before.decode("utf-8"), path.read_text("utf-8")) == [
        "+requirements:", "+  exclude:", "+    - ALARM-01", "+  exclude_reasons:", "+    ALARM-01: Dekkes av egen avtale"]


# --------------------------------------------------------------------------- saving the choice




def test_save_button_writes_only_the_changed_weight(notebook):
    nb, path = notebook(COMMENTED)
    before = path.read_text("utf-8")
    assert nb.row("SKOLE-01").weight.value == 6
    nb.row("SKOLE-01").weight.value = 8
    assert "endret, men ikke lagret" in nb.choice_status.value
    nb.save_button.click()
    assert _diff(before, path.read_text("utf-8")) == ["-  weights: {SKOLE-01: 6}   # avtalt 2026-11-20",
                                                      "+  weights: {SKOLE-01: 8}   # avtalt 2026-11-20"]
    assert "som i anbudsfila" in nb.choice_status.value


def test_a_refused_weight_leaves_the_file_untouched(notebook):
    nb, path = notebook(COMMENTED)
    before = path.read_bytes()
    nb.row("SKOLE-01").weight.value = 0
    nb.save_button.click()
    assert "Ikke lagret: Vekten for SKOLE-01" in nb.save_status.value
    assert path.read_bytes() == before


def test_a_concurrent_change_is_shown_as_a_conflict(notebook):
    nb, path = notebook(COMMENTED)
    theirs = COMMENTED.replace("{SKOLE-01: 6}", "{SKOLE-01: 2}")
    path.write_text(theirs, "utf-8")
    nb.row("SKOLE-01").weight.value = 9
    nb.save_button.click()
    assert "konflikt" in nb.save_status.value
    assert _shown(nb.conflict.box)
    assert _cells(nb.conflict.html.value) == [["Felt", "Opprinnelig", "Din endring", "Lagret av en annen"],
                                              ["Kravutvalg: Vekter", "{SKOLE-01: 6}", "{SKOLE-01: 9}", "{SKOLE-01: 2}"]]
    assert path.read_text("utf-8") == theirs
    nb.conflict.theirs.click()  # «Behold den andres»: the file as it is now
    assert path.read_text("utf-8") == theirs
    assert nb.row("SKOLE-01").weight.value == 2 and not _shown(nb.conflict.box)


def test_choosing_my_version_in_a_conflict_saves_it(notebook):
    nb, path = notebook(COMMENTED)
    path.write_text(COMMENTED.replace("{SKOLE-01: 6}", "{SKOLE-01: 2}"), "utf-8")
    nb.row("SKOLE-01").weight.value = 9
    nb.save_button.click()
    nb.conflict.mine.click()
    assert "weights: {SKOLE-01: 9}" in path.read_text("utf-8")


# --------------------------------------------------------------------------- building


def test_a_second_build_asks_before_overwriting_a_hand_edited_document(tender_region, notebook):
    nb, _ = notebook()
    out = tender_region / "procurement" / "out" / "test"
    nb.build_button.click()
    assert "konkurransegrunnlag.docx" in nb.build_status.value
    nb.build_button.click()  # nothing edited: rebuilt without asking
    assert "Skrevet til" in nb.build_status.value and not _shown(nb.overwrite_button)
    md = out / "anbudsdokumenter.md"
    md.write_text("min egen versjon\n", "utf-8")
    nb.build_button.click()
    assert "Ikke bygget" in nb.build_status.value and "anbudsdokumenter.md" in nb.build_status.value
    assert "kravmatrise.xlsx" not in nb.build_status.value
    assert md.read_text("utf-8") == "min egen versjon\n"
    assert _shown(nb.overwrite_button) and _shown(nb.new_folder_button)
    nb.new_folder_button.click()
    fresh = [p for p in out.parent.iterdir() if p.name.startswith("test-")]
    assert len(fresh) == 1 and (fresh[0] / "anbudsdokumenter.md").read_text("utf-8") != "min egen versjon\n"
    assert md.read_text("utf-8") == "min egen versjon\n" and not _shown(nb.overwrite_button)
    nb.build_button.click()
    nb.overwrite_button.click()
    assert md.read_text("utf-8") != "min egen versjon\n"
    assert "Skrevet til" in nb.build_status.value


def test_every_button_has_its_full_label(notebook):
    nb, _ = notebook()
    buttons = [nb.save_button, nb.build_button, nb.overwrite_button, nb.new_folder_button]
    assert [b.description for b in buttons] == ["Lagre valgene i anbudsfila", "Bygg dokumentene",
                                                "Overskriv de endrede filene", "Bygg i en ny mappe"]
    assert all(b.layout.width == "auto" for b in buttons)
    assert all(d.style.description_width == "initial" for d in (nb.picker, nb.category, nb.show))


@pytest.mark.parametrize("file, field, shown", [
    ("municipalities/1853-evenes/systems.csv", "users", "Antall brukere (users)"),
    ("municipalities/1853-evenes/welfare.csv", "units_needed", "Enheter behov (units_needed)"),
    ("municipalities/1853-evenes/kommune.yaml", "population.total", "Innbyggere i alt (population.total)"),
    ("municipalities/1853-evenes/systems.csv", "(rad)", "(rad)"),
    ("procurement/tenders/test.yaml", "award_criteria", "award_criteria"),
])
def test_the_problems_table_names_fields_by_their_labels(file, field, shown):
    from digireform.model.errors import Problem
    from digireform.notebook.views import problems_frame

    assert problems_frame([Problem(file, 2, field, "feil")])["Felt"].tolist() == [shown]


# --------------------------------------------------------------------------- cost sharing, notice, agreement


def test_the_sharing_table_shows_each_partners_share_and_the_rounding(notebook):
    nb, _ = notebook(tender_yaml(extra="estimated_value_nok: 600000\ncost_sharing: {users: 100}\n"))
    rows = _cells(nb.sharing.value)
    # users of the schools' systems in scope: Evenes 40, Bjerkreim 30; 600 000 kr over 4 + 2 years
    assert rows[1:] == [["Evenes", "40", "57,14 %", "57 143 kr"], ["Bjerkreim", "30", "42,86 %", "42 857 kr"],
                        ["Sum", "70", "100,00 %", "100 000 kr"]]
    assert "største rests metode" in nb.sharing.value


def test_without_a_key_the_notebook_says_how_to_choose_one(notebook):
    nb, _ = notebook()
    assert "ikke valgt (skriv cost_sharing: i anbudsfila)" in nb.sharing.value


def test_the_agreement_button_writes_it_and_a_refused_key_is_shown_not_raised(notebook, tender_region):
    nb, _ = notebook(tender_yaml(extra="estimated_value_nok: 600000\ncost_sharing: {users: 100}\n"))
    nb.agreement_button.click()
    assert (tender_region / "procurement" / "out" / "test" / "samarbeidsavtale.docx").is_file()
    assert "Fordelingsnøkkel: brukere av systemene i omfanget" in nb.publish_status.value
    nb, _ = notebook(tender_yaml(extra="estimated_value_nok: 600000\ncost_sharing: {users: 50}\n"))
    nb.agreement_button.click()
    assert "summerer til 50 %, ikke 100 %" in nb.publish_status.value


def test_a_notice_the_data_cannot_fill_is_refused_with_what_is_missing(notebook, tender_region):
    nb, _ = notebook()
    nb.notice_button.click()  # the fixture's kommune.yaml files have no office, the tender no English texts
    assert "Kunngjøringen kan ikke lages før dataene er fullstendige" in nb.publish_status.value
    assert "kommune.yaml mangler" in nb.publish_status.value
    assert not (tender_region / "procurement" / "out" / "test" / "eforms-contract-notice.xml").exists()
