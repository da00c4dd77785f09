"""«Digital modenhet»: digitalisation levels, channel use, national comparison and targets."""
from __future__ import annotations

from typing import Any

from digireform.dashboard import common as c
from digireform.dashboard.pages.base import (
    Context,
    figure_block,
    html_block,
    members,
    missing,
    selections,
    texts,
)


def build(ctx: Context, page: dict[str, Any]) -> None:
    if not any("digitalisation" in m for m in ctx.report["municipalities"].values()):
        page["blocks"].append(missing("Digital modenhet"))
        return
    sels = selections(ctx)
    page["blocks"].append(html_block({s: c.kpi_cards(maturity_kpis(ctx, s)) for s in sels}))
    page["blocks"].append(_heatmap_block(ctx))
    page["blocks"].append(html_block({"*": _national_table(ctx)}))
    page["blocks"].append(html_block({s: _channel_table(ctx, s) + _targets_table(ctx, s) for s in sels}))


def _levels() -> dict[str, str]:
    from digireform.model.schema import DIGITALISATION_LEVELS, code_list

    return code_list(DIGITALISATION_LEVELS)


def _digital_share(ctx: Context, nrs: list[str]) -> float | None:
    levels = [lv for nr in nrs for lv in (ctx.report["municipalities"][nr].get("digitalisation") or {}).values()]
    if not levels:
        return None
    return sum(lv in ("all_digital", "mostly_digital") for lv in levels) / len(levels)


def maturity_kpis(ctx: Context, sel: str) -> list[dict[str, Any]]:
    from digireform.analysis.targets import REACHED, status_words

    nrs = members(ctx, sel)
    share = _digital_share(ctx, nrs)
    targets = [t for nr in nrs for t in ctx.report["municipalities"][nr].get("targets") or []]
    reached = sum(t.get("status_code") == REACHED for t in targets)  # by code: the words may be reworded
    items = [
        {"key": "digital_areas_share", "label": "Tjenesteområder helt eller mest digitale", "value": share,
         "text": c.fmt_percent(share)},
        {"key": "targets", "label": "Mål i strategiene", "value": len(targets), "text": c.fmt_int(len(targets)),
         "note": f"{reached} {status_words()[REACHED]}" if targets else ""},
    ]
    if sel != c.ALL:
        ch = ctx.report["municipalities"][sel].get("channels") or {}
        items += [
            {"key": "digital_post_share", "label": "Digital post ut", "value": ch.get("digital_post_share"),
             "text": c.fmt_percent(ch.get("digital_post_share")), "note": str(ch.get("year", ""))},
            {"key": "selfservice_completion_rate", "label": "Fullførte selvbetjeningsskjema",
             "value": ch.get("selfservice_completion_rate"), "text": c.fmt_percent(ch.get("selfservice_completion_rate"))},
        ]
    return items


def _heatmap_block(ctx: Context) -> dict[str, Any]:
    from digireform.dashboard import figures
    from digireform.model.schema import SERVICE_AREAS, code_list

    areas = code_list(SERVICE_AREAS)
    levels = _levels()
    order = ["all_paper", "mostly_paper", "mostly_digital", "all_digital"]
    short = texts()["level_short_labels"]
    variants = {}
    for sel in selections(ctx):
        rows, z, text = [], [], []
        for nr in members(ctx, sel):
            dig = ctx.report["municipalities"][nr].get("digitalisation") or {}
            rows.append(ctx.name(nr))
            z.append([order.index(dig[a]) if dig.get(a) in order else None for a in areas])
            text.append([short.get(dig.get(a), "ukjent") if dig.get(a) else "ukjent" for a in areas])
        variants[sel] = figures.heatmap(rows, list(areas.values()), z, text, [levels[k] for k in order],
                                        height=240 if sel != c.ALL else 360)
    return figure_block("Digitaliseringsgrad per tjenesteområde", variants, height=360, min_width=1000)


def _national_table(ctx: Context) -> str:
    nat = ctx.report["region"].get("digitalisation_national") or {}
    if not nat:
        return ""
    levels = _levels()
    rows = []
    for area in nat.values():
        for code, v in area["levels"].items():
            rows.append([area["label"], levels.get(code, code), c.fmt_percent(v.get("region")),
                         c.fmt_percent(v.get("national"))])
    source = next(iter(nat.values())).get("source", "")
    return c.section("Partnerne mot landet", c.table(["Område", "Nivå", "Partnerne", "Landet"], rows, numeric=(2, 3)),
                     note=f"Andel kommuner på hvert nivå. Kilde: {source}")


def _channel_table(ctx: Context, sel: str) -> str:
    rows = []
    for nr in members(ctx, sel):
        ch = ctx.report["municipalities"][nr].get("channels") or {}
        if ch:
            rows.append([ctx.name(nr), ch.get("year", ""), c.fmt_percent(ch.get("digital_post_share")),
                         c.fmt_percent(ch.get("selfservice_completion_rate")),
                         c.fmt_number(ch.get("contacts_per_inhabitant"), 1), c.fmt_nok(ch.get("letter_savings_nok"))])
    cols = ["Kommune", "År", "Digital post ut", "Fullført selvbetjening", "Henvendelser per innbygger",
            "Mulig sparing på brev"]
    return c.section("Kanaler", c.table(cols, rows, numeric=(2, 3, 4, 5)))


def _targets_table(ctx: Context, sel: str) -> str:
    rows = []
    for nr in members(ctx, sel):
        for t in ctx.report["municipalities"][nr].get("targets") or []:
            rows.append([ctx.name(nr), t.get("text", ""), t.get("status", ""), t.get("reason", "")])
    return c.section("Status for målene", c.table(["Kommune", "Mål", "Status", "Begrunnelse"], rows))
