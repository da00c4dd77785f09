"""A dashboard shown inline in a notebook (notebooks/dashboards/*.ipynb call `show`).

The same header, key figures and tables as the served page (`common`), computed in the
notebook's kernel (`pages.page_data`); the charts are plotly's own output type.
"""
from __future__ import annotations

import sys
from typing import Any

from digireform.dashboard.common import (
    ALL,
    PLOTLY_MIME,
    empty_figure,
    error_box,
    esc,
    figure_variant,
    footer_html,
    header_html,
    html_block,
)


def show(name: str, selection: str = ALL) -> None:
    """Show dashboard `name` for `selection` («alle» or a municipality number) in a notebook.

    The same header, key figures and tables as the served page (plain HTML), and the
    charts as plotly's own output type (drawn by the plotly extension in JupyterLab and
    Voilà). On any failure a Norwegian message; the details go to the log.
    """
    from IPython.display import HTML, display

    try:
        from digireform.dashboard import pages

        for bundle in notebook_outputs(pages.page_data(name), selection):
            display(bundle, raw=True)
    except Exception:  # the viewer gets a message, the log gets the traceback
        _log_exception(name)
        display(HTML(error_box()))


def notebook_outputs(page: dict[str, Any], selection: str = ALL) -> list[dict[str, Any]]:
    """The page for one selection as display bundles (MIME type → data), in page order."""
    out: list[dict[str, Any]] = []
    pending = [header_html(page)]
    for block in page.get("blocks") or []:
        if block["kind"] == "html":
            pending.append(html_block(block, shown=selection))
            continue
        pending.append(f'<h2 class="dr-figure-title">{esc(block.get("title", ""))}</h2>')
        out.append({"text/html": "".join(pending)})
        pending = []
        fig = figure_variant(block, selection)
        out.append({"text/html": empty_figure(block)} if fig is None
                   else {PLOTLY_MIME: fig, "text/plain": block.get("title", "Figur")})
        if block.get("view_notes", {}).get(selection):
            pending.append(f'<p class="dr-note dr-shown">{esc(block["view_notes"][selection])}</p>')
        if block.get("note"):
            pending.append(f'<p class="dr-note">{esc(block["note"])}</p>')
    pending.append(footer_html(page))
    out.append({"text/html": "".join(pending)})
    return out


def _log_exception(name: str) -> None:
    """Write the traceback to the process's real stderr (the server log), not to the page."""
    import traceback

    stream = sys.__stderr__ or sys.stderr
    print(f"[digireform.dashboard] feil i dashbordet {name}:\n{traceback.format_exc()}", file=stream, flush=True)
