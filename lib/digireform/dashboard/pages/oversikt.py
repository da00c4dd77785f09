"""«Oversikt»: key figures, the map, contracts ending within the horizon and costs per municipality."""
from __future__ import annotations

from typing import Any

from digireform.dashboard import common as c
from digireform.dashboard.pages.base import (
    Context,
    figure_block,
    horizon_text,
    html_block,
    involves,
    members,
    selections,
    texts,
)
from digireform.model.dates import add_years


def build(ctx: Context, page: dict[str, Any]) -> None:
    from digireform.model.register import BORDERS_CREDIT

    page["blocks"].append(html_block({sel: c.kpi_cards(_overview_kpis(ctx, sel)) for sel in selections(ctx)}))
    page["blocks"].append(_map_block(ctx))
    page["blocks"].append(_contract_block(ctx))
    page["blocks"].append(html_block({sel: _cost_table(ctx, sel) for sel in selections(ctx)}))
    page["credits"].append(BORDERS_CREDIT)


def _overview_kpis(ctx: Context, sel: str) -> list[dict[str, Any]]:
    rep = ctx.report
    fig = rep["region"] if sel == c.ALL else rep["municipalities"][sel]
    distinct = fig.get("distinct_products")
    overlap = rep.get("overlap") or {}
    shared = [p for p in overlap.get("shared_products", []) if involves(p["municipalities"], sel)]
    window = next((w for w in overlap.get("exit_windows", []) if involves(w["municipalities"], sel)), None)
    window_note = f"{window['product']}: {ctx.names(window['municipalities'])}" if window else ""
    return [
        {"key": "systems", "label": "Systemer i bruk", "value": fig["systems"], "text": c.fmt_int(fig["systems"])},
        {"key": "distinct_products", "label": "Ulike produkter", "value": distinct, "text": c.fmt_int(distinct)},
        {"key": "annual_cost_nok", "label": "Årlig kostnad", "value": fig["annual_cost_nok"],
         "text": c.fmt_nok_short(fig["annual_cost_nok"]), "note": "uten avtaler unntatt offentlighet"},
        {"key": "cost_per_inhabitant_nok", "label": "Kostnad per innbygger", "value": fig["cost_per_inhabitant_nok"],
         "text": c.fmt_nok(fig["cost_per_inhabitant_nok"])},
        {"key": "shared_products", "label": "Felles produkter", "value": len(shared) if overlap else None,
         "text": c.fmt_int(len(shared)) if overlap else "–", "note": "brukt av minst to partnere"},
        {"key": "next_exit_window", "label": "Neste felles exit-vindu",
         "value": window["proposed_start"] if window else None,
         "text": c.fmt_date(window["proposed_start"]) if window else f"Ingen innen {horizon_text(ctx)}",
         "note": window_note},
    ]


def _map_block(ctx: Context) -> dict[str, Any]:
    from digireform.dashboard import figures
    from digireform.model import register

    geo = figures.light_geojson(register.borders_for(ctx.numbers))
    measures = []
    for m in texts()["map_measures"]:
        values = [ctx.report["municipalities"][nr].get(m["key"]) for nr in ctx.numbers]
        fmt = c.FORMATTERS[m["format"]]
        scaled = [None if v is None else (round(v * 100, 1) if m["format"] == "percent" else v) for v in values]
        measures.append({"label": m["label"], "values": scaled, "texts": [f"{m['label']}: {fmt(v)}" for v in values]})
    names = [ctx.name(nr) for nr in ctx.numbers]
    variants = {sel: figures.choropleth(geo, ctx.numbers, names, measures, None if sel == c.ALL else sel)
                for sel in selections(ctx)}
    return figure_block("Partnerkommunene", variants, note="Velg mål i menyen øverst i kartet.", height=420)


def _contract_rows(ctx: Context) -> list[dict[str, Any]]:
    """Public contract ends within the horizon (confidential rows have no contract_end in the public region)."""
    end = add_years(ctx.as_of, ctx.options.horizon_years)
    systems = ctx.region.in_use_systems()
    rows = []
    for r in systems[systems["contract_end"].notna()].itertuples():
        day = r.contract_end.date()
        if ctx.as_of <= day <= end:
            rows.append({"nr": r.municipality, "municipality": ctx.name(r.municipality), "product": r.product,
                         "date": day.isoformat(), "label": c.fmt_date(day.isoformat())})
    return rows


def _contract_block(ctx: Context) -> dict[str, Any]:
    from digireform.dashboard import figures

    rows = _contract_rows(ctx)
    years = ctx.options.horizon_years
    variants = {}
    for sel in selections(ctx):
        mine = [r for r in rows if involves([r["nr"]], sel)]
        variants[sel] = figures.contract_timeline(mine, ctx.as_of, years) if mine else None
    return figure_block(f"Avtaler som utløper innen {horizon_text(ctx)}", variants,
                   note="Hvert punkt er ett system. Avtaler unntatt offentlighet er ikke med.",
                   empty="Ingen kjente avtaler utløper i perioden.")


def _cost_table(ctx: Context, sel: str) -> str:
    rows = []
    for nr in members(ctx, sel):
        m = ctx.report["municipalities"][nr]
        rows.append([m["name"], c.fmt_int(m["population"]), c.fmt_int(m["systems"]), c.fmt_nok(m["annual_cost_nok"]),
                     c.fmt_nok(m["cost_per_inhabitant_nok"]), c.fmt_percent(m["completeness"])])
    cols = ["Kommune", "Innbyggere", "Systemer", "Årlig kostnad", "Per innbygger", "Utfylt"]
    return c.section("Per kommune", c.table(cols, rows, numeric=range(1, 6)),
                     note="Utfylt: andelen av de viktige feltene i systemlisten som er fylt ut.")
