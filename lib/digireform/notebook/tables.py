"""The one way a table is shown to a person in the notebooks, and the analysis tables 02–04 show.

`show_table` formats every cell by the project's one formatter (`model.labels.cell` →
`model.formatting`): blank for unknown (never «NaN» or «<NA>»), Norwegian numbers and money
(«45 000 kr»), one decimal for rates per 1 000, shares as per cent, dates as «30.06.2026»;
the headers are the labels of the fields (schema.yaml) or of the computed columns
(data/table_columns.yaml), so a column is named and formatted the same in every notebook. No
row numbers, long text wrapped, nothing cut.

The analyses (`analysis.overlap`, `analysis.survey`, …) return plain data; the tables here
only choose the columns (by key) for reading in a notebook, so the report, the CLI summary and
the notebook show the same figures.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from digireform.analysis import survey
from digireform.analysis.overlap import OverlapResult, names_text
from digireform.model import formatting
from digireform.model.labels import Column, cell, column
from digireform.model.region import Region
from digireform.validate.survey import load_responses, services

NUMERIC_KINDS = frozenset({"int", "decimal", "number1", "number2", "rate", "nok", "percent", "percent1"})
NOWRAP_KINDS = NUMERIC_KINDS | {"date", "year", "line"}  # «30.12.2026» and «45 000 kr» never split
# Alignment is set per cell (`show_table`): a cell's id outranks JupyterLab's `td {text-align: right}`
# and these table-wide rules alike. Words break only when one alone is wider than the column.
TABLE_STYLES = [
    {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "bottom"), ("white-space", "normal")]},
    {"selector": "td", "props": [("vertical-align", "top"), ("white-space", "normal"), ("max-width", "40em"),
                                 ("overflow-wrap", "break-word")]},
]


def columns_of(frame: pd.DataFrame, columns: Sequence[str] | None = None, kind: str | None = None) -> list[Column]:
    """The label and kind of each shown column (`columns`, else all of `frame`'s, in order)."""
    return [column(key, kind) for key in (columns if columns is not None else list(frame.columns))]


def table_frame(frame: pd.DataFrame, columns: Sequence[str] | None = None, kind: str | None = None) -> pd.DataFrame:
    """`frame` as a person reads it: every cell a formatted text, Norwegian headers, no index.

    `frame`'s columns are keys: fields of `kind`'s file (systems, welfare) or computed columns
    (data/table_columns.yaml). The result is what `show_table` shows, so tests read it.
    """
    cols = columns_of(frame, columns, kind)
    out = pd.DataFrame({c.label: [cell(v, c.kind) for v in frame[c.key].tolist()] for c in cols},
                       columns=[c.label for c in cols])
    return out.reset_index(drop=True)


def show_table(frame: pd.DataFrame, columns: Sequence[str] | None = None, kind: str | None = None,
               empty: str | None = None) -> Styler | Markdown:
    """The table as shown in a notebook: formatted cells (`table_frame`), numbers right-aligned,
    no row numbers, long text wrapped. With `empty`, an empty table is that sentence instead."""
    if empty is not None and len(frame) == 0:
        return Markdown(f"*{empty}*")
    cols = columns_of(frame, columns, kind)
    shown = table_frame(frame, columns, kind)
    styler = shown.style.hide(axis="index").set_table_styles(TABLE_STYLES)
    for kinds, props in ((NUMERIC_KINDS, {"text-align": "right"}), (None, {"text-align": "left"}),
                         (NOWRAP_KINDS, {"white-space": "nowrap"})):
        subset = [c.label for c in cols if (c.kind in kinds if kinds is not None else c.kind not in NUMERIC_KINDS)]
        if subset:
            styler = styler.set_properties(subset=subset, **props)
    return styler


def _ids(systems: dict[str, list[str]]) -> str:
    return "; ".join(i for ids in systems.values() for i in ids)


# --------------------------------------------------------------------------- overlap (02)


def shared_table(result: OverlapResult, names: dict[str, str]) -> Styler:
    """Shared products: who uses them, users, yearly cost and the systems behind them."""
    frame = pd.DataFrame([{
        "product": s["product"], "municipalities": names_text(s["municipalities"], names),
        "municipality_count": len(s["municipalities"]), "users": s["users"],
        "annual_cost_nok": s["annual_cost_nok"], "systems": _ids(s["systems"]),
    } for s in result.shared_products], columns=SHARED_COLUMNS)
    return show_table(frame)


SHARED_COLUMNS = ["product", "municipalities", "municipality_count", "users", "annual_cost_nok", "systems"]


def harmonisation_table(result: OverlapResult, names: dict[str, str]) -> Styler:
    """Harmonisation candidates, one row per product of each service area and function."""
    rows = []
    for h in result.harmonisation_candidates:
        for product, d in h["product_details"].items():
            rows.append({"service_area_label": h["service_area_label"], "function": h["function"], "product": product,
                         "municipalities": names_text(d["municipalities"], names), "users": d["users"],
                         "annual_cost_nok": d["annual_cost_nok"]})
    return show_table(pd.DataFrame(rows, columns=["service_area_label", "function", "product", "municipalities",
                                                  "users", "annual_cost_nok"]))


def deadlines_text(deadlines: dict[str, str], names: dict[str, str], as_of: dt.date) -> str:
    """«Narvik 30.06.2026 (gått ut); Evenes 31.12.2027»: each partner's notice deadline, a passed
    one marked (the deadline day itself is not passed: `analysis.exit_windows.deadline_passed`)."""
    from digireform.analysis.exit_windows import deadline_passed

    return "; ".join(f"{names.get(nr, nr)} {formatting.date_no(d)}"
                     + (" (gått ut)" if deadline_passed(dt.date.fromisoformat(d), as_of) else "")
                     for nr, d in deadlines.items())


def windows_table(result: OverlapResult, names: dict[str, str], by_function: bool = False) -> Styler:
    """Joint exit windows per product (or per function, whatever the product) with their deadlines.

    Windows in which a partner's notice deadline has already passed come last, and the
    partners concerned are named in «Fristen gått ut»."""
    as_of = result.options.as_of
    rows = []
    for w in result.function_windows if by_function else result.exit_windows:
        rows.append({
            ("function" if by_function else "product"): w["function"] if by_function else w["product"],
            "municipalities": names_text(w["municipalities"], names),
            "window_start": w["window_start"], "window_end": w["window_end"], "proposed_start": w["proposed_start"],
            "notice_deadlines": deadlines_text(w["notice_deadlines"], names, as_of),
            "passed_deadlines": names_text(w["running_on_notice"], names),
            "systems": _ids(w["systems"]),
        })
    first = "function" if by_function else "product"
    frame = pd.DataFrame(rows, columns=[first, "municipalities", "window_start", "window_end", "proposed_start",
                                        "notice_deadlines", "passed_deadlines", "systems"])
    frame = frame.assign(_late=frame["passed_deadlines"] != "").sort_values("_late", kind="stable")
    return show_table(frame.drop(columns="_late"))


def candidates_table(result: OverlapResult, names: dict[str, str]) -> Styler:
    """Joint-tender candidates in rank order with value, threshold and proposed start."""
    frame = pd.DataFrame([{
        "rank": c["rank"], "candidate": c.get("product") or f"{c['function']} ({', '.join(c['products'])})",
        "municipalities": names_text(c["municipalities"], names), "annual_cost_nok": c["annual_cost_nok"],
        "estimated_value_nok": c["estimated_value_nok"], "threshold": c["threshold"]["procedure"],
        "proposed_start": c["window"]["proposed_start"] if c["window"] else None, "score": c["score"],
    } for c in result.tender_candidates], columns=["rank", "candidate", "municipalities", "annual_cost_nok",
                                                  "estimated_value_nok", "threshold", "proposed_start", "score"])
    return show_table(frame)


def not_in_catalogue_table(result: OverlapResult, names: dict[str, str]) -> Styler | Markdown:
    """Products not found in the product catalogue, as written, with their systems."""
    frame = pd.DataFrame([{"product": p["product"], "municipalities": names_text(p["municipalities"], names),
                           "systems": _ids(p["systems"])} for p in result.not_in_catalogue],
                         columns=["product", "municipalities", "systems"])
    return show_table(frame, empty="Alle produktene finnes i katalogen.")


def missing_dates_table(result: OverlapResult, names: dict[str, str]) -> Styler | Markdown:
    """Systems left out of the exit windows because the contract end or notice period is unknown."""
    from digireform.model.labels import field_label

    frame = pd.DataFrame([{
        "name": names.get(m["municipality"], m["municipality"]), "system_id": m["system_id"],
        "product": m["product"], "line": m["line"],
        "missing_fields": ", ".join(field_label(f, "systems") for f in m["fields"]),
    } for m in result.missing_dates], columns=["name", "system_id", "product", "line", "missing_fields"])
    return show_table(frame, columns=["name", "system_id", "product", "line", "missing_fields"], kind="systems",
                      empty="Alle systemene har avtaleutløp og oppsigelsestid.")


# --------------------------------------------------------------------------- welfare contracts (03)

CONTRACT_COLUMNS = ["name", "welfare_category", "product", "vendor", "contract_end", "notice_months", "notice_by",
                    "notice_status"]


def contracts_table(region: Region, as_of: dt.date | None = None, horizon_years: int | None = None) -> Styler | Markdown:
    """Welfare contracts ending within the horizon, soonest first, those whose notice deadline has
    passed last and marked «Fristen gikk ut 30. juni 2026». `as_of` defaults to today."""
    from digireform.analysis.welfare import contracts_ending
    from digireform.model.rules import HORIZON_YEARS

    ending = contracts_ending(region, as_of or dt.date.today(), horizon_years or HORIZON_YEARS)
    shown = ending.rename(columns={"category": "welfare_category", "notice_note": "notice_status"})
    return show_table(shown, columns=CONTRACT_COLUMNS, empty="Ingen avtaler løper ut i perioden.")


# --------------------------------------------------------------------------- survey (04)


def survey_table(region: Region) -> pd.DataFrame:
    """Latest survey per municipality; withheld cells say «for få svar».

    The formatted frame (`table_frame`), not a Styler: notebook 04 styles it itself."""
    responses, _ = load_responses(region)
    rows: list[dict[str, Any]] = []
    for nr, part in responses.groupby("municipality"):
        latest = sorted(part["survey"].unique())[-1]
        summary = survey.summarise(part[part["survey"] == latest])
        for svc, res in summary["satisfaction"].items():
            held = bool(res.get("suppressed"))
            rows.append({
                "name": region.name(nr), "survey": latest, "service": services()[svc]["label"], "answers": res["n"],
                "mean": "for få svar" if held else res["mean"],
                "share_satisfied": "for få svar" if held else res["share_satisfied"],
            })
    return table_frame(pd.DataFrame(rows, columns=["name", "survey", "service", "answers", "mean", "share_satisfied"]))
