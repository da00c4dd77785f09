"""Plotly figures for digital maturity (notebook 04 and dashboards). Labels in Norwegian."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from digireform.analysis import channels
from digireform.model import formatting
from digireform.model.schema import DIGITALISATION_LEVELS, code_list

# Colours from paper (red) to digital (green); index = level score 0..3.
COLOURS = ["#c0392b", "#e67e22", "#9ccc65", "#2e7d32"]


def heatmap_figure(scores: pd.DataFrame) -> go.Figure:
    """Municipalities × service areas, coloured by digitalisation level (0 paper … 3 digital)."""
    names = list(reversed(list(code_list(DIGITALISATION_LEVELS).values())))  # score 0..3
    text = scores.map(lambda s: "ukjent" if pd.isna(s) else names[int(s)])
    scale = [[i / 3, c] for i, c in enumerate(COLOURS)]
    fig = go.Figure(go.Heatmap(
        z=scores.to_numpy(), x=list(scores.columns), y=list(scores.index), text=text.to_numpy(),
        texttemplate="%{text}", hovertemplate="%{y} – %{x}: %{text}<extra></extra>",
        zmin=0, zmax=3, colorscale=scale,
        colorbar={"tickvals": [0, 1, 2, 3], "ticktext": names, "title": "Nivå"},
    ))
    fig.update_layout(title="Digitaliseringsgrad per tjenesteområde", xaxis_tickangle=-30)
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
    """Key channel figures for one year with Norwegian headers, formatted («3,25», «58,0 %», «1 200»)."""
    part = table[table["year"] == year]
    return pd.DataFrame({
        "Kommune": part["name"],
        "Henvendelser per innbygger": [formatting.number(v, 2) for v in part["contacts_per_inhabitant"]],
        "Fullføringsgrad selvbetjening": [formatting.percent(v, 1) for v in part["selfservice_completion_rate"]],
        "Digital andel utgående post": [formatting.percent(v, 1) for v in part["digital_post_share"]],
        "Brev ut": [formatting.number(v) for v in part["letters_out"]],
    }).reset_index(drop=True)


def targets_display(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets with status and reason, Norwegian headers."""
    if targets.empty:
        return pd.DataFrame(columns=["Kommune", "Mål", "Status", "Begrunnelse"])
    return targets[["name", "id", "text", "status", "reason"]].rename(columns={
        "name": "Kommune", "id": "ID", "text": "Mål", "status": "Status", "reason": "Begrunnelse"})
