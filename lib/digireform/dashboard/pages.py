"""The data behind each dashboard, computed once per version of the data.

The server (`serve`) has every page built in one child process per data version (see
`site`) and serves the resulting HTML; a notebook (`show`) computes the page in its own
kernel (`page_data`).

Every figure comes from `report.build_report` (public by construction) or from the
analysis modules' own public functions; nothing here recomputes a figure differently.
A page is plain data: texts, selections, and blocks of HTML or plotly JSON per selection
(see `common` and `render`).
"""
from __future__ import annotations

import datetime as dt
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from digireform.dashboard import common as c
from digireform.model import formatting
from digireform.model.dates import add_years

PAGE_NAMES = ("oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud")
DOCS_ENV = "DIGIREFORM_DASHBOARD_DOCS"  # folder with the tender documents built for this version
DOCS_URL = "/dokumenter"


@cache
def texts() -> dict[str, Any]:
    """The dashboards' texts and settings (data/dashboards.yaml)."""
    import yaml

    from digireform.model.resources import package_file

    return yaml.safe_load(package_file("digireform.dashboard", "data", "dashboards.yaml").read_text("utf-8"))


# --------------------------------------------------------------------------- pages


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


# --------------------------------------------------------------------------- helpers


def _html(variants: dict[str, str]) -> dict[str, Any]:
    return {"kind": "html", "variants": variants}


def _figure(title: str, variants: dict[str, Any], note: str = "", height: int = 360,
            empty: str = "Ingen data for dette utvalget.", min_width: int = 0) -> dict[str, Any]:
    """A chart block; `min_width` (px): narrower screens scroll it sideways instead of squeezing it."""
    return {"kind": "figure", "title": title, "variants": variants, "note": note, "height": height, "empty": empty,
            "min_width": min_width}


def _members(ctx: Context, sel: str) -> list[str]:
    return ctx.numbers if sel == c.ALL else [sel]


def _selections(ctx: Context) -> list[str]:
    return [c.ALL, *ctx.numbers]


def _involves(item_numbers: list[str], sel: str) -> bool:
    return sel == c.ALL or sel in item_numbers


def _horizon(ctx: Context) -> str:
    """«fem år»: the report's horizon (`rules.HORIZON_YEARS` unless the options say otherwise), in words."""
    return formatting.years(ctx.options.horizon_years)


def _missing(section_title: str) -> dict[str, Any]:
    return _html({"*": c.section(section_title, c.notice(texts()["missing_section"], "warning"))})


# --------------------------------------------------------------------------- oversikt


def _oversikt(ctx: Context, page: dict[str, Any]) -> None:
    from digireform.model.register import BORDERS_CREDIT

    page["blocks"].append(_html({sel: c.kpi_cards(_overview_kpis(ctx, sel)) for sel in _selections(ctx)}))
    page["blocks"].append(_map_block(ctx))
    page["blocks"].append(_contract_block(ctx))
    page["blocks"].append(_html({sel: _cost_table(ctx, sel) for sel in _selections(ctx)}))
    page["credits"].append(BORDERS_CREDIT)


def _overview_kpis(ctx: Context, sel: str) -> list[dict[str, Any]]:
    rep = ctx.report
    fig = rep["region"] if sel == c.ALL else rep["municipalities"][sel]
    distinct = fig.get("distinct_products")
    overlap = rep.get("overlap") or {}
    shared = [p for p in overlap.get("shared_products", []) if _involves(p["municipalities"], sel)]
    window = next((w for w in overlap.get("exit_windows", []) if _involves(w["municipalities"], sel)), None)
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
         "text": c.fmt_date(window["proposed_start"]) if window else f"Ingen innen {_horizon(ctx)}",
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
                for sel in _selections(ctx)}
    return _figure("Partnerkommunene", variants, note="Velg mål i menyen øverst i kartet.", height=420)


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
    for sel in _selections(ctx):
        mine = [r for r in rows if _involves([r["nr"]], sel)]
        variants[sel] = figures.contract_timeline(mine, ctx.as_of, years) if mine else None
    return _figure(f"Avtaler som utløper innen {_horizon(ctx)}", variants,
                   note="Hvert punkt er ett system. Avtaler unntatt offentlighet er ikke med.",
                   empty="Ingen kjente avtaler utløper i perioden.")


def _cost_table(ctx: Context, sel: str) -> str:
    rows = []
    for nr in _members(ctx, sel):
        m = ctx.report["municipalities"][nr]
        rows.append([m["name"], c.fmt_int(m["population"]), c.fmt_int(m["systems"]), c.fmt_nok(m["annual_cost_nok"]),
                     c.fmt_nok(m["cost_per_inhabitant_nok"]), c.fmt_percent(m["completeness"])])
    cols = ["Kommune", "Innbyggere", "Systemer", "Årlig kostnad", "Per innbygger", "Utfylt"]
    return c.section("Per kommune", c.table(cols, rows, numeric=range(1, 6)),
                     note="Utfylt: andelen av de viktige feltene i systemlisten som er fylt ut.")


# --------------------------------------------------------------------------- overlapp


def _overlapp(ctx: Context, page: dict[str, Any]) -> None:
    overlap = ctx.report.get("overlap")
    if not overlap:
        page["blocks"].append(_missing("Overlapp"))
        return
    sels = _selections(ctx)
    page["blocks"].append(_html({s: c.kpi_cards(_overlap_kpis(ctx, overlap, s)) for s in sels}))
    page["blocks"].append(_html({s: _shared_table(ctx, overlap, s) + _harmonisation_table(ctx, overlap, s)
                                 for s in sels}))
    page["blocks"].append(_network_block(ctx, overlap))
    page["blocks"].append(_windows_block(ctx, overlap))


def _overlap_kpis(ctx: Context, overlap: dict, sel: str) -> list[dict[str, Any]]:
    shared = [p for p in overlap["shared_products"] if _involves(p["municipalities"], sel)]
    harm = [h for h in overlap["harmonisation_candidates"] if _involves(h["municipalities"], sel)]
    wins = [w for w in overlap["exit_windows"] if _involves(w["municipalities"], sel)]
    first = wins[0] if wins else None
    return [
        {"key": "shared_products", "label": "Felles produkter", "value": len(shared), "text": c.fmt_int(len(shared))},
        {"key": "harmonisation_candidates", "label": "Kandidater for harmonisering", "value": len(harm),
         "text": c.fmt_int(len(harm)), "note": "samme funksjon, ulike produkter"},
        {"key": "exit_windows", "label": "Felles exit-vinduer", "value": len(wins), "text": c.fmt_int(len(wins)),
         "note": f"innen {_horizon(ctx)}"},
        {"key": "next_exit_window", "label": "Neste felles exit-vindu",
         "value": first["proposed_start"] if first else None,
         "text": c.fmt_date(first["proposed_start"]) if first else "–",
         "note": first["product"] if first else ""},
    ]


def _shared_table(ctx: Context, overlap: dict, sel: str, limit: int = 15) -> str:
    items = [p for p in overlap["shared_products"] if _involves(p["municipalities"], sel)]
    rows = [[p["product"], len(p["municipalities"]), ctx.names(p["municipalities"]), c.fmt_int(p.get("users")),
             c.fmt_nok(p.get("annual_cost_nok")) + ("" if p.get("cost_complete", True) else " (ufullstendig)")]
            for p in items[:limit]]
    more = f"Viser {min(limit, len(items))} av {len(items)} felles produkter." if len(items) > limit else ""
    return c.section("Felles produkter", c.table(["Produkt", "Antall", "Kommuner", "Brukere", "Årlig kostnad"],
                                                  rows, numeric=(1, 3, 4)), note=more)


def _harmonisation_table(ctx: Context, overlap: dict, sel: str) -> str:
    items = [h for h in overlap["harmonisation_candidates"] if _involves(h["municipalities"], sel)]
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
    for sel in _selections(ctx):
        edges = [{"a": a, "b": b, "weight": w, "label": f"{ctx.name(a)}–{ctx.name(b)}"}
                 for (a, b), w in shared_count.items() if sel == c.ALL or sel in (a, b)]
        variants[sel] = figures.network(nodes, edges)
    return _figure("Kommunene som nettverk", variants, height=420,
                   note="Tykkere linje: flere felles produkter. Tallet på linjen er antall felles produkter.")


def _windows_block(ctx: Context, overlap: dict) -> dict[str, Any]:
    from digireform.dashboard import figures

    years = ctx.options.horizon_years
    variants, counts = {}, {}
    for sel in _selections(ctx):
        mine = [w for w in overlap["exit_windows"] if _involves(w["municipalities"], sel)]
        bars = [_window_bar(ctx, w) for w in mine[:WINDOWS_SHOWN]]
        variants[sel] = figures.windows_timeline(bars, ctx.as_of, years) if bars else None
        if len(mine) > WINDOWS_SHOWN:  # the key figure counts them all: say the chart does not
            counts[sel] = f"Viser de {WINDOWS_SHOWN} første av {len(mine)} felles exit-vinduer."
    block = _figure("Felles exit-vinduer", variants, height=360, empty="Ingen felles exit-vinduer i perioden.",
                    note="Fra første til siste partner er fri fra avtalen; hover viser foreslått felles oppstart.",
                    min_width=720)
    block["view_notes"] = counts
    return block


WINDOWS_SHOWN = 20


def _window_bar(ctx: Context, w: dict[str, Any]) -> dict[str, Any]:
    start = dt.date.fromisoformat(w["window_start"])
    end = dt.date.fromisoformat(w["window_end"])
    days = max((end - start).days, 20)  # a one-day window still needs a visible bar
    return {"start": w["window_start"], "duration_ms": days * 86_400_000, "label": w["product"],
            "members": ctx.names(w["municipalities"]),
            "period": f"{c.fmt_date(w['window_start'])}–{c.fmt_date(w['window_end'])}, "
                      f"felles oppstart {c.fmt_date(w['proposed_start'])}"}


# --------------------------------------------------------------------------- velferdsteknologi


def _velferd(ctx: Context, page: dict[str, Any]) -> None:
    from digireform.model.schema import WELFARE_CATEGORIES, code_list

    if not any("welfare" in m for m in ctx.report["municipalities"].values()):
        page["blocks"].append(_missing("Velferdsteknologi"))
        return
    cats = code_list(WELFARE_CATEGORIES)
    sels = _selections(ctx)
    page["blocks"].append(_html({s: c.kpi_cards(_welfare_kpis(ctx, s)) for s in sels}))
    page["blocks"].append(_welfare_bars(ctx, cats))
    page["blocks"].append(_html({s: _coverage_table(ctx, cats, s) for s in sels}))
    page["blocks"].append(_html({"*": _joint_table(ctx, cats)}))


def _welfare_sum(ctx: Context, sel: str, key: str) -> int:
    return sum(v.get(key) or 0 for nr in _members(ctx, sel)
               for v in (ctx.report["municipalities"][nr].get("welfare") or {}).values())


def _welfare_kpis(ctx: Context, sel: str) -> list[dict[str, Any]]:
    in_use, needed, gap = (_welfare_sum(ctx, sel, k) for k in ("in_use", "needed", "gap"))
    ending = sum(len(ctx.report["municipalities"][nr].get("welfare_contracts_ending") or []) for nr in _members(ctx, sel))
    return [
        {"key": "welfare_in_use", "label": "Enheter i bruk", "value": in_use, "text": c.fmt_int(in_use)},
        {"key": "welfare_needed", "label": "Behov innen målåret", "value": needed, "text": c.fmt_int(needed)},
        {"key": "welfare_gap", "label": "Mangler", "value": gap, "text": c.fmt_int(gap),
         "note": "behov som ikke er dekket; overskudd i én kommune dekker ikke en annens behov"},
        {"key": "welfare_contracts_ending", "label": "Avtaler som løper ut", "value": ending,
         "text": c.fmt_int(ending), "note": f"innen {_horizon(ctx)}"},
    ]


def _welfare_bars(ctx: Context, cats: dict[str, str]) -> dict[str, Any]:
    from digireform.dashboard import figures

    variants = {}
    for sel in _selections(ctx):
        per_cat = {code: [0, 0] for code in cats}
        for nr in _members(ctx, sel):
            for code, v in (ctx.report["municipalities"][nr].get("welfare") or {}).items():
                per_cat[code][0] += v.get("in_use") or 0
                per_cat[code][1] += v.get("needed") or 0
        shown = [code for code in cats if any(per_cat[code])]
        variants[sel] = figures.grouped_bars(
            [cats[code] for code in shown],
            [{"name": "I bruk", "values": [per_cat[k][0] for k in shown]},
             {"name": "Behov", "values": [per_cat[k][1] for k in shown], "color": figures.PALETTE[1]}],
            value_label="Enheter") if shown else None
    return _figure("I bruk og behov per kategori", variants, height=380)


def _coverage_table(ctx: Context, cats: dict[str, str], sel: str) -> str:
    nrs = _members(ctx, sel)
    rows = []
    for code, label in cats.items():
        cells = [ctx.report["municipalities"][nr].get("welfare", {}).get(code, {}).get("per_1000_80plus") for nr in nrs]
        if any(v is not None for v in cells):
            rows.append([label, *[c.fmt_number(v, 1) for v in cells]])
    return c.section("Dekning per 1 000 innbyggere over 80 år",
                     c.table(["Kategori", *[ctx.name(n) for n in nrs]], rows, numeric=range(1, len(nrs) + 1)),
                     note="Enheter i bruk per 1 000 innbyggere 80 år og eldre. Responssenter er én tjeneste og er ikke med.")


def _joint_table(ctx: Context, cats: dict[str, str]) -> str:
    joint = ctx.report["region"].get("welfare_joint") or {}
    years = sorted({y for v in joint.values() for y in v})
    rows = [[cats.get(code, code), *[c.fmt_int(per_year.get(y)) if y in per_year else "" for y in years]]
            for code, per_year in joint.items()]
    return c.section("Felles volumer for alle partnerne", c.table(["Kategori", *years], rows,
                     numeric=range(1, len(years) + 1)),
                     note="Enheter partnerne til sammen trenger, etter målår: grunnlaget for en felles anskaffelse.")


# --------------------------------------------------------------------------- digital modenhet


def _modenhet(ctx: Context, page: dict[str, Any]) -> None:
    if not any("digitalisation" in m for m in ctx.report["municipalities"].values()):
        page["blocks"].append(_missing("Digital modenhet"))
        return
    sels = _selections(ctx)
    page["blocks"].append(_html({s: c.kpi_cards(_maturity_kpis(ctx, s)) for s in sels}))
    page["blocks"].append(_heatmap_block(ctx))
    page["blocks"].append(_html({"*": _national_table(ctx)}))
    page["blocks"].append(_html({s: _channel_table(ctx, s) + _targets_table(ctx, s) for s in sels}))


def _levels() -> dict[str, str]:
    from digireform.model.schema import DIGITALISATION_LEVELS, code_list

    return code_list(DIGITALISATION_LEVELS)


def _digital_share(ctx: Context, nrs: list[str]) -> float | None:
    levels = [lv for nr in nrs for lv in (ctx.report["municipalities"][nr].get("digitalisation") or {}).values()]
    if not levels:
        return None
    return sum(lv in ("all_digital", "mostly_digital") for lv in levels) / len(levels)


def _weighted(ctx: Context, nrs: list[str], key: str) -> float | None:
    vals = [(ctx.report["municipalities"][nr].get("channels") or {}).get(key) for nr in nrs]
    vals = [v for v in vals if v is not None]
    return None if not vals or len(nrs) > 1 else vals[0]


def _maturity_kpis(ctx: Context, sel: str) -> list[dict[str, Any]]:
    from digireform.analysis.targets import REACHED, status_words

    nrs = _members(ctx, sel)
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
    for sel in _selections(ctx):
        rows, z, text = [], [], []
        for nr in _members(ctx, sel):
            dig = ctx.report["municipalities"][nr].get("digitalisation") or {}
            rows.append(ctx.name(nr))
            z.append([order.index(dig[a]) if dig.get(a) in order else None for a in areas])
            text.append([short.get(dig.get(a), "ukjent") if dig.get(a) else "ukjent" for a in areas])
        variants[sel] = figures.heatmap(rows, list(areas.values()), z, text, [levels[k] for k in order],
                                        height=240 if sel != c.ALL else 360)
    return _figure("Digitaliseringsgrad per tjenesteområde", variants, height=360, min_width=1000)


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
    for nr in _members(ctx, sel):
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
    for nr in _members(ctx, sel):
        for t in ctx.report["municipalities"][nr].get("targets") or []:
            rows.append([ctx.name(nr), t.get("text", ""), t.get("status", ""), t.get("reason", "")])
    return c.section("Status for målene", c.table(["Kommune", "Mål", "Status", "Begrunnelse"], rows))


# --------------------------------------------------------------------------- anbud


def _anbud(ctx: Context, page: dict[str, Any]) -> None:
    tenders = _tenders(ctx)
    if not tenders:
        page["blocks"].append(_html({"*": c.section("Anbud", c.notice("Ingen anbud er definert ennå."))}))
        return
    for t in tenders:
        page["blocks"].append(_html({s: _tender_html(ctx, t, s) for s in _selections(ctx)}))


def _tenders(ctx: Context) -> list[dict[str, Any]]:
    """Each tender in procurement/tenders, assembled by the tender module (public fields only)."""
    folder = ctx.data_dir / "procurement" / "tenders"
    out = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        out.append(_tender_summary(ctx, path))
    return out


def _tender_summary(ctx: Context, path: Path) -> dict[str, Any]:
    """What the page can say about one tender.

    The tender file is read on its own first: whenever it is readable its title, host and
    participants are shown, even when the participants' data have errors (then the
    figures that need the data, and the documents, are left out with one calm sentence).
    """
    from digireform.model.errors import DigireformError
    from digireform.tender.build import prepare
    from digireform.tender.definition import load_tender

    try:
        tender = load_tender(path)  # the file itself, not checked against the data folder
    except DigireformError:
        return {"slug": path.stem, "title": "Anbud", "error": "tender", "participants": None}
    base = {
        "slug": tender.slug, "title": tender.title, "description": tender.description, "status": tender.status,
        "host": _any_name(ctx, tender.host), "participants": list(tender.participants),
        "scope": _scope_labels(tender),
        "timeline": [[k, v.isoformat()] for k, v in sorted(tender.timeline.items(), key=lambda kv: kv[1])],
        "contract": f"{tender.contract_type}, {tender.years} år + {tender.option_years} års opsjon, "
                    f"fra {c.fmt_date(tender.contract_start.isoformat())}",
    }
    try:
        a = prepare(path, region=ctx.region, as_of=ctx.as_of)
    except DigireformError:
        return {**base, "error": "data"}
    cats = a.library.categories
    return {
        **base, "host": a.host_name, "participants": list(a.participants["number"]),
        "value": a.estimated_value_nok, "value_basis": a.value_basis, "threshold": a.threshold.as_dict(),
        "requirements": [[cats.get(code, code), len(items), sum(s.requirement.kind == "skal" for s in items)]
                         for code, items in a.by_category()],
        "documents": _documents(a.tender.slug),
    }


def _any_name(ctx: Context, nr: str | None) -> str:
    """A municipality's name even when its data are left out (the register's name then)."""
    from digireform.dashboard.datacheck import municipality_name

    return municipality_name(ctx.region, nr) if nr else ""


def _scope_labels(tender) -> list[str]:
    from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, label

    return ([label(SERVICE_AREAS, s) for s in tender.service_areas]
            + [label(WELFARE_CATEGORIES, w) for w in tender.welfare_categories])


TIMELINE_LABELS = {"publication": "Kunngjøring", "questions_deadline": "Frist for spørsmål",
                   "tender_deadline": "Tilbudsfrist", "award": "Tildeling", "contract_signature": "Kontraktsignering",
                   "contract_start": "Kontraktstart"}
DOCUMENT_LABELS = {"kravspesifikasjon.docx": "Kravspesifikasjon (Word)", "kravmatrise.xlsx": "Kravmatrise (Excel)",
                   "kravspesifikasjon.md": "Kravspesifikasjon (tekst)", "ocds-release-package.json": "OCDS-kunngjøring (JSON)"}


def _documents(slug: str) -> list[list[str]]:
    """Links to the tender's public documents, when the server has built them (see serve)."""
    folder = os.environ.get(DOCS_ENV)
    if not folder or not (Path(folder) / slug).is_dir():
        return []
    return [[DOCUMENT_LABELS.get(p.name, p.name), f"{DOCS_URL}/{slug}/{p.name}"]
            for p in sorted((Path(folder) / slug).iterdir()) if p.name in DOCUMENT_LABELS]


def _download_name(url: str) -> str:
    """/dokumenter/<slug>/<file> → «<slug>-<file>» (as the server's Content-Disposition says)."""
    slug, name = url.rsplit("/", 2)[-2:]
    return f"{slug}-{name}"


TENDER_TEXTS = {
    "tender": "Anbudet kan ikke vises ennå fordi anbudsfila har feil; prosjektgruppen retter den.",
    "data": "Anbudsdokumentene er ikke oppdatert fordi dataene har feil; prosjektgruppen retter dem.",
}


def _tender_html(ctx: Context, t: dict[str, Any], sel: str) -> str:
    if t.get("error") == "tender":
        return c.section(t["title"], c.notice(TENDER_TEXTS["tender"], "warning"))
    if sel != c.ALL and sel not in t["participants"]:  # the tender file says so
        return c.section(t["title"], c.notice(f"{_any_name(ctx, sel)} er ikke med i dette anbudet."))
    names = ", ".join(_any_name(ctx, n) for n in t["participants"])
    participants = {"key": "tender_participants", "label": "Deltakere", "value": len(t["participants"]),
                    "text": c.fmt_int(len(t["participants"])), "note": f"vertskommune {t['host']}"}
    facts = c.facts([["Status", t["status"]], ["Deltakere", names], ["Vertskommune", t["host"]],
                     ["Omfang", ", ".join(t["scope"])], ["Avtale", t["contract"]],
                     *([["Prosedyre", t["threshold"].get("procedure", "")]] if t.get("threshold") else [])])
    timeline = c.table(["Milepæl", "Dato"], [[TIMELINE_LABELS.get(k, k), c.fmt_date(v)] for k, v in t["timeline"]])
    intro = f'<p class="dr-intro">{c.esc(t.get("description", ""))}</p>'
    if t.get("error") == "data":
        body = (f'{intro}{c.notice(TENDER_TEXTS["data"], "warning")}{c.kpi_cards([participants])}{facts}'
                f'{c.section("Tidsplan", timeline)}')
        return c.section(t["title"], body)
    th = t["threshold"]
    kpis = c.kpi_cards([
        {"key": "tender_value", "label": "Anslått verdi", "value": t["value"], "text": c.fmt_nok_short(t["value"]),
         "note": t["value_basis"]},
        participants,
        {"key": "tender_requirements", "label": "Krav", "value": sum(r[1] for r in t["requirements"]),
         "text": c.fmt_int(sum(r[1] for r in t["requirements"])),
         "note": f"{sum(r[2] for r in t['requirements'])} SKAL-krav"},
        {"key": "tender_procedure", "label": "Terskelverdi og prosedyre", "value": th.get("band"),
         "text": th.get("part", ""), "note": th.get("announcement", "")},
    ])
    reqs = c.table(["Kategori", "Krav", "Herav SKAL"], t["requirements"], numeric=(1, 2))
    docs = ("<ul class='dr-docs'>" + "".join(f'<li><a href="{c.esc(u)}" download="{c.esc(_download_name(u))}">'
                                             f'{c.esc(n)}</a></li>' for n, u in t["documents"]) + "</ul>"
            if t["documents"] else c.notice("Dokumentene er ikke tilgjengelige ennå."))
    body = (f'{intro}{kpis}{facts}'
            f'<div class="dr-columns"><div>{c.section("Krav per kategori", reqs)}</div>'
            f'<div>{c.section("Tidsplan", timeline)}{c.section("Dokumenter", docs)}</div></div>')
    return c.section(t["title"], body)


BUILDERS = {
    "oversikt": _oversikt,
    "overlapp": _overlapp,
    "velferdsteknologi": _velferd,
    "digital-modenhet": _modenhet,
    "anbud": _anbud,
}
