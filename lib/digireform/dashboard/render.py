"""Whole HTML documents for the dashboard server: pages, landing page, status and error pages.

Why plain HTML: a page is precomputed, so a viewer needs no kernel and no widget model.
The municipality selector is a ``<select>``; `static/dashboard.js` swaps which
precomputed ``.dr-view`` is shown and draws the charts (plotly JSON kept in
``<script type="application/json">``, never executed) with the plotly.js that ships in
the plotly package. No inline script and no inline style attribute, so the server's
Content-Security-Policy can forbid both. Without JavaScript «Alle partnere» is shown.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

from digireform.dashboard import common as c
from digireform.model.formatting import years
from digireform.model.resources import package_file, package_tree
from digireform.model.rules import HORIZON_YEARS

STATIC_PREFIX = "/static/"
STATIC_DIR = package_file("digireform.dashboard", "static")
SITE_TITLE = "Digital kommunereform"
DASHBOARDS = (
    ("oversikt", "Oversikt",
     f"Kart over partnerkommunene, nøkkeltall og avtaler som løper ut innen {years(HORIZON_YEARS)}."),
    ("overlapp", "Overlapp", "Felles produkter, kandidater for harmonisering og felles exit-vinduer."),
    ("velferdsteknologi", "Velferdsteknologi",
     "I bruk og behov per kategori og kommune, dekning per 1 000 innbyggere over 80 år."),
    ("digital-modenhet", "Digital modenhet",
     "Digitaliseringsgrad per tjenesteområde, kanalbruk og status for målene."),
    ("anbud", "Anbud", "Felles anbud: omfang, deltakere, verdi, prosedyre, krav og tidsplan."),
)


@cache
def static_files() -> dict[str, Traversable]:
    """Every static file by its URL name: our CSS/JS/icon, the local base map, plotly.js from plotly.

    Read from the installed packages (ours and plotly's), so an install from a wheel serves them too.
    """
    files = package_tree("digireform.dashboard", "static")
    files["plotly.min.js"] = package_file("plotly", "package_data", "plotly.min.js")
    return files


@cache
def static_versions() -> dict[str, str]:
    """Short content hashes of the static files, appended to their URLs (?v=…)."""
    return {name: hashlib.sha256(path.read_bytes()).hexdigest()[:10] for name, path in static_files().items()}


def page_url(name: str) -> str:
    """The address of a dashboard (kept from the Voilà days: bookmarks and tests use it)."""
    return f"/voila/render/{name}.ipynb"


def static_url(name: str, versions: dict[str, str] | None = None) -> str:
    """A static file's URL; `versions` (name → short hash) busts the browser cache on change."""
    tag = (versions or {}).get(name)
    return f"{STATIC_PREFIX}{name}" + (f"?v={tag}" if tag else "")


def json_script(data: Any, css_class: str) -> str:
    """JSON inside a non-executable script element; `<`, `>` and `&` escaped so no text can end it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" class="{css_class}">{text}</script>'


def document(title: str, body: str, versions: dict[str, str] | None = None, scripts: bool = False,
             refresh: int | None = None, body_class: str = "dr-page") -> str:
    """A complete HTML document: Norwegian, local stylesheet, optional local scripts and meta refresh."""
    head = [
        '<meta charset="utf-8">', f"<title>{c.esc(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f'<link rel="icon" href="{static_url("favicon.svg", versions)}" type="image/svg+xml">',
        f'<link rel="stylesheet" href="{static_url("digireform.css", versions)}">',
    ]
    if refresh is not None:
        head.append(f'<meta http-equiv="refresh" content="{int(refresh)}">')
    plotly = ""
    if scripts:  # dashboard.js loads plotly.js itself, after the first paint
        head.append(f'<script src="{static_url("dashboard.js", versions)}" defer></script>')
        plotly = f' data-plotly="{static_url("plotly.min.js", versions)}"'
    return (f'<!DOCTYPE html>\n<html lang="nb"><head>{"".join(head)}</head>'
            f'<body class="{body_class}"{plotly}><main class="dr-main">{body}</main></body></html>\n')


def selector(page: dict[str, Any]) -> str:
    """The municipality selector: a plain <select>; empty for a page without choices."""
    selections = page.get("selections") or []
    if len(selections) < 2:
        return ""
    options = "".join(f'<option value="{c.esc(v)}"{" selected" if v == c.ALL else ""}>{c.esc(label)}</option>'
                      for v, label in selections)
    return (f'<div class="dr-selector-bar"><label class="dr-selector"><span>{c.esc(page["texts"]["selector_label"])}'
            f'</span> <select name="kommune" data-selector="1">{options}</select></label>'
            '<noscript><span class="dr-note"> Uten JavaScript viser siden tallene for alle partnere.</span>'
            '</noscript></div>')


def figure_block(block: dict[str, Any], topojson_url: str) -> str:
    """A chart block: one view per selection, each holding its plotly JSON (or an empty notice)."""
    views = []
    variants = block["variants"]
    keys = list(variants) if set(variants) != {"*"} else ["*"]
    for key in keys:
        fig = variants[key]
        if fig is None:
            inner = c.empty_figure(block)
        else:
            fig = {**fig, "config": {**fig.get("config", {}), "topojsonURL": topojson_url}}
            wide = f" dr-w{_width_class(block)}" if block.get("min_width") else ""
            inner = (f'<div class="dr-chart dr-h{_height_class(block)}{wide}">{json_script(fig, "dr-fig")}'
                     '<noscript><p class="dr-note">Grafen vises når JavaScript er slått på.</p></noscript></div>')
            if wide:  # a phone scrolls the chart sideways instead of squeezing its cells and labels
                inner = f'<div class="dr-scroll">{inner}</div>'
        if block.get("view_notes", {}).get(key):
            inner += f'<p class="dr-note dr-shown">{c.esc(block["view_notes"][key])}</p>'
        views.append(inner if key == "*" else c.view(key, inner, key == c.ALL))
    note = f'<p class="dr-note">{c.esc(block["note"])}</p>' if block.get("note") else ""
    return (f'<section class="dr-figure"><h2 class="dr-figure-title">{c.esc(block.get("title", ""))}</h2>'
            f'{"".join(views)}{note}</section>')


def _height_class(block: dict[str, Any]) -> int:
    """Reserved chart height in steps of 60 px (CSS classes dr-h240 … dr-h600), so nothing jumps."""
    height = int(block.get("height", 360))
    return max(240, min(600, 60 * round(height / 60)))


def _width_class(block: dict[str, Any]) -> int:
    """Minimum chart width in steps of 40 px (CSS classes dr-w640 … dr-w1000)."""
    return max(640, min(1000, 40 * round(int(block["min_width"]) / 40)))


def dashboard_page(page: dict[str, Any], versions: dict[str, str] | None = None) -> str:
    """The whole served page for a dashboard built by `pages.page_data`."""
    topo = STATIC_PREFIX + "topojson/"
    parts = [c.header_html({**page, "home_url": "/"}), selector(page)]
    for block in page.get("blocks") or []:
        parts.append(c.html_block(block) if block["kind"] == "html" else figure_block(block, topo))
    parts.append(c.footer_html(page))
    body = f'<div class="dr-dashboard" data-page="{c.esc(page["name"])}">{"".join(parts)}</div>'
    return document(f"{page['title']} – {SITE_TITLE}", body, versions, scripts=True)


def landing_page(versions: dict[str, str] | None = None, version: dict[str, Any] | None = None,
                 example: bool = False, notice: str = "") -> str:
    """The list of the five dashboards at «/», with the «Eksempeldata» badge and any data notice."""
    items = "".join(
        f'<li><a href="{page_url(slug)}"><span class="dr-dashboard-title">{c.esc(title)}</span>'
        f'<span class="dr-dashboard-text">{c.esc(text)}</span></a></li>'
        for slug, title, text in DASHBOARDS)
    meta = f'<p class="dr-meta">{c.esc(c.version_text(version))}</p>' if version else ""
    t = _texts()
    badge = (f'<span class="dr-badge" title="{c.esc(t["example_text"])}">{c.esc(t["example_badge"])}</span>'
             if example else "")
    example_note = c.notice(t["example_text"], "example") if example else ""
    body = (f'<header class="dr-landing-header"><div class="dr-titlebar"><h1>{SITE_TITLE}</h1>{badge}</div>'
            "<p>Dashbord for kommunestyrer og formannskap. Sidene viser tall fra partnernes felles "
            f"arbeidsbok og kan bare leses.</p>{meta}{example_note}{notice}</header>"
            f'<ul class="dr-dashboard-list">{items}</ul>')
    return document(f"{SITE_TITLE} – dashbord", body, versions)


def _texts() -> dict[str, Any]:
    from digireform.dashboard.pages.base import texts

    return texts()


def status_page(failed: bool, versions: dict[str, str] | None = None, seconds: int = 5) -> str:
    """Shown while the first figures are computed (or cannot be): reloads itself, no JS needed."""
    if failed:
        title, text = ("Tallene kan ikke vises akkurat nå",
                       "Dataene kunne ikke beregnes. Prosjektgruppen finner årsaken i serverloggen. "
                       "Siden prøver igjen av seg selv.")
    else:
        title, text = ("Tallene beregnes …", "Siden oppdateres av seg selv om noen sekunder.")
    body = f'<div class="dr-status" role="status"><h1>{c.esc(title)}</h1><p>{c.esc(text)}</p></div>'
    return document(f"{title} – {SITE_TITLE}", body, versions, refresh=seconds)


ERROR_TEXTS = {
    400: ("Ugyldig forespørsel", "Serveren forstod ikke forespørselen."),
    403: ("Ingen tilgang", "Denne adressen kan ikke vises."),
    404: ("Fant ikke siden", "Fant ikke siden du ba om."),
    405: ("Ikke tillatt", "Dashbordene kan bare leses."),
    421: ("Ukjent adresse", "Serveren svarer ikke på dette vertsnavnet."),
}


def error_page(status: int, versions: dict[str, str] | None = None) -> str:
    """A Norwegian error page with a way back; never a traceback or anything internal."""
    title, text = ERROR_TEXTS.get(status, ("Siden kunne ikke vises",
                                           f"Det oppstod en feil på serveren ({int(status)}). "
                                           "Prøv igjen om litt, eller kontakt prosjektgruppen."))
    body = (f'<div class="dr-error" role="alert"><h1>{c.esc(title)}</h1><p>{c.esc(text)}</p>'
            '<p><a href="/">Til oversikten over dashbordene</a></p></div>')
    return document(f"{title} – {SITE_TITLE}", body, versions)
