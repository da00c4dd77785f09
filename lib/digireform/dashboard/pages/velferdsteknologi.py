"""«Velferdsteknologi»: welfare technology in use, needed and still to cover, per partner and jointly."""
from __future__ import annotations

from typing import Any

from digireform.dashboard import common as c
from digireform.dashboard.pages.base import (
    Context,
    figure_block,
    horizon_text,
    html_block,
    members,
    missing,
    selections,
)


def build(ctx: Context, page: dict[str, Any]) -> None:
    from digireform.model.schema import WELFARE_CATEGORIES, code_list

    if not any("welfare" in m for m in ctx.report["municipalities"].values()):
        page["blocks"].append(missing("Velferdsteknologi"))
        return
    cats = code_list(WELFARE_CATEGORIES)
    sels = selections(ctx)
    page["blocks"].append(html_block({s: c.kpi_cards(_welfare_kpis(ctx, s)) for s in sels}))
    page["blocks"].append(_welfare_bars(ctx, cats))
    page["blocks"].append(html_block({s: _coverage_table(ctx, cats, s) for s in sels}))
    page["blocks"].append(html_block({s: _contracts_table(ctx, cats, s) for s in sels}))
    page["blocks"].append(html_block({"*": _joint_table(ctx, cats)}))


def _welfare_sum(ctx: Context, sel: str, key: str) -> int:
    return sum(v.get(key) or 0 for nr in members(ctx, sel)
               for v in (ctx.report["municipalities"][nr].get("welfare") or {}).values())


def _welfare_kpis(ctx: Context, sel: str) -> list[dict[str, Any]]:
    in_use, needed, gap = (_welfare_sum(ctx, sel, k) for k in ("in_use", "needed", "gap"))
    ending = sum(len(ctx.report["municipalities"][nr].get("welfare_contracts_ending") or []) for nr in members(ctx, sel))
    return [
        {"key": "welfare_in_use", "label": "Enheter i bruk", "value": in_use, "text": c.fmt_int(in_use)},
        {"key": "welfare_needed", "label": "Behov innen målåret", "value": needed, "text": c.fmt_int(needed)},
        {"key": "welfare_gap", "label": "Mangler", "value": gap, "text": c.fmt_int(gap),
         "note": "behov som ikke er dekket; overskudd i én kommune dekker ikke en annens behov"},
        {"key": "welfare_contracts_ending", "label": "Avtaler som løper ut", "value": ending,
         "text": c.fmt_int(ending), "note": f"innen {horizon_text(ctx)}"},
    ]


def _welfare_bars(ctx: Context, cats: dict[str, str]) -> dict[str, Any]:
    from digireform.dashboard import figures

    variants = {}
    for sel in selections(ctx):
        per_cat = {code: [0, 0] for code in cats}
        for nr in members(ctx, sel):
            for code, v in (ctx.report["municipalities"][nr].get("welfare") or {}).items():
                per_cat[code][0] += v.get("in_use") or 0
                per_cat[code][1] += v.get("needed") or 0
        shown = [code for code in cats if any(per_cat[code])]
        variants[sel] = figures.grouped_bars(
            [cats[code] for code in shown],
            [{"name": "I bruk", "values": [per_cat[k][0] for k in shown]},
             {"name": "Behov", "values": [per_cat[k][1] for k in shown], "color": figures.PALETTE[1]}],
            value_label="Enheter") if shown else None
    return figure_block("I bruk og behov per kategori", variants, height=380)


def _coverage_table(ctx: Context, cats: dict[str, str], sel: str) -> str:
    nrs = members(ctx, sel)
    rows = []
    for code, label in cats.items():
        cells = [ctx.report["municipalities"][nr].get("welfare", {}).get(code, {}).get("per_1000_80plus") for nr in nrs]
        if any(v is not None for v in cells):
            rows.append([label, *[c.fmt_number(v, 1) for v in cells]])
    return c.section("Dekning per 1 000 innbyggere over 80 år",
                     c.table(["Kategori", *[ctx.name(n) for n in nrs]], rows, numeric=range(1, len(nrs) + 1)),
                     note="Enheter i bruk per 1 000 innbyggere 80 år og eldre. Responssenter er én tjeneste og er ikke med.")


def _contracts_table(ctx: Context, cats: dict[str, str], sel: str) -> str:
    """Contracts ending within the horizon, soonest first; a passed notice deadline is marked
    («Fristen gikk ut 30. juni 2026», `exit_windows.deadline_note`) and its row comes last."""
    from digireform.analysis.exit_windows import deadline_note

    items = [(nr, it) for nr in members(ctx, sel)
             for it in ctx.report["municipalities"][nr].get("welfare_contracts_ending") or []]
    items.sort(key=lambda x: (bool(x[1].get("notice_passed")), str(x[1]["contract_end"])[:10], x[0]))
    rows = [[ctx.name(nr), cats.get(it["category"], it["category"]), it.get("product") or "",
             c.fmt_date(it["contract_end"]), c.fmt_date(it.get("notice_by")),
             deadline_note(it.get("notice_by"), ctx.as_of)] for nr, it in items]
    return c.section(f"Avtaler som løper ut innen {horizon_text(ctx)}",
                     c.table(["Kommune", "Kategori", "Produkt", "Avtale utløper", "Si opp innen", "Oppsigelsesfrist"],
                             rows),
                     note="Avtaler der fristen for å si opp allerede er passert, står sist og er merket.")


def _joint_table(ctx: Context, cats: dict[str, str]) -> str:
    joint = ctx.report["region"].get("welfare_joint") or {}
    years = sorted({y for v in joint.values() for y in v})
    rows = [[cats.get(code, code), *[c.fmt_int(per_year.get(y)) if y in per_year else "" for y in years]]
            for code, per_year in joint.items()]
    return c.section("Felles volumer for alle partnerne", c.table(["Kategori", *years], rows,
                     numeric=range(1, len(years) + 1)),
                     note="Enheter partnerne til sammen trenger, etter målår: grunnlaget for en felles anskaffelse.")
