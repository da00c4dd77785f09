"""ipywidgets editors for the project group (used from notebooks/01-inventar.ipynb).

`TableEditor` edits systems.csv or welfare.csv, `ProfileEditor` edits kommune.yaml;
both validate before saving and save through `digireform.sync` (merge, conflicts,
lock, atomic write). `editors()` puts the three in tabs. The other modules are what the
notebooks show: read-only tables (`views`, `tables`), figures and the tender helpers.

May import: `digireform.model`, `digireform.io`, `digireform.validate`, `digireform.sync`,
`digireform.ingest`, `digireform.analysis`, `digireform.report`, `digireform.tender` and
other `digireform.notebook` modules; never `dashboard` or `cli`.
"""
from __future__ import annotations

import os

import ipywidgets as w

from digireform.notebook.profile_editor import ProfileEditor
from digireform.notebook.table_editor import TableEditor


def editors(data_dir: str | os.PathLike | None = None, number: str | None = None) -> w.Tab:
    """Systems, welfare technology and profile editors in one tab widget."""
    parts = [TableEditor(data_dir, "systems", number), TableEditor(data_dir, "welfare", number),
             ProfileEditor(data_dir, number)]
    tabs = w.Tab(children=[p.widget() for p in parts])
    for i, title in enumerate(("Systemer", "Velferdsteknologi", "Kommuneprofil")):
        tabs.set_title(i, title)
    tabs.editors = parts  # for tests and for notebook users who want the objects
    return tabs


__all__ = ["TableEditor", "ProfileEditor", "editors"]
