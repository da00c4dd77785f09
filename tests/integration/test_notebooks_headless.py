"""Every shipped notebook runs headless (nbclient, as `jupyter nbconvert --execute` and papermill run it)
without stalling on its widgets.

No wall-clock threshold: a stall is caught by its cause and its symptom, both recorded by
tests/support/headless.py — an Output widget capturing the running cell (which makes nbclient
write back on the channel it waits on), and nbclient's timeout path. The notebooks run in a copy
of notebooks/ against a copy of the example region, so the checkout is never written.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tests.support import headless
from tests.support.planted import REPO, copy_region

pytestmark = pytest.mark.slow
SHIPPED = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted((REPO / "notebooks" / "dashboards").glob("*.ipynb"))
TIMEOUT = 600  # per cell; only a real stall (or a hang) gets near it


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A copy of notebooks/ (run there) and of the example region (DIGIREFORM_DATA)."""
    root = tmp_path_factory.mktemp("headless")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    copy_region(root / "data")
    return root


def test_there_are_notebooks_to_run():
    assert len(SHIPPED) >= 5, SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO / "notebooks")))
def test_notebook_runs_headless_without_stall(path, workspace, monkeypatch):
    monkeypatch.setenv("DIGIREFORM_DATA", str(workspace / "data"))
    copy = workspace / path.relative_to(REPO)
    record = headless.run(copy, timeout=TIMEOUT)
    assert record.error is None, record.error
    code_cells = [c for c in nbformat.read(path, 4).cells if c.cell_type == "code" and c.source.strip()]
    assert len(record.cells) == len(code_cells), "alle kodeceller kjørte"
    assert [c.first_line for c in record.captured] == [], "en Output-widget fanget cellen som kjørte (with out:)"
    assert [c.first_line for c in record.timed_out] == []
    assert all(c.compute is not None for c in record.cells), "kjernen stemplet hver celle"


def test_recorder_sees_a_capturing_output_widget(tmp_path):
    """The check above can fail: a cell that does `with out:` while it runs is recorded as captured."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\nout = w.Output()\nwith out:\n    print('hei')\nout"),
                nbformat.v4.new_code_cell("print('neste')")]
    path = tmp_path / "fanger.ipynb"
    nbformat.write(nb, path)
    record = headless.run(path, timeout=TIMEOUT)
    assert record.error is None, record.error
    assert [c.index for c in record.captured] == [0]
    assert record.timed_out == []


def test_live_output_shows_display_and_print_in_order_and_redraws(tmp_path):
    """digireform.notebook.output.live: the content is the widget's value at once and after a change,
    in the order it was displayed or printed, and nothing captures the running cell."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\nfrom IPython.display import Markdown, display\n"
            "from digireform.notebook.output import live\n"
            "s = w.IntSlider(value=3)\n"
            "def vis(x):\n    print('før')\n    display(Markdown(f'x = {x}'))\n    print('etter')\n"
            "out = live(vis, {'x': s})\nw.VBox([s, out])"),
        nbformat.v4.new_code_cell(
            "def kort(o):\n    return o.get('text') or o['data']['text/markdown']\n"
            "print([kort(o) for o in out.outputs])\ns.value = 5\nprint([kort(o) for o in out.outputs])"),
    ]
    path = tmp_path / "live.ipynb"
    nbformat.write(nb, path)
    record = headless.run(path, timeout=TIMEOUT)
    assert record.error is None, record.error
    assert record.captured == []
    printed = "".join(o.get("text", "") for o in record.nb.cells[-1].outputs)
    assert printed == "['før\\n', 'x = 3', 'etter\\n']\n['før\\n', 'x = 5', 'etter\\n']\n"
