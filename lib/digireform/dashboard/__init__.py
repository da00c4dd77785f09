"""Dashboards for councillors: page data (`pages`), shared HTML pieces (`common`), plotly
figures (`figures`), whole pages (`render`), one site version (`site`) and the server (`serve`).

Notebooks in notebooks/dashboards/ call `show(name)`; nothing heavy is imported here.
"""
from __future__ import annotations


def show(name: str) -> None:
    """Display dashboard `name` (see pages.PAGE_NAMES) in the running notebook."""
    from digireform.dashboard.common import show as _show

    _show(name)


__all__ = ["show"]
