"""«Overlapp»: products and services the partners share, the network of shared products, exit windows."""
from __future__ import annotations

import datetime as dt
from typing import Any

from digireform.dashboard import common as c
from digireform.dashboard.pages.base import (
    Context,
    figure_block,
    horizon_text,
    html_block,
    involves,
    missing,
    selections,
)


def build(ctx: Context, page: dict[str, Any]) -> None:
    overlap = ctx.report.get("overlap")
    if not overlap:
        page["blocks"].append(missing("Overlapp"))
        return
    sels = selections(ctx)
    page["blocks"].append(html_block({s: c.kpi_cards(_overlap_kpis(ctx, overlap, s)) for s in sels}))
    page["blocks"].append(html_block({s: _shared_table(ctx, overlap, s) + _harmonisation_table(ctx, overlap, s)
                                 for s in sels}))
    page["blocks"].append(_network_block(ctx, overlap))
    page["blocks"].append(_windows_block(ctx, overlap))


def _overlap_kpis(ctx: Context, overlap: dict, sel: str) -> list[dict[str, Any]]:
    shared = [p for p in overlap["shared_products"] if involves(p["municipalities"], sel)]
    harm = [h for h in overlap["harmonisation_candidates"] if involves(h["municipalities"], sel)]
    wins = [w for w in overlap["exit_windows"] if involves(w["municipalities"], sel)]
    first = wins[0] if wins else None
    return [
        {"key": "shared_products", "label": "Felles produkter", "value": len(shared), "text": c.fmt_int(len(shared))},
        {"key": "harmonisation_candidates", "label": "Kandidater for harmonisering", "value": len(harm),
         "text": c.fmt_int(len(harm)), "note": "samme funksjon, ulike produkter"},
        {"key": "exit_windows", "label": "Felles exit-vinduer", "value": len(wins), "text": c.fmt_int(len(wins)),
         "note": f"innen {horizon_text(ctx)}"},
        {"key": "next_exit_window", "label": "Neste felles exit-vindu",
         "value": first["proposed_start"] if first else None,
         "text": c.fmt_date(first["proposed_start"]) if first else "–",
         "note": first["product"] if first else ""},
    ]


def _shared_table(ctx: Context, overlap: dict, sel: str, limit: int = 15) -> str:
    items = [p for p in overlap["shared_products"] if involves(p["municipalities"], sel)]
    rows = [[p["product"], len(p["municipalities"]), ctx.names(p["municipalities"]), c.fmt_int(p.get("users")),
             c.fmt_nok(p.get("annual_cost_nok")) + ("" if p.get("cost_complete", True) else " (ufullstendig)")]
            for p in items[:limit]]
    more = f"Viser {min(limit, len(items))} av {len(items)} felles produkter." if len(items) > limit else ""
    return c.section("Felles produkter", c.table(["Produkt", "Antall", "Kommuner", "Brukere", "Årlig kostnad"],
                                                  rows, numeric=(1, 3, 4)), note=more)


def _harmonisation_table(ctx: Context, overlap: dict, sel: str) -> str:
    items = [h for h in overlap["harmonisation_candidates"] if involves(h["municipalities"], sel)]
    rows = [[h["function"], h.get("service_area_label", ""),
             "; ".join(f"{p} ({ctx.names(n)})" for p, n in h["products"].items()), c.fmt_nok(h.get("annual_cost_nok"))]
            for h in items]
    return c.section("Kandidater for harmonisering",
                     c.table(["Funksjon", "Tjenesteområde", "Produkter i dag", "Årlig kostnad"], rows, numeric=(3,)),
                     note="Samme oppgave løses med ulike produkter hos partnerne.")


def _network_block(ctx: Context, overlap: dict) -> dict[str, Any]:
    from digireform.dashboard import figures

    shared_count: dict[tuple[str, str], int] = {}
    for p in overlap["shared_products"]:
        nrs = sorted(p["municipalities"])
        for i, a in enumerate(nrs):
            for b in nrs[i + 1:]:
                shared_count[(a, b)] = shared_count.get((a, b), 0) + 1
    nodes = [{"id": nr, "label": ctx.name(nr)} for nr in ctx.numbers]
    variants = {}
    for sel in selections(ctx):
        edges = [{"a": a, "b": b, "weight": w, "label": f"{ctx.name(a)}–{ctx.name(b)}"}
                 for (a, b), w in shared_count.items() if sel == c.ALL or sel in (a, b)]
        variants[sel] = figures.network(nodes, edges)
    return figure_block("Kommunene som nettverk", variants, height=420,
                   note="Tykkere linje: flere felles produkter. Tallet på linjen er antall felles produkter.")


def _windows_block(ctx: Context, overlap: dict) -> dict[str, Any]:
    from digireform.dashboard import figures

    years = ctx.options.horizon_years
    variants, counts = {}, {}
    for sel in selections(ctx):
        mine = [w for w in overlap["exit_windows"] if involves(w["municipalities"], sel)]
        bars = [_window_bar(ctx, w) for w in mine[:WINDOWS_SHOWN]]
        variants[sel] = figures.windows_timeline(bars, ctx.as_of, years) if bars else None
        if len(mine) > WINDOWS_SHOWN:  # the key figure counts them all: say the chart does not
            counts[sel] = f"Viser de {WINDOWS_SHOWN} første av {len(mine)} felles exit-vinduer."
    block = figure_block("Felles exit-vinduer", variants, height=360, empty="Ingen felles exit-vinduer i perioden.",
                    note="Fra første til siste partner er fri fra avtalen; hover viser foreslått felles oppstart.",
                    min_width=720)
    block["view_notes"] = counts
    return block


WINDOWS_SHOWN = 20


def _window_bar(ctx: Context, w: dict[str, Any]) -> dict[str, Any]:
    start = dt.date.fromisoformat(w["window_start"])
    end = dt.date.fromisoformat(w["window_end"])
    days = max((end - start).days, 20)  # a one-day window still needs a visible bar
    late = w.get("running_on_notice") or []
    passed = (f"; oppsigelsesfristen har gått ut for {ctx.names(late)} "
              f"({', '.join(c.fmt_date(w['notice_deadlines'][nr]) for nr in late)})") if late else ""
    return {"start": w["window_start"], "duration_ms": days * 86_400_000,
            "label": w["product"] + (" (frist gått ut)" if late else ""),
            "members": ctx.names(w["municipalities"]),
            "period": f"{c.fmt_date(w['window_start'])}–{c.fmt_date(w['window_end'])}, "
                      f"felles oppstart {c.fmt_date(w['proposed_start'])}{passed}"}
