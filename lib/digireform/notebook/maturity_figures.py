"""Plotly figures for digital maturity (notebook 04 and dashboards). Labels in Norwegian."""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from digireform.analysis import channels
from digireform.model.schema import DIGITALISATION_LEVELS, code_list
from digireform.notebook.tables import table_frame

# Colours from paper (red) to digital (green); index = level score 0..3.
COLOURS = ["#c0392b", "#e67e22", "#9ccc65", "#2e7d32"]
ROW_PX = 56  # height of one municipality's row in the heat map: two lines of cell text
HEATMAP_TOP = 50  # room for the title


def wrap_label(text: str, width: int) -> str:
    """A label broken into lines of at most `width` characters (plotly's line break is <br>)."""
    return "<br>".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def heatmap_figure(scores: pd.DataFrame) -> go.Figure:
    """Municipalities × service areas, coloured by digitalisation level (0 paper … 3 digital).

    Readable for one municipality and for many: the level names in the cells and the area names
    under them are broken into short lines (a cell is as narrow as the widest word, not the whole
    phrase), and the height follows the number of rows instead of plotly's fixed 450 px, in which
    one row became one tall bar with its name on top of the first cell's text. No colour scale:
    each cell says its level, and a scale squeezed into one row's height overprinted its labels.
    """
    names = list(reversed(list(code_list(DIGITALISATION_LEVELS).values())))  # score 0..3
    text = scores.map(lambda s: "ukjent" if pd.isna(s) else wrap_label(names[int(s)], 12))
    columns = [wrap_label(c, 14) for c in scores.columns]
    label_lines = max((c.count("<br>") + 1 for c in columns), default=1)
    scale = [[i / 3, c] for i, c in enumerate(COLOURS)]
    fig = go.Figure(go.Heatmap(
        z=scores.to_numpy(), x=columns, y=list(scores.index), text=text.to_numpy(),
        texttemplate="%{text}", textfont={"size": 11}, xgap=2, ygap=2,
        customdata=[list(scores.columns)] * len(scores.index),
        hovertemplate="%{y} – %{customdata}: %{text}<extra></extra>",
        zmin=0, zmax=3, colorscale=scale, showscale=False,  # every cell names its level
    ))
    bottom = 30 + 15 * label_lines
    fig.update_layout(title="Digitaliseringsgrad per tjenesteområde", height=HEATMAP_TOP + bottom + ROW_PX * max(len(scores), 1),
                      margin={"t": HEATMAP_TOP, "b": bottom, "l": 10, "r": 10},
                      xaxis={"tickangle": 0, "side": "bottom", "automargin": True, "type": "category"},
                      yaxis={"automargin": True, "autorange": "reversed", "type": "category"})
    return fig


def national_comparison_figure(comparison: pd.DataFrame, area: str) -> go.Figure:
    """The region's distribution of levels next to the national survey for one area."""
    part = comparison[comparison["area"] == area]
    fig = go.Figure([
        go.Bar(name=f"Regionen (n={int(part['region_n'].iloc[0])})", x=part["level_label"], y=part["region_share"] * 100),
        go.Bar(name=f"Nasjonalt (n={int(part['national_n'].iloc[0])})", x=part["level_label"],
               y=part["national_share"].astype("float64") * 100),
    ])
    fig.update_layout(barmode="group", title=f"{part['area_label'].iloc[0]}: andel kommuner per nivå",
                      yaxis_title="Prosent", yaxis_range=[0, 100], legend_title_text="")
    return fig


def channel_figure(table: pd.DataFrame, year: int) -> go.Figure:
    """Channel volumes per municipality for one year, one bar group per channel."""
    part = table[table["year"] == year]
    fig = go.Figure()
    for key in ["personal_visits", "phone_in", "letters_in", "email_in", "selfservice_completed", "selfservice_abandoned"]:
        per = part[key].astype("float64") / part["population"].astype("float64")
        fig.add_bar(name=channels.channel_label(key), x=part["name"], y=per)
    fig.update_layout(barmode="group", title=f"Henvendelser per innbygger etter kanal, {year}",
                      yaxis_title="Per innbygger", legend_title_text="")
    return fig


def channel_display(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Key channel figures for one year, formatted by `tables.table_frame` («3,25», «58,0 %», «1 200»)."""
    part = table[table["year"] == year]
    return table_frame(part, columns=["name", "contacts_per_inhabitant", "selfservice_completion_rate",
                                      "digital_post_share", "letters_out"])


def targets_display(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets with status and reason, formatted by `tables.table_frame`."""
    cols = ["name", "target_id", "target_text", "status", "reason"]
    if targets.empty:
        return table_frame(pd.DataFrame(columns=cols))
    return table_frame(targets.rename(columns={"id": "target_id", "text": "target_text"}), columns=cols)
