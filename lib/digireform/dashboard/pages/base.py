"""What every dashboard page is built from: one Context (one load of the public region and its
report) and the small blocks the pages share.
"""
from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from digireform.dashboard import common as c
from digireform.model import formatting

DOCS_ENV = "DIGIREFORM_DASHBOARD_DOCS"  # folder with the tender documents built for this version


DOCS_URL = "/dokumenter"


@cache
def texts() -> dict[str, Any]:
    """The dashboards' texts and settings (data/dashboards.yaml)."""
    import yaml

    from digireform.model.resources import package_file

    return yaml.safe_load(package_file("digireform.dashboard", "data", "dashboards.yaml").read_text("utf-8"))


class Context:
    """The public region, its report and the date of the data: one load, shared by every page built from it.

    `region` is `privacy.public_region` of the load (confidential fields blanked, profiles
    whitelisted, no contacts; the problems kept for the data check), so no block can reach
    data a public page must not show.
    """

    def __init__(self, data_dir: str, as_of: str):
        from digireform.analysis.options import ReportOptions
        from digireform.dashboard import datacheck, dataversion
        from digireform.model.privacy import public_region
        from digireform.report import build_report
        from digireform.validate.region import load

        self.data_dir = Path(data_dir)
        self.as_of = dt.date.fromisoformat(as_of)
        self.options = ReportOptions(as_of=self.as_of)
        self.region = public_region(load(self.data_dir))
        self.report = build_report(self.region, self.options)
        self.data_version = dataversion.data_version(self.data_dir)
        self.check = datacheck.check(self.region)

    @property
    def numbers(self) -> list[str]:
        return list(self.region.numbers)

    def name(self, nr: str) -> str:
        return self.region.name(nr)

    def names(self, numbers: list[str]) -> str:
        return ", ".join(self.name(n) for n in numbers if n in self.region.municipalities.index)


@lru_cache(maxsize=2)
def context(data_dir: str, as_of: str, fingerprint: str) -> Context:
    """Loaded once per data version: a long-running notebook kernel sees edits, and keeps at most two."""
    return Context(data_dir, as_of)


def html_block(variants: dict[str, str]) -> dict[str, Any]:
    return {"kind": "html", "variants": variants}


def figure_block(title: str, variants: dict[str, Any], note: str = "", height: int = 360,
            empty: str = "Ingen data for dette utvalget.", min_width: int = 0) -> dict[str, Any]:
    """A chart block; `min_width` (px): narrower screens scroll it sideways instead of squeezing it."""
    return {"kind": "figure", "title": title, "variants": variants, "note": note, "height": height, "empty": empty,
            "min_width": min_width}


def members(ctx: Context, sel: str) -> list[str]:
    return ctx.numbers if sel == c.ALL else [sel]


def selections(ctx: Context) -> list[str]:
    return [c.ALL, *ctx.numbers]


def involves(item_numbers: list[str], sel: str) -> bool:
    return sel == c.ALL or sel in item_numbers


def horizon_text(ctx: Context) -> str:
    """«fem år»: the report's horizon (`rules.HORIZON_YEARS` unless the options say otherwise), in words."""
    return formatting.years(ctx.options.horizon_years)


def missing(section_title: str) -> dict[str, Any]:
    return html_block({"*": c.section(section_title, c.notice(texts()["missing_section"], "warning"))})
