"""The data behind each dashboard, computed once per version of the data.

The server (`serve`) has every page built in one child process per data version (see
`site`) and serves the resulting HTML; a notebook (`show`) computes the page in its own
kernel (`page_data`).

Every figure comes from `report.build_report` (public by construction) or from the
analysis modules' own public functions; nothing here recomputes a figure differently.
A page is plain data: texts, selections, and blocks of HTML or plotly JSON per selection
(see `common` and `render`).

One module a page (`oversikt`, `overlapp`, `velferdsteknologi`, `modenhet`, `anbud`), each with
`build(ctx, page)`; what they share is in `base`.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any

from digireform.dashboard import common as c
from digireform.dashboard.pages import anbud, modenhet, overlapp, oversikt, velferdsteknologi
from digireform.dashboard.pages.base import Context, context, texts

PAGE_NAMES = ("oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud")


def page_data(name: str, data_dir: str | os.PathLike | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
    """The page `name` computed in this process (a notebook's `show`): the data are loaded once
    per data version and date (`context`), so a long-running kernel sees edits."""
    from digireform.dashboard import dataversion
    from digireform.io.paths import resolve_data_dir

    if name not in PAGE_NAMES:
        raise ValueError(f"unknown dashboard {name!r}")
    root = resolve_data_dir(data_dir)
    day = as_of or dataversion.local_today()
    return build_page(name, context(str(root), day.isoformat(), dataversion.fingerprint(root, day)))


def build_page(name: str, ctx: Context) -> dict[str, Any]:
    """The page `name` from `ctx`: a site build passes one Context to all five pages, so they
    show the same load of the data, whatever is saved meanwhile."""
    builder = BUILDERS[name]
    t = texts()
    page = {
        "name": name, "title": t["pages"][name]["title"], "intro": t["pages"][name]["intro"],
        "texts": {k: v for k, v in t.items() if isinstance(v, str)},
        "example_data": ctx.report["example_data"], "as_of": ctx.report["as_of"],
        "data_version": ctx.data_version, "problems": len(ctx.region.problems),
        "data_check": ctx.check.as_dict(),
        "selections": [[c.ALL, t["all_label"]]] + [[nr, ctx.region.name(nr)] for nr in ctx.region.numbers],
        "home_url": "/", "credits": [], "blocks": [],
    }
    builder(ctx, page)
    return page


BUILDERS = {
    "oversikt": oversikt.build,
    "overlapp": overlapp.build,
    "velferdsteknologi": velferdsteknologi.build,
    "digital-modenhet": modenhet.build,
    "anbud": anbud.build,
}
