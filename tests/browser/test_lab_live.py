"""Notebook 04 in JupyterLab: a widget cell rendered with digireform.notebook.output.live shows its
figures at once and redraws them when a control changes, in the real front end.

live() hands the widget its outputs as a value instead of capturing the running cell (which
stalls headless runs, tests/integration/test_notebooks_headless.py); this proves the browser
still draws them and follows the controls. JupyterLab on a copy of the example region and of the
notebook (tests/support/lab.py); every wait is bounded.
"""
from __future__ import annotations

import shutil

import pytest

from tests.support.lab import Lab, open_notebook, run_all
from tests.support.regionfiles import REPO, copy_example

NOTEBOOK = "04-digital-modenhet.ipynb"
WAIT_MS = 120_000
HEATMAP_ROWS = """() => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')]
        .find(p => p.textContent.includes('Digitaliseringsgrad per tjenesteområde'));
    return plot ? [...plot.querySelectorAll('.ytick text')].map(t => t.textContent) : null;
}"""


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


def test_heatmap_drawn_at_once_and_redrawn_for_one_municipality(lab, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        open_notebook(page, lab, NOTEBOOK)
        assert run_all(page), "en celle i notatboka feilet"
        page.wait_for_function(f"() => ({HEATMAP_ROWS})()?.length === 5", timeout=WAIT_MS)
        assert sorted(page.evaluate(HEATMAP_ROWS)) == ["Evenes", "Gratangen", "Lødingen", "Narvik", "Tjeldsund"]
        page.get_by_label("Kommuner", exact=True).first.select_option(label="Evenes")
        page.wait_for_function(f"() => JSON.stringify(({HEATMAP_ROWS})()) === '[\"Evenes\"]'", timeout=WAIT_MS)
    finally:
        context.close()
