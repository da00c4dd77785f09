"""The shipped notebooks as a project-group member opens them: headings, forms and results, no code in
the way, and one line at the top that says how to run the notebook.

    python -m tests.support.notebooks        # apply to every shipped notebook (after editing one)

`prepare(nb)` — applied to a notebook node, idempotent:
- every code cell's source is collapsed (`metadata.jupyter.source_hidden`: JupyterLab shows the
  first line and «•••», a click shows the code);
- no stored outputs or execution counts, except in the key-figure cells (`# NBVAL_CHECK_OUTPUT`),
  whose stored output nbval compares against;
- the how-to line (`HOWTO`) as its own markdown cell right after the title cell (or first, when
  the notebook does not start with a heading), replacing an older version of it.

tests/unit/test_notebooks_shipped.py fails when a shipped notebook is not as `prepare` leaves it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
# The menu words as JupyterLab shows them in bokmål (the project's language pack, deploy/lab/README.md).
HOWTO = ("**Slik kjører du notatboka:** velg *Kjør → Kjør alle celler* i menylinja øverst. "
         "Koden er skjult: klikk på ••• i en celle for å se den.")
HOWTO_START = "**Slik kjører du notatboka:**"
CHECKED = "# NBVAL_CHECK_OUTPUT"


def shipped() -> list[Path]:
    """Every notebook the project ships: notebooks/*.ipynb and notebooks/dashboards/*.ipynb."""
    base = REPO / "notebooks"
    return sorted(base.glob("*.ipynb")) + sorted((base / "dashboards").glob("*.ipynb"))


def _is_howto(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith(HOWTO_START)


def _hide(cell) -> None:
    """Collapse the code; keep output only where nbval compares it."""
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    if not cell.source.lstrip().startswith(CHECKED):
        cell.outputs = []
        cell.execution_count = None


def prepare(nb):
    """The notebook as shipped (see module docstring); returns the same node, changed in place."""
    nb.cells = [c for c in nb.cells if not _is_howto(c)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            _hide(cell)
    titled = bool(nb.cells) and nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("#")
    howto = nbformat.v4.new_markdown_cell(HOWTO)
    howto.id = "kjor-notatboka"
    nb.cells.insert(1 if titled else 0, howto)
    return nb


def prepared_text(path: Path) -> str:
    """What `path` holds once prepared, as nbformat writes it."""
    text = nbformat.writes(prepare(nbformat.read(path, as_version=4)))
    return text if text.endswith("\n") else text + "\n"


def apply(paths: list[Path]) -> list[Path]:
    """Prepare each notebook in place; the ones that changed."""
    changed = []
    for path in paths:
        text = prepared_text(path)
        if path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for p in apply([Path(a) for a in sys.argv[1:]] or shipped()):
        print("endret:", p.relative_to(REPO) if p.is_relative_to(REPO) else p)
