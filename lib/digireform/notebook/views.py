"""Read-only tables for the inventory notebook (Norwegian headers and labels).

Internal to the project group: these show everything in the inventory, confidential
cells included, so they are for notebooks/01-inventar.ipynb, never for dashboards.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from digireform.model import formatting, labels
from digireform.model.errors import DigireformError, Problem
from digireform.model.region import Region
from digireform.model.schema import file_spec, label
from digireform.report import completeness


def problems_table(region: Region) -> pd.DataFrame:
    """Validation problems as a table (Fil, Linje, Felt, Melding); empty when the data is valid."""
    return problems_frame(region.problems)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Any list of problems (the region's, a tender file's) as the table Fil, Linje, Felt, Melding."""
    return pd.DataFrame(
        [{"Fil": p.file, "Linje": p.line, "Felt": problem_field(p), "Melding": p.message} for p in problems],
        columns=["Fil", "Linje", "Felt", "Melding"],
    ).astype({"Linje": "Int64"})


_FILE_KINDS = {"systems.csv": "systems", "welfare.csv": "welfare", "kommune.yaml": labels.PROFILE}


def problem_field(p: Problem) -> str:
    """The problem's field by its Norwegian label, the key after it for whoever edits the file:
    «Antall brukere (users)»; a field the data files do not name (a tender file's) as written."""
    kind = _FILE_KINDS.get(p.file.replace("\\", "/").rsplit("/", 1)[-1])
    label = labels.field_label(p.field, kind) if kind else p.field
    return f"{label} ({p.field})" if label != p.field else p.field


def completeness_table(region: Region) -> pd.DataFrame:
    """Per municipality: systems in use and the share of completeness fields filled («87,5 %», «–» without systems)."""
    in_use = region.in_use_systems()
    rows = []
    for nr in region.numbers:
        mine = in_use[in_use["municipality"] == nr]
        share = completeness(mine)
        rows.append({"Kommune": f"{nr} {region.name(nr)}", "Systemer i bruk": len(mine),
                     "Kompletthet": formatting.percent(share, 1)})
    return pd.DataFrame(rows, columns=["Kommune", "Systemer i bruk", "Kompletthet"])


def inventory_table(region: Region, number: str, kind: str = "systems") -> pd.DataFrame:
    """One municipality's systems or welfare rows with Norwegian headers and code labels."""
    spec = file_spec(kind)
    frame = region.systems if kind == "systems" else region.welfare
    mine = frame[frame["municipality"] == number]
    out = pd.DataFrame(index=mine.index)
    for f in spec.fields:
        col = mine[f.key]
        if f.type == "code":
            col = col.map(lambda v, c=f.codes: None if pd.isna(v) else label(c, v)).astype(object)
        elif f.type == "date":
            col = col.dt.strftime("%Y-%m-%d")
        out[f.header] = col
    return out.reset_index(drop=True)


def change_summary(data_dir=None) -> str:
    """The git change summary, or the reason it cannot be made (no repository)."""
    from digireform.analysis.changes import summary

    try:
        return summary(data_dir)
    except DigireformError as exc:
        return str(exc)


def worklist_table(items: list[dict[str, Any]]) -> pd.DataFrame:
    """Items as a table with Norwegian column names, for the notebook."""
    return pd.DataFrame(
        [
            {
                "System-ID": it["system_id"],
                "System": it["product"],
                "Mangler": ", ".join(it["missing_labels"]),
                "Antall": len(it["missing"]),
                "Vekt (påvirkning)": it["impact"],
            }
            for it in items
        ],
        columns=["System-ID", "System", "Mangler", "Antall", "Vekt (påvirkning)"],
    )
