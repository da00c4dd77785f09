"""The shipped notebooks open with headings, forms and results, the code collapsed, no stale outputs,
and the how-to line at the top (tests/support/notebooks.py applies all of it)."""
from __future__ import annotations

import nbformat
import pytest

from tests.support import notebooks
from tests.support.notebooks import CHECKED, HOWTO, REPO, prepare

SHIPPED = notebooks.shipped()


def test_all_shipped_notebooks_are_found():
    names = [p.name for p in SHIPPED]
    assert {"01-inventar.ipynb", "05-anbud.ipynb", "oversikt.ipynb"} <= set(names), names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO / "notebooks")))
def test_shipped_notebook_is_prepared(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    visible = [c.source.splitlines()[0] for c in code if not c.metadata.get("jupyter", {}).get("source_hidden")]
    assert visible == [], "synlig kode: kjør `python -m tests.support.notebooks`"
    stale = [c.source.splitlines()[0] for c in code if c.outputs and not c.source.lstrip().startswith(CHECKED)]
    assert stale == [], "lagrede utdata utenom nøkkeltallscellene"
    assert HOWTO in [c.source for c in nb.cells[:2] if c.cell_type == "markdown"], "mangler linja om hvordan den kjøres"
    assert path.read_text("utf-8") == notebooks.prepared_text(path), "ikke som prepare() lar den være"


def small() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    key = nbformat.v4.new_code_cell(f"{CHECKED}\nprint(1)")
    key.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    other = nbformat.v4.new_code_cell("x = 1\nx")
    other.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=3)]
    other.execution_count = 3
    nb.cells = [nbformat.v4.new_markdown_cell("# Tittel\n\nTekst."), key, other]
    return nb


def test_prepare_hides_code_keeps_only_key_figures_and_adds_the_howto_after_the_title():
    nb = prepare(small())
    assert [c.cell_type for c in nb.cells] == ["markdown", "markdown", "code", "code"]
    assert nb.cells[1].source == HOWTO
    assert all(c.metadata["jupyter"]["source_hidden"] for c in nb.cells if c.cell_type == "code")
    assert nb.cells[2].outputs[0]["text"] == "1\n"  # nbval compares this one
    assert (nb.cells[3].outputs, nb.cells[3].execution_count) == ([], None)
    nbformat.validate(nb)


def test_prepare_is_idempotent_and_replaces_an_old_howto():
    once = prepare(small())
    once.cells[1].source = "**Slik kjører du notatboka:** gammel tekst"
    twice = prepare(once)
    assert [c.source for c in twice.cells].count(HOWTO) == 1
    assert len(twice.cells) == 4
    assert nbformat.writes(prepare(twice)) == nbformat.writes(twice)


def test_prepare_without_a_title_puts_the_howto_first():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1")]
    assert prepare(nb).cells[0].source == HOWTO
