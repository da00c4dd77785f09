"""Read-only tables for the inventory notebook (Norwegian headers and labels).

Internal to the project group: these show everything in the inventory, confidential
cells included, so they are for notebooks/01-inventar.ipynb, never for dashboards.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from digireform.model import labels
from digireform.model.errors import DigireformError, Problem
from digireform.model.region import Region
from digireform.model.schema import file_spec
from digireform.notebook.tables import show_table
from digireform.report import completeness


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Any list of problems (the region's, a tender file's) as the plain frame Fil, Linje, Felt, Melding."""
    return pd.DataFrame(
        [{"Fil": p.file, "Linje": p.line, "Felt": problem_field(p), "Melding": p.message} for p in problems],
        columns=["Fil", "Linje", "Felt", "Melding"],
    ).astype({"Linje": "Int64"})


def _municipality_of(file: str, names: dict[str, str]) -> str:
    """The municipality a problem's file belongs to («municipalities/1853-evenes/…» → «Evenes»)."""
    match = re.search(r"(?:^|[\\/])(\d{4})-[^\\/]*(?:[\\/]|$)", file)
    return names.get(match.group(1), match.group(1)) if match else ""


_FILE_KINDS = {"systems.csv": "systems", "welfare.csv": "welfare", "kommune.yaml": labels.PROFILE}


def problem_field(p: Problem) -> str:
    """The problem's field by its Norwegian label, the key after it for whoever edits the file:
    «Antall brukere (users)»; a field the data files do not name (a tender file's) as written."""
    kind = _FILE_KINDS.get(p.file.replace("\\", "/").rsplit("/", 1)[-1])
    label = labels.field_label(p.field, kind) if kind else p.field
    return f"{label} ({p.field})" if label != p.field else p.field


def problems_table(region: Region) -> Styler | Markdown:
    """Validation problems (Kommune, Fil, Linje, Felt, Melding), the message whole and wrapped;
    a sentence when the data is valid."""
    names = {nr: region.name(nr) for nr in region.numbers}
    frame = pd.DataFrame(
        [{"municipality_name": _municipality_of(p.file, names), "file": p.file, "line": p.line,
          "field": problem_field(p), "message": p.message} for p in region.problems],
        columns=["municipality_name", "file", "line", "field", "message"])
    return show_table(frame, empty="Ingen feil: dataene er gyldige.")


def completeness_table(region: Region) -> Styler:
    """Per municipality: systems in use and the share of completeness fields filled (blank without systems)."""
    in_use = region.in_use_systems()
    rows = []
    for nr in region.numbers:
        mine = in_use[in_use["municipality"] == nr]
        rows.append({"municipality_name": f"{nr} {region.name(nr)}", "systems_in_use": len(mine),
                     "completeness": completeness(mine)})
    return show_table(pd.DataFrame(rows, columns=["municipality_name", "systems_in_use", "completeness"]))


def inventory_table(region: Region, number: str, kind: str = "systems") -> Styler | Markdown:
    """One municipality's systems or welfare rows: every field under its Norwegian header,
    codes as labels, money and dates in Norwegian form, blanks for unknown."""
    frame = region.systems if kind == "systems" else region.welfare
    mine = frame[frame["municipality"] == number]
    return show_table(mine, columns=file_spec(kind).columns, kind=kind, empty="Ingen rader.")


def change_summary(data_dir=None) -> str:
    """The git change summary, or the reason it cannot be made (no repository)."""
    from digireform.analysis.changes import summary

    try:
        return summary(data_dir)
    except DigireformError as exc:
        return str(exc)


WORKLIST_COLUMNS = ["system_id", "product", "missing_labels", "missing_count", "impact"]


def worklist_table(items: list[dict[str, Any]]) -> Styler:
    """Worklist items (what is missing, weighted by impact) as a table for the notebook."""
    frame = pd.DataFrame([{"system_id": it["system_id"], "product": it["product"],
                           "missing_labels": ", ".join(it["missing_labels"]), "missing_count": len(it["missing"]),
                           "impact": it["impact"]} for it in items], columns=WORKLIST_COLUMNS)
    return show_table(frame, kind="systems")
