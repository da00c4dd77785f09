"""Plotly figures for the dashboards, built once (at server start) and stored as JSON.

Output is kept light: no plotly template (the default one adds ~10 kB of styling to
every figure), rounded map coordinates, no mode bar. The server draws them with the
plotly.js that ships in the plotly package (served locally, never a CDN); notebooks
with the plotly extension. Each function returns a
plain dict ``{data, layout, config}``, the payload of the plotly MIME type.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from digireform.model.dates import add_years

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#1f2933"}
PALETTE = ["#1f5f8b", "#d9822b", "#2f8f5b", "#8e44ad", "#c0392b", "#16a2b8", "#7f8c8d", "#b7950b"]
CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    base = {
        "height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 40}, "font": FONT,
        "paper_bgcolor": "white", "plot_bgcolor": "white", "separators": ", ",
        "hoverlabel": {"font": FONT}, "showlegend": False,
    }
    base.update(extra)
    return base


def _axis(**extra: Any) -> dict[str, Any]:
    axis = {"gridcolor": "#e4e7eb", "zerolinecolor": "#cbd2d9", "automargin": True, "tickfont": FONT}
    axis.update(extra)
    return axis


def _finish(data: list[dict], layout: dict) -> dict[str, Any]:
    """Round-trip through JSON so numpy/pandas values become plain numbers."""
    return json.loads(json.dumps({"data": data, "layout": layout, "config": CONFIG}, default=_plain))


def _plain(obj: Any) -> Any:
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(type(obj).__name__)


def _round_coords(coords: Any, digits: int = 4) -> Any:
    if isinstance(coords, list | tuple):
        return [_round_coords(c, digits) for c in coords]
    return round(coords, digits)


def _ring_area(ring: list) -> float:
    """Twice the signed planar area (lon/lat): positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def _d3_polygon(rings: list) -> list:
    """Exterior ring clockwise, holes counter-clockwise: the winding plotly's d3-geo expects.

    The bundled borders follow RFC 7946 (exterior counter-clockwise); drawn as they are, d3
    fills the rest of the globe instead of the municipality.
    """
    out = []
    for i, ring in enumerate(rings):
        ccw = _ring_area(ring) > 0
        out.append(list(reversed(ring)) if ccw == (i == 0) else ring)
    return out


def light_geojson(collection: dict) -> dict:
    """Borders with coordinates rounded to ~10 m, d3 winding, and only the property the map needs."""
    feats = []
    for f in collection["features"]:
        geom = f["geometry"]
        coords = _round_coords(geom["coordinates"])
        coords = [_d3_polygon(p) for p in coords] if geom["type"] == "MultiPolygon" else _d3_polygon(coords)
        feats.append({"type": "Feature", "id": f["properties"]["kommunenummer"],
                      "properties": {"kommunenummer": f["properties"]["kommunenummer"]},
                      "geometry": {"type": geom["type"], "coordinates": coords}})
    return {"type": "FeatureCollection", "features": feats}


def choropleth(geojson: dict, numbers: list[str], names: list[str], measures: list[dict[str, Any]],
               selected: str | None = None, height: int = 420) -> dict[str, Any]:
    """Partners coloured by a measure; a menu in the figure switches measure without the kernel.

    `measures`: [{label, values (per number), texts (formatted)}]. `selected` is outlined.
    """
    first = measures[0]
    line_width = [3 if nr == selected else 0.8 for nr in numbers]
    trace = {
        "type": "choropleth", "geojson": geojson, "featureidkey": "properties.kommunenummer",
        "locations": numbers, "z": first["values"], "text": names, "customdata": first["texts"],
        "hovertemplate": "<b>%{text}</b><br>%{customdata}<extra></extra>",
        "colorscale": [[0, "#deebf7"], [1, "#08519c"]],
        "marker": {"line": {"color": ["#d9822b" if nr == selected else "white" for nr in numbers],
                            "width": line_width}},
        "colorbar": {"title": {"text": first["label"], "side": "top", "font": {**FONT, "size": 12}},
                     "thickness": 12, "len": 0.8,
                     "tickfont": FONT, "separatethousands": True},
    }
    buttons = [
        {"label": m["label"], "method": "restyle",
         "args": [{"z": [m["values"]], "customdata": [m["texts"]], "colorbar.title.text": m["label"]}]}
        for m in measures
    ]
    layout = _layout(
        height,
        geo={"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.08,
                      "yanchor": "top", "showactive": True, "bgcolor": "white", "font": FONT}],
    )
    return _finish([trace], layout)


def _years_axis(as_of: dt.date, years: int) -> dict[str, Any]:
    """A date axis from `as_of` to the end of the horizon (`dates.add_years`, as the report counts it)."""
    end = add_years(as_of, years)
    return _axis(type="date", range=[as_of.isoformat(), end.isoformat()], tickformat="%Y", dtick="M12")


def contract_timeline(rows: list[dict[str, Any]], as_of: dt.date, years: int, height: int = 360) -> dict[str, Any]:
    """Contract ends on a time axis, one row per municipality (rows: municipality, product, date)."""
    munis = sorted({r["municipality"] for r in rows})
    data = []
    for i, name in enumerate(munis):
        mine = [r for r in rows if r["municipality"] == name]
        data.append({
            "type": "scatter", "mode": "markers", "name": name,
            "x": [r["date"] for r in mine], "y": [name] * len(mine),
            "text": [r["product"] for r in mine], "customdata": [r["label"] for r in mine],
            "marker": {"size": 11, "color": PALETTE[i % len(PALETTE)], "opacity": 0.85,
                       "line": {"color": "white", "width": 1}},
            "hovertemplate": "<b>%{text}</b><br>%{y}: avtalen utløper %{customdata}<extra></extra>",
        })
    layout = _layout(
        max(height, 90 + 48 * len(munis)),
        xaxis=_years_axis(as_of, years),
        yaxis=_axis(type="category", categoryorder="array", categoryarray=list(reversed(munis))),
    )
    return _finish(data, layout)


def windows_timeline(windows: list[dict[str, Any]], as_of: dt.date, years: int, height: int = 300) -> dict[str, Any]:
    """Joint exit windows as horizontal bars (start → end), labelled with product and partners.

    The partners are the second line of the axis label, not text inside the bar (a short
    bar cut them: «Narvik, Løding»).
    """
    labels = [f"<b>{w['label']}</b><br>{w['members']}" for w in windows]  # no style attribute (CSP, tests)
    data = [{
        "type": "bar", "orientation": "h", "base": [w["start"] for w in windows],
        "x": [w["duration_ms"] for w in windows], "y": labels, "textposition": "none",
        "text": [w["members"] for w in windows], "customdata": [w["period"] for w in windows],
        "marker": {"color": PALETTE[0]},
        "hovertemplate": "%{y}<br>%{customdata}<extra></extra>",
    }]
    layout = _layout(
        max(height, 90 + 46 * len(windows)),
        xaxis=_years_axis(as_of, years),
        yaxis=_axis(type="category", autorange="reversed", tickfont={**FONT, "size": 12}),
    )
    return _finish(data, layout)


def grouped_bars(categories: list[str], series: list[dict[str, Any]], height: int = 380,
                 horizontal: bool = True, value_label: str = "") -> dict[str, Any]:
    """Bars per category for a few series ({name, values, color?})."""
    data = []
    for i, s in enumerate(series):
        bar = {"type": "bar", "name": s["name"], "marker": {"color": s.get("color", PALETTE[i % len(PALETTE)])},
               "hovertemplate": f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{s['name']}: "
                                f"%{{{'x' if horizontal else 'y'}:,.0f}}<extra></extra>"}
        if horizontal:
            bar.update(orientation="h", x=s["values"], y=categories)
        else:
            bar.update(x=categories, y=s["values"])
        data.append(bar)
    value_axis = _axis(title={"text": value_label}, separatethousands=True)
    cat_axis = _axis(type="category", autorange="reversed" if horizontal else True)
    layout = _layout(
        max(height, 80 + 34 * len(categories)) if horizontal else height,
        barmode="group", showlegend=len(series) > 1,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}, bargap=0.25,
        margin={"l": 10, "r": 10, "t": 36, "b": 40},
        xaxis=value_axis if horizontal else cat_axis, yaxis=cat_axis if horizontal else value_axis,
    )
    return _finish(data, layout)


def heatmap(rows: list[str], columns: list[str], z: list[list[float | None]], text: list[list[str]],
            scale_labels: list[str], height: int = 420) -> dict[str, Any]:
    """Levels (0 = all paper … 3 = all digital) per row and column, labelled in the cells."""
    colorscale = [[0, "#b2182b"], [0.33, "#ef8a62"], [0.66, "#67a9cf"], [1, "#2166ac"]]
    trace = {
        "type": "heatmap", "x": columns, "y": rows, "z": z, "text": text, "texttemplate": "%{text}",
        "textfont": {"family": FONT["family"], "size": 12},  # no colour: plotly picks a contrasting one per cell
        "zmin": 0, "zmax": 3, "colorscale": colorscale, "xgap": 2, "ygap": 2,
        "hovertemplate": "<b>%{y}</b> – %{x}<br>%{text}<extra></extra>",
        "colorbar": {"tickvals": [0, 1, 2, 3], "ticktext": scale_labels, "thickness": 12, "tickfont": FONT},
    }
    layout = _layout(max(height, 80 + 38 * len(rows)), margin={"l": 10, "r": 10, "t": 10, "b": 90},
                     xaxis=_axis(type="category", tickangle=-30, side="bottom"),
                     yaxis=_axis(type="category", autorange="reversed"))
    return _finish([trace], layout)


def network(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], height: int = 420) -> dict[str, Any]:
    """Municipalities on a circle, lines weighted by shared products (nodes: id, label; edges: a, b, weight)."""
    import math

    n = max(len(nodes), 1)
    pos = {nd["id"]: (math.cos(2 * math.pi * i / n + math.pi / 2), math.sin(2 * math.pi * i / n + math.pi / 2))
           for i, nd in enumerate(nodes)}
    top = max([e["weight"] for e in edges] or [1])
    data: list[dict[str, Any]] = []
    for e in edges:
        (x0, y0), (x1, y1) = pos[e["a"]], pos[e["b"]]
        data.append({"type": "scatter", "mode": "lines", "x": [x0, x1], "y": [y0, y1], "hoverinfo": "skip",
                     "line": {"width": 1 + 9 * e["weight"] / top, "color": "rgba(31,95,139,0.45)"}})
        data.append({"type": "scatter", "mode": "text", "x": [(x0 + x1) / 2], "y": [(y0 + y1) / 2],
                     "text": [str(e["weight"])], "textfont": {**FONT, "color": "#1f5f8b"},
                     "hovertemplate": f"{e.get('label', '')}: {e['weight']} felles produkter<extra></extra>"})
    data.append({
        "type": "scatter", "mode": "markers+text", "x": [pos[nd["id"]][0] for nd in nodes],
        "y": [pos[nd["id"]][1] for nd in nodes], "text": [nd["label"] for nd in nodes],
        "textposition": "top center", "textfont": {**FONT, "size": 14},
        "marker": {"size": [nd.get("size", 18) for nd in nodes], "color": PALETTE[1], "line": {"color": "white", "width": 2}},
        "hovertemplate": "%{text}<extra></extra>",
    })
    hidden = {"visible": False, "range": [-1.45, 1.45]}
    layout = _layout(height, xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"}, margin={"l": 0, "r": 0, "t": 20, "b": 0})
    return _finish(data, layout)
