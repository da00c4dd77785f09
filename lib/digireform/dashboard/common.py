"""What every dashboard shares: formatting, the header, key-figure cards, tables, views.

A page arrives here as plain JSON-able data (built once by `pages`). It is turned into
plain HTML, either as a whole document served by `serve` (see `render`) or, in a
notebook, by `inline.show`: no ipywidgets and no widget models, so nothing on a page depends on
a live kernel. A block that differs per municipality holds one ``.dr-view`` per
selection; only the active one (``dr-active``, «Alle partnere» to begin with) is shown.

Viewers never see a traceback: `inline.show` catches everything, logs the details to the
process's stderr and shows a Norwegian message instead (`error_box`).
"""
from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from typing import Any

from digireform.model import formatting
from digireform.model.formatting import NBSP

ALL = "alle"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

log = logging.getLogger("digireform.dashboard")


# --------------------------------------------------------------------------- formatting


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt_int(value: Any) -> str:
    """12345 → «12 345» (non-breaking thousands separator); None → «–»."""
    return formatting.number(value, 0, NBSP)


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
    return (f'<div class="dr-scroll"><table class="dr-table">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


def facts(rows: list[list[Any]]) -> str:
    """A two-column fact table: label (as a row header) and value."""
    body = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    return f'<div class="dr-scroll"><table class="dr-table dr-facts"><tbody>{body}</tbody></table></div>'


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
    dates = (f'<span class="dr-date" data-version="{esc(version_id(page.get("data_version")))}">'
             f'{esc(version_text(page.get("data_version")))}</span>'
             f'<span class="dr-date-sep"> · {esc(t["computed_label"])} {esc(fmt_date(page.get("as_of")))}</span>')
    notes = []
    if page.get("example_data"):
        notes.append(notice(t["example_text"], "example"))
    notes.append(data_notices(page))
    return (
        f'<header class="dr-header"><nav class="dr-nav"><a href="{esc(page.get("home_url", "../../"))}">'
        f'{esc(t["home_link"])}</a></nav>'
        f'<div class="dr-titlebar"><h1>{esc(page["title"])}</h1>{badge}</div>'
        f'<p class="dr-meta">{dates}</p><p class="dr-intro">{esc(page.get("intro", ""))}</p>'
        f'{"".join(notes)}</header>'
    )


HELD_BACK_SLOT = "<!--dr-held-back-->"  # the server puts «Nyere data har feil …» here (site.with_notice)


def data_notices(page: dict[str, Any]) -> str:
    """What is wrong with the data, in words for councillors (the rule is in `datacheck`)."""
    from digireform.dashboard import datacheck

    check = page.get("data_check") or {"cell_problems": page.get("problems", 0), "left_out": [],
                                       "cell_municipalities": []}
    out = [HELD_BACK_SLOT]
    if check["left_out"]:
        out.append(notice(datacheck.left_out_text(check["left_out"]), "alert"))
    if check["cell_problems"]:
        out.append(notice(datacheck.cell_text(check["cell_problems"], check["cell_municipalities"]), "warning"))
    return "".join(out)


def held_back_notice(version: dict[str, Any] | None) -> str:
    """The notice shown on every page while newer data with errors is held back."""
    from digireform.dashboard import datacheck

    return notice(datacheck.held_back_text(version_text(version, in_sentence=True)), "alert")


def version_id(version: dict[str, Any] | None) -> str:
    """A short identity of the data version (for tests and the benchmark): hash, or file time."""
    if not version:
        return ""
    if version.get("kind") == "git":
        return version["hash"] + ("+" if version.get("dirty") else "")
    return str(version.get("time", ""))


def version_text(version: dict[str, Any] | None, in_sentence: bool = False) -> str:
    """Which data a page shows, in words: the one wording for the page header and the notices.

    As a heading: «Data: versjon 1a2b3c4 fra 01.12.2026» (git; «(endret etter siste commit)»
    when dirty), «Data: filer endret 01.12.2026 kl. 09:41» (file times), «Data: ukjent versjon».
    `in_sentence` (after «tallene er fra»): «versjon 1a2b3c4 fra 01.12.2026», «dataene slik de
    var 01.12.2026 kl. 09:41», «en tidligere versjon».
    """
    if not version:
        return "en tidligere versjon" if in_sentence else "Data: ukjent versjon"
    if version.get("kind") == "git":
        which = f"versjon {version['hash']} fra {fmt_date(version.get('date'))}"
        dirty = " (endret etter siste commit)" if version.get("dirty") else ""
        return which if in_sentence else f"Data: {which}{dirty}"
    stamp = str(version.get("time", ""))
    when = fmt_date(stamp[:10]) + (f" kl. {stamp[11:16]}" if len(stamp) >= 16 else "")
    return f"dataene slik de var {when}" if in_sentence else f"Data: filer endret {when}"


def view(selection: str, body: str, active: bool) -> str:
    """One precomputed view of a block; `dr-active` marks the one shown."""
    cls = "dr-view dr-active" if active else "dr-view"
    return f'<div class="{cls}" data-view="{esc(selection)}">{body}</div>'


def html_block(block: dict[str, Any], shown: str | None = None) -> str:
    """One HTML block: every selection's variant (`shown` = None: active = «alle»), or only `shown`."""
    variants = block["variants"]
    if set(variants) == {"*"}:
        return variants["*"]
    if shown is not None:
        return variants.get(shown, "")
    return "".join(view(k, v, k == ALL) for k, v in variants.items())


def figure_variant(block: dict[str, Any], selection: str) -> dict[str, Any] | None:
    """The plotly figure of `selection` (or the shared one); None when there is nothing to draw."""
    variants = block["variants"]
    return variants.get(selection, variants.get("*"))


def empty_figure(block: dict[str, Any]) -> str:
    return notice(block.get("empty", "Ingen data for dette utvalget."))


def footer_html(page: dict[str, Any]) -> str:
    credits = "".join(f"<li>{esc(c)}</li>" for c in page.get("credits", []))
    return f'<footer class="dr-footer"><ul>{credits}</ul></footer>' if credits else ""


def error_box(texts: dict[str, str] | None = None) -> str:
    t = texts or {"error_title": "Siden kunne ikke vises",
                  "error_text": "Det oppstod en feil da tallene skulle vises. "
                                "Prosjektgruppen kan se detaljene i serverloggen."}
    return (f'<div class="dr-error" role="alert" data-error="1"><h2>{esc(t["error_title"])}</h2>'
            f'<p>{esc(t["error_text"])}</p></div>')
