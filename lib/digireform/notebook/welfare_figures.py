"""Plotly figures for welfare technology (notebook 03 and dashboards). Labels in Norwegian."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from digireform.model import formatting
from digireform.model.schema import WELFARE_CATEGORIES, label
from digireform.notebook.tables import show_table


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


def needs_display(needs: pd.DataFrame) -> Styler:
    """The needs table for reading (gap and surplus by `rules`; per 1 000 with one decimal)."""
    basis = {"80+": "80 år+", "total": "alle innbyggere"}
    shown = needs.assign(coverage_basis_text=[basis.get(b, "") if isinstance(b, str) else "" for b in needs["coverage_basis"]])
    return show_table(shown, columns=["name", "category_label", "in_use", "needed", "gap", "surplus", "target_year",
                                      "per_1000_80plus", "coverage_basis_text", "response_service"])


def joint_display(joint: pd.DataFrame) -> Styler:
    """Joint volumes per category and target year, for reading."""
    shown = joint.rename(columns={"category": "welfare_category", "municipalities": "partner_count"})
    return show_table(shown, columns=["welfare_category", "year", "units", "in_use", "gap", "partner_count"])
