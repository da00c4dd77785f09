"""Plotly figures for welfare technology (notebook 03 and dashboards). Labels in Norwegian."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from digireform.model import formatting
from digireform.model.schema import WELFARE_CATEGORIES, label


def bar_layout(bars: int) -> dict:
    """A bar chart's size for `bars` groups: one municipality gets a slim bar, not one wall of colour."""
    return {"height": 380, "bargap": 0.6 if bars <= 2 else 0.25, "xaxis": {"type": "category"}}


def gap_figure(needs: pd.DataFrame, category: str) -> go.Figure:
    """Units in use and needed by target year per municipality, for one category."""
    part = needs[needs["category"] == category]
    fig = go.Figure([
        go.Bar(name="I bruk", x=part["name"], y=part["in_use"]),
        go.Bar(name="Behov innen målår", x=part["name"], y=part["needed"]),
    ])
    fig.update_layout(barmode="group", title=f"{label(WELFARE_CATEGORIES, category)}: i bruk og behov",
                      yaxis_title="Enheter", legend_title_text="", **bar_layout(len(part)))
    return fig


def coverage_figure(needs: pd.DataFrame, category: str) -> go.Figure:
    """Units in use per 1,000 inhabitants aged 80+ (or total, marked) for one category."""
    part = needs[(needs["category"] == category) & needs["per_1000_80plus"].notna()]
    names = [n + (" *" if b == "total" else "") for n, b in zip(part["name"], part["coverage_basis"], strict=True)]
    fig = go.Figure(go.Bar(x=names, y=part["per_1000_80plus"], textposition="outside", cliponaxis=False,
                           text=[formatting.decimal(v, 1) for v in part["per_1000_80plus"]]))
    title = f"{label(WELFARE_CATEGORIES, category)}: enheter per 1000 innbyggere 80 år+"
    if (part["coverage_basis"] == "total").any():
        title += " (* per 1000 innbyggere i alt: aldersgruppe mangler)"
    fig.update_layout(title=title, yaxis_title="Per 1000", **bar_layout(len(part)))
    return fig


def joint_volume_figure(joint: pd.DataFrame) -> go.Figure:
    """Joint units needed per category, stacked by target year."""
    fig = go.Figure()
    for year, part in joint.groupby("year"):
        fig.add_bar(name=str(year), x=[label(WELFARE_CATEGORIES, c) for c in part["category"]], y=part["units"])
    fig.update_layout(barmode="stack", title="Felles behov per kategori og målår", yaxis_title="Enheter",
                      legend_title_text="Målår")
    return fig


def needs_display(needs: pd.DataFrame) -> pd.DataFrame:
    """The needs table with Norwegian headers and labels, for showing (gap and surplus by `rules`)."""
    out = needs.assign(
        response_service=[label("response_service", c) if isinstance(c, str) else "" for c in needs["response_service"]],
        coverage_basis=needs["coverage_basis"].map({"80+": "80 år+", "total": "alle innbyggere"}),
        per_1000_80plus=[formatting.number(v, 1) for v in needs["per_1000_80plus"]],
    )
    return out[["name", "category_label", "in_use", "needed", "gap", "surplus", "target_year", "per_1000_80plus",
                "coverage_basis", "response_service"]].rename(columns={
        "name": "Kommune", "category_label": "Kategori", "in_use": "I bruk", "needed": "Behov",
        "gap": "Gap", "surplus": "Overskudd", "target_year": "Målår", "per_1000_80plus": "Per 1000 (80+)",
        "coverage_basis": "Dekning regnet mot", "response_service": "Responstjeneste",
    })


def joint_display(joint: pd.DataFrame) -> pd.DataFrame:
    """Joint volumes with Norwegian headers."""
    out = joint.assign(category=[label(WELFARE_CATEGORIES, c) for c in joint["category"]])
    return out.rename(columns={"category": "Kategori", "year": "Målår", "units": "Enheter (behov)",
                               "in_use": "I bruk", "gap": "Gap", "municipalities": "Kommuner"})
