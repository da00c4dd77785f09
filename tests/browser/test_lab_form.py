"""Notebook 01 in JupyterLab in Chromium: run it, change one field through the form, save.

JupyterLab runs on 127.0.0.1 (free port, token) on a temporary copy of the example region
(`DIGIREFORM_DATA`) and of notebooks/01-inventar.ipynb (tests/support/lab.py). The test runs all
cells, picks one system of the first municipality in the systems form, types a new number of
users, presses «Lagre» and reads the data folder back: exactly that one cell of systems.csv has
changed, every other byte of it and every other file is as before. On the way it checks in the
real page that no visible label or button text is cut, and that «Slett rad» asks first
(«Avbryt» then changes nothing); the question is kept as a screenshot (screenshots/).

Every wait is a bounded wait for a condition (Playwright's waits, the command's own promise),
never a sleep.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest

from tests.support.browser import SCREENSHOTS
from tests.support.lab import Lab
from tests.support.regionfiles import REPO, copy_example

NOTEBOOK = "01-inventar.ipynb"
WAIT_MS = 120_000  # every wait below is bounded by this (Playwright waits and expectations)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    data = copy_example(root / "data")
    (root / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / NOTEBOOK, root / "notebooks" / NOTEBOOK)
    try:
        with Lab(root, data, root / "lab.log") as server:
            yield server
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(str(exc))


def tree(data: Path) -> dict[str, str]:
    """Every file under the data folder → SHA-256 of its bytes."""
    return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.rglob("*")) if p.is_file()}


def records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def first_folder(data: Path) -> Path:
    """The municipality the forms open with: the first folder by name (as `municipality_options`)."""
    return sorted(p for p in (data / "municipalities").iterdir() if p.is_dir())[0]


def pick_row(rows: list[list[str]]) -> tuple[int, str]:
    """The first system with a number of users that no other system points to, and a new number for it."""
    users, sid, links = (rows[0].index(c) for c in ("users", "system_id", "integrations"))
    pointed_to = {part.strip() for r in rows[1:] for part in r[links].split(";")}
    index = next(i for i, r in enumerate(rows[1:]) if r[users].isdigit() and r[sid] not in pointed_to)
    return index, str(int(rows[index + 1][users]) + 7)


CUT_LABELS = """() => [...document.querySelectorAll('.widget-label, button.jupyter-button')]
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent.trim())"""  # visible labels and buttons whose text does not fit


def run_all_cells(page) -> None:
    """Open the notebook's kernel and run every cell, waiting for the run to finish (bounded)."""
    page.wait_for_function("() => window.jupyterapp && jupyterapp.shell.currentWidget"
                           " && jupyterapp.shell.currentWidget.sessionContext", timeout=WAIT_MS)
    page.evaluate("async () => { const nb = jupyterapp.shell.currentWidget;"
                  " await nb.context.ready; await nb.sessionContext.ready; }")
    ok = page.evaluate("async () => await jupyterapp.commands.execute('notebook:run-all-cells')")
    assert ok, "en celle i notatboka feilet"


def test_one_field_changed_through_the_form_changes_exactly_that_cell(lab, browser):
    from playwright.sync_api import expect

    systems = first_folder(lab.data) / "systems.csv"
    before_text, before_tree = systems.read_text("utf-8"), tree(lab.data)
    before = records(before_text)
    index, new_users = pick_row(before)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(lab.notebook_url(NOTEBOOK))
        run_all_cells(page)
        rows = page.get_by_label("Rad", exact=True).filter(visible=True)
        expect(rows).to_have_count(1, timeout=WAIT_MS)
        rows.select_option(index=index)
        users = page.get_by_label("Antall brukere", exact=True).filter(visible=True)
        expect(users).to_have_value(before[index + 1][before[0].index("users")], timeout=WAIT_MS)
        users.fill(new_users)
        save = page.locator("button").filter(has_text=re.compile(r"^\s*Lagre\s*$")).filter(visible=True)
        expect(save).to_have_count(1, timeout=WAIT_MS)  # the systems form's, not «Lagre kommuneprofil» in its hidden tab
        save.click()
        expect(page.get_by_text(f"Lagret {systems}")).to_be_visible(timeout=WAIT_MS)
        assert page.evaluate(CUT_LABELS) == []  # «Årlig kostnad (kr eks. mva)», «Last inn på nytt» whole
        page.locator("button").filter(has_text=re.compile(r"^\s*Slett rad\s*$")).filter(visible=True).click()
        sid, product = (before[index + 1][before[0].index(c)] for c in ("system_id", "product"))
        expect(page.get_by_text(f"Slett {sid} {product}?")).to_be_visible(timeout=WAIT_MS)
        assert page.evaluate(CUT_LABELS) == []  # «Ja, slett», «Avbryt»
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "01-inventar-skjema-slett.png"))
        page.locator("button").filter(has_text=re.compile(r"^\s*Avbryt\s*$")).filter(visible=True).click()
        expect(page.get_by_text("Ikke slettet.")).to_be_visible(timeout=WAIT_MS)
    finally:
        context.close()
    after_text = systems.read_text("utf-8")
    after = records(after_text)
    changed = [(i, col) for i, (a, b) in enumerate(zip(before, after, strict=True))
               for col, (x, y) in zip(before[0], zip(a, b, strict=True), strict=True) if x != y]
    assert changed == [(index + 1, "users")] and after[index + 1][before[0].index("users")] == new_users
    b_lines, a_lines = before_text.splitlines(keepends=True), after_text.splitlines(keepends=True)
    assert [i for i, (x, y) in enumerate(zip(b_lines, a_lines, strict=True)) if x != y] == [index + 1]
    assert a_lines[index + 1] == b_lines[index + 1].replace(f",{before[index + 1][before[0].index('users')]},",
                                                            f",{new_users},", 1)
    after_tree = tree(lab.data)
    assert {k for k in before_tree.keys() | after_tree.keys() if before_tree.get(k) != after_tree.get(k)} == {
        str(systems.relative_to(lab.data))}
