"""Dashboards for councillors: page data (`pages/`: one module a page, shared pieces in
`pages.base`), shared HTML pieces (`common`), plotly figures (`figures`), whole pages
(`render`), one site version (`site`), which data and day it shows (`dataversion`), whether
a version of the data may be published (`datacheck`), the server (`serve`) and a page inline
in a notebook (`inline`).

Notebooks in notebooks/dashboards/ call `show(name)`; nothing heavy is imported here.

May import: `digireform.model`, `digireform.io`, `digireform.validate`, `digireform.analysis`,
`digireform.report`, `digireform.tender` and other `digireform.dashboard` modules. Never
`sync` or `ingest`: dashboards are read-only; nor `notebook` or `cli`.
"""
from __future__ import annotations


def show(name: str) -> None:
    """Display dashboard `name` (see pages.PAGE_NAMES) in the running notebook."""
    from digireform.dashboard.inline import show as _show

    _show(name)


__all__ = ["show"]
