"""What every dashboard shares: the header, the municipality selector, the error box.

A page arrives here as plain JSON-able data (built once by `pages`), so the kernel that
shows it imports only IPython and ipywidgets: no pandas, no plotly. The page is shown
in two parts so the key figures appear before any JavaScript chart library runs:

* static HTML (header, key figures, tables) for every selection at once, with all but
  «Alle partnere» hidden by CSS; changing the selector swaps one CSS rule (a tiny HTML
  widget holding a ``<style>``), so the figures change without re-rendering anything;
* charts (plotly JSON, rendered by the plotly JupyterLab extension served by Voilà) in
  Output widgets, re-drawn from precomputed variants when the selector changes.

Viewers never see a traceback: `show` catches everything, logs the details to the
server's stderr and shows a Norwegian message instead.
"""
from __future__ import annotations

import html
import logging
import sys
from collections.abc import Iterable
from typing import Any

from .. import formatting
from ..formatting import NBSP

ALL = "alle"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

log = logging.getLogger("digireform.dashboard")


# --------------------------------------------------------------------------- formatting


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt_int(value: Any) -> str:
    """12345 → «12 345» (non-breaking thousands separator); None → «–»."""
    return formatting.number(None if value is None else round(float(value)), 0, NBSP)


def fmt_number(value: Any, decimals: int = 0) -> str:
    return formatting.number(value, decimals, NBSP)


def fmt_nok(value: Any) -> str:
    return formatting.nok(value, NBSP)


def fmt_nok_short(value: Any) -> str:
    """Money for a key-figure card: «17,4 mill. kr» from a million up (the exact sum is in data-value)."""
    return formatting.nok_short(value, NBSP)


def fmt_percent(share: Any, decimals: int = 0) -> str:
    return formatting.percent(share, decimals, NBSP)


fmt_date = formatting.date_no


FORMATTERS = {"int": fmt_int, "nok": fmt_nok, "percent": fmt_percent, "date": fmt_date, "text": esc}


# --------------------------------------------------------------------------- HTML pieces


def kpi_cards(items: Iterable[dict[str, Any]]) -> str:
    """Key-figure cards. Each item: key, label, value (raw, for tests), text (shown), note."""
    cards = []
    for it in items:
        value = it.get("value")
        raw = "" if value is None else esc(value)
        note = f'<div class="dr-kpi-note">{esc(it["note"])}</div>' if it.get("note") else ""
        cards.append(
            f'<div class="dr-kpi" data-kpi="{esc(it["key"])}" data-value="{raw}">'
            f'<div class="dr-kpi-label">{esc(it["label"])}</div>'
            f'<div class="dr-kpi-value">{esc(it["text"])}</div>{note}</div>'
        )
    return f'<div class="dr-kpis">{"".join(cards)}</div>'


def table(columns: list[str], rows: list[list[Any]], numeric: Iterable[int] = (), caption: str = "") -> str:
    """A plain HTML table; cells are escaped; `numeric` column indexes are right-aligned."""
    num = set(numeric)
    head = "".join(f'<th class="{"dr-num" if i in num else ""}">{esc(c)}</th>' for i, c in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f'<td class="{"dr-num" if i in num else ""}">{esc(v)}</td>' for i, v in enumerate(r)) + "</tr>"
        for r in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="dr-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def facts(rows: list[list[Any]]) -> str:
    """A two-column fact table: label (as a row header) and value."""
    body = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    return f'<table class="dr-table dr-facts"><tbody>{body}</tbody></table>'


def section(title: str, body: str, note: str = "") -> str:
    note_html = f'<p class="dr-note">{esc(note)}</p>' if note else ""
    return f'<section class="dr-section"><h2>{esc(title)}</h2>{body}{note_html}</section>'


def notice(text: str, kind: str = "info") -> str:
    return f'<div class="dr-notice dr-notice-{esc(kind)}" role="status">{esc(text)}</div>'


def header_html(page: dict[str, Any]) -> str:
    """Title, «Eksempeldata» badge, date of the data, and warnings about the data."""
    t = page["texts"]
    badge = (
        f'<span class="dr-badge" title="{esc(t["example_text"])}">{esc(t["example_badge"])}</span>'
        if page.get("example_data") else ""
    )
    dates = (f'<span class="dr-date" data-date="{esc(page.get("data_date"))}">{esc(t["data_date_label"])} '
             f'{esc(fmt_date(page.get("data_date")))}</span>'
             f'<span class="dr-date-sep"> · {esc(t["computed_label"])} {esc(fmt_date(page.get("as_of")))}</span>')
    notes = []
    if page.get("example_data"):
        notes.append(notice(t["example_text"], "example"))
    if page.get("problems"):
        notes.append(notice(t["problems_text"].format(n=page["problems"]), "warning"))
    return (
        f'<header class="dr-header"><nav class="dr-nav"><a href="{esc(page.get("home_url", "../../"))}">'
        f'{esc(t["home_link"])}</a></nav>'
        f'<div class="dr-titlebar"><h1>{esc(page["title"])}</h1>{badge}</div>'
        f'<p class="dr-meta">{dates}</p><p class="dr-intro">{esc(page.get("intro", ""))}</p>'
        f'{"".join(notes)}</header>'
    )


def view_css(selected: str, initial: bool = False) -> str:
    """CSS that shows only the views of `selected` (the static default uses no !important)."""
    imp = "" if initial else " !important"
    sel = esc(selected)
    return (f'<style>.dr-view{{display:none{imp}}}'
            f'.dr-view[data-view="{sel}"]{{display:block{imp}}}</style>')


def html_block(block: dict[str, Any]) -> str:
    """One HTML block with a variant per selection (or one shared variant under "*")."""
    variants = block["variants"]
    if set(variants) == {"*"}:
        return variants["*"]
    return "".join(f'<div class="dr-view" data-view="{esc(k)}">{v}</div>' for k, v in variants.items())


def error_box(texts: dict[str, str] | None = None) -> str:
    t = texts or {"error_title": "Siden kunne ikke vises",
                  "error_text": "Det oppstod en feil da tallene skulle vises. "
                                "Prosjektgruppen kan se detaljene i serverloggen."}
    return (f'<div class="dr-error" role="alert" data-error="1"><h2>{esc(t["error_title"])}</h2>'
            f'<p>{esc(t["error_text"])}</p></div>')


# --------------------------------------------------------------------------- kernel side


def show(name: str) -> None:
    """Show dashboard `name` in the notebook; on any failure a Norwegian message, details to the log."""
    from IPython.display import HTML, display

    try:
        from . import pages

        render(pages.page_data(name))
    except Exception:  # the viewer gets a message, the server log gets the traceback
        _log_exception(name)
        display(HTML(error_box()))


def _log_exception(name: str) -> None:
    """Write the traceback to the process's real stderr (the Voilà server log), not to the page."""
    import traceback

    stream = sys.__stderr__ or sys.stderr
    print(f"[digireform.dashboard] feil i dashbordet {name}:\n{traceback.format_exc()}", file=stream, flush=True)


def render(page: dict[str, Any]) -> None:
    """Display a page built by `pages`: static HTML first, widgets for the selector and charts."""
    from IPython.display import HTML, display

    display(HTML(header_html(page)))
    selections = page.get("selections") or []
    blocks = page.get("blocks") or []
    style = _selector(page, selections, blocks)
    if style is not None:
        display(style["box"])
    pending: list[str] = [view_css(ALL, initial=True)]
    for block in blocks:
        if block["kind"] == "html":
            pending.append(html_block(block))
            continue
        if pending:
            display(HTML("".join(pending)))
            pending = []
        display(_figure_widget(block, style))
    if pending:
        display(HTML("".join(pending)))
    display(HTML(footer_html(page)))


def footer_html(page: dict[str, Any]) -> str:
    credits = "".join(f"<li>{esc(c)}</li>" for c in page.get("credits", []))
    return f'<footer class="dr-footer"><ul>{credits}</ul></footer>' if credits else ""


def _selector(page: dict[str, Any], selections: list[list[str]], blocks: list[dict]) -> dict | None:
    """The municipality dropdown and the CSS widget it drives; None for a page without choices."""
    import ipywidgets as widgets

    if len(selections) < 2:
        return None
    dropdown = widgets.Dropdown(
        options=[(label, value) for value, label in selections], value=selections[0][0],
        description=page["texts"]["selector_label"], style={"description_width": "initial"},
        layout=widgets.Layout(width="320px"),
    )
    dropdown.add_class("dr-selector")
    css = widgets.HTML(value="")
    state: dict[str, Any] = {"dropdown": dropdown, "css": css, "outputs": []}

    def on_change(change: dict) -> None:
        try:
            selected = change["new"]
            css.value = view_css(selected)
            for out, block in state["outputs"]:
                _draw(out, block, selected)
        except Exception:
            _log_exception(page.get("name", "?"))

    dropdown.observe(on_change, names="value")
    state["box"] = widgets.HBox([dropdown, css], layout=widgets.Layout(align_items="center"))
    state["box"].add_class("dr-selector-bar")
    return state


def _figure_widget(block: dict[str, Any], state: dict | None):
    import ipywidgets as widgets

    out = widgets.Output(layout=widgets.Layout(min_height=f"{block.get('height', 360)}px"))
    title = widgets.HTML(value=f'<h2 class="dr-figure-title">{esc(block.get("title", ""))}</h2>')
    children = [title, out]
    if block.get("note"):
        children.append(widgets.HTML(value=f'<p class="dr-note">{esc(block["note"])}</p>'))
    box = widgets.VBox(children)
    box.add_class("dr-figure")
    _draw(out, block, ALL)
    if state is not None:
        state["outputs"].append((out, block))
    return box


def _draw(out, block: dict[str, Any], selected: str) -> None:
    """Put the figure for `selected` into the Output widget by setting its `outputs` directly.

    Capturing with ``with out: display(...)`` makes the executing client (nbclient inside
    Voilà) track the widget and answer with comm messages after the cell is done, which
    intermittently left Voilà waiting forever; one state update has no such round trip.
    """
    variants = block["variants"]
    fig = variants.get(selected, variants.get("*"))
    if fig is None:
        text = block.get("empty", "Ingen data for dette utvalget.")
        data = {"text/html": notice(text), "text/plain": text}
    else:
        data = {PLOTLY_MIME: with_local_assets(fig), "text/plain": block.get("title", "Figur")}
    out.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)


def with_local_assets(fig: dict[str, Any]) -> dict[str, Any]:
    """Point plotly's map base layers at the server (plotly.js would fetch them from cdn.plot.ly).

    The dashboards draw only the partners' own borders (GeoJSON), so the file served is an
    empty world topology (templates/digireform/static/topojson/world_110m.json).
    """
    import os

    base = os.environ.get("VOILA_BASE_URL", "/")
    config = {**fig.get("config", {}), "topojsonURL": f"{base}voila/templates/digireform/static/topojson/"}
    return {**fig, "config": config}
