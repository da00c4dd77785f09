"""Overlap between the partners: shared products, harmonisation candidates, exit windows.

`analyse` runs the whole chain on any systems DataFrame (the project group's notebook
passes full data; the public report and the CLI pass `privacy.public_systems`, so
confidential rows show up as missing dates instead of leaking contract terms):

1. match products to the catalogue (`catalogue.canonical_products`);
2. shared products (≥ 2 partners) and harmonisation candidates (one service area and
   function, different products in different municipalities);
3. exit windows per product and per function (`exit_windows`);
4. similarity and communities (`network`);
5. joint-tender candidates with value and threshold (`candidates`).

Every figure is traceable: lists carry the municipalities and system IDs behind them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from digireform.analysis import exit_windows as ew
from digireform.analysis import network
from digireform.analysis.candidates import joint_candidates
from digireform.analysis.catalogue import Catalogue, canonical_products, load_catalogue, not_in_catalogue
from digireform.analysis.options import ReportOptions
from digireform.model import formatting
from digireform.model.formatting import nok, nok_per_year
from digireform.model.schema import label
from digireform.model.thresholds import Threshold

# --------------------------------------------------------------------------- building blocks


def _sum(s: pd.Series) -> float | None:
    total = pd.to_numeric(s, errors="coerce").sum(min_count=1)
    return None if pd.isna(total) else float(total)


def _money(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 2)


def product_matrix(canon: pd.DataFrame, value: str = "users") -> pd.DataFrame:
    """Product × municipality table of `users` or `annual_cost_nok` (NaN: not used or unknown)."""
    df = canon.assign(_v=pd.to_numeric(canon[value], errors="coerce").astype("float64"))
    return df.pivot_table(index="product_canonical", columns="municipality", values="_v",
                          aggfunc=lambda s: s.sum(min_count=1), dropna=False).sort_index()


def _group_stats(canon: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: municipalities, products, users, cost and whether every cost is known."""
    df = canon.assign(
        _users=pd.to_numeric(canon["users"], errors="coerce").astype("float64"),
        _cost=pd.to_numeric(canon["annual_cost_nok"], errors="coerce").astype("float64"),
    )
    g = df.groupby(keys, sort=True)
    return pd.DataFrame({
        "munis": g["municipality"].nunique(),
        "products": g["product_canonical"].nunique(),
        "users": g["_users"].sum(min_count=1),
        "cost": g["_cost"].sum(min_count=1),
        "cost_known": g["_cost"].count(),
        "rows": g.size(),
        "in_catalogue": g["in_catalogue"].all(),
    })


def _opt_int(x: float) -> int | None:
    return None if pd.isna(x) else int(x)


def _opt_money(x: float) -> float | int:
    return 0 if pd.isna(x) else _money(float(x))


def shared_products(canon: pd.DataFrame) -> list[dict[str, Any]]:
    """Products used by two or more partners, most partners and highest cost first."""
    stats = _group_stats(canon, ["product_canonical"])
    stats = stats[stats["munis"] >= 2]
    ids = ew.system_ids(canon[canon["product_canonical"].isin(stats.index)], ["product_canonical"])
    out = []
    for product, s in stats.to_dict("index").items():
        systems = ids[(product,)]
        out.append({
            "product": product,
            "municipalities": sorted(systems),
            "systems": systems,
            "users": _opt_int(s["users"]),
            "annual_cost_nok": _opt_money(s["cost"]),
            "cost_complete": bool(s["cost_known"] == s["rows"]),
            "in_catalogue": bool(s["in_catalogue"]),
        })
    out.sort(key=lambda s: (-len(s["municipalities"]), -(s["annual_cost_nok"] or 0), s["product"]))
    return out


def function_labels(canon: pd.DataFrame) -> pd.Series:
    """function_key → the spelling most rows use (ties: alphabetical)."""
    labels = _function_label_map(canon)
    if not labels:
        return pd.Series(dtype=object)
    return pd.Series({k: labels[k] for k in sorted(labels)}, name="t").rename_axis("k")


def _function_label_map(canon: pd.DataFrame) -> dict[str, str]:
    """`function_labels` as a dict: one counting pass in plain Python (looked up per window)."""
    text = canon["function"].astype(object).where(canon["function"].notna(), canon["catalogue_function"])
    ok = (canon["function_key"].notna() & text.notna()).to_numpy(dtype=bool)
    counts = Counter(zip(canon["function_key"][ok].tolist(), text[ok].tolist(), strict=True))
    best: dict[str, tuple[str, int]] = {}
    for (key, spelling), n in counts.items():
        seen = best.get(key)
        if seen is None or n > seen[1] or (n == seen[1] and spelling < seen[0]):
            best[key] = (spelling, n)
    return {key: spelling for key, (spelling, _) in best.items()}


def harmonisation_candidates(canon: pd.DataFrame) -> list[dict[str, Any]]:
    """Same service area and function solved with different products in different municipalities."""
    rows = canon[canon["function_key"].notna()]
    rows = rows.assign(service_area=rows["service_area"].astype(str))
    keys = ["service_area", "function_key"]
    stats = _group_stats(rows, keys)
    stats = stats[(stats["products"] >= 2) & (stats["munis"] >= 2)]
    if stats.empty:
        return []
    wanted = set(stats.index)
    pairs = zip(rows["service_area"].tolist(), rows["function_key"].tolist(), strict=True)
    rows = rows[[k in wanted for k in pairs]]
    per_product: dict[tuple, dict[str, dict]] = {}
    for (area, key, product), ps in _group_stats(rows, [*keys, "product_canonical"]).to_dict("index").items():
        per_product.setdefault((area, key), {})[product] = ps
    product_ids = ew.system_ids(rows, [*keys, "product_canonical"])
    labels = _function_label_map(rows)
    out = []
    for (area, key), s in stats.to_dict("index").items():
        products: dict[str, list[str]] = {}
        details: dict[str, dict[str, Any]] = {}
        merged: dict[str, list[str]] = {}
        for product, ps in sorted(per_product[(area, key)].items()):
            by_nr = product_ids[(area, key, product)]
            products[product] = sorted(by_nr)
            details[product] = {"municipalities": products[product], "users": _opt_int(ps["users"]),
                                "annual_cost_nok": _opt_money(ps["cost"])}
            for nr, sids in by_nr.items():
                merged.setdefault(nr, []).extend(sids)
        systems = {nr: sorted(merged[nr]) for nr in sorted(merged)}
        out.append({
            "service_area": area,
            "service_area_label": label("service_area", area),
            "function": str(labels.get(key, key)),
            "function_key": key,
            "products": products,
            "product_details": details,
            "municipalities": sorted(systems),
            "systems": systems,
            "users": _opt_int(s["users"]) or 0,
            "annual_cost_nok": _opt_money(s["cost"]),
            "cost_complete": bool(s["cost_known"] == s["rows"]),
        })
    out.sort(key=lambda h: (-h["annual_cost_nok"], h["service_area"], h["function"]))
    return out


# --------------------------------------------------------------------------- the analysis


@dataclass
class OverlapResult:
    """Everything the report, CLI and notebook show about overlap."""

    options: ReportOptions
    canon: pd.DataFrame
    shared_products: list[dict[str, Any]]
    harmonisation_candidates: list[dict[str, Any]]
    exit_windows: list[dict[str, Any]]
    function_windows: list[dict[str, Any]]
    tender_candidates: list[dict[str, Any]]
    not_in_catalogue: list[dict[str, Any]]
    missing_dates: list[dict[str, Any]]
    similarity: pd.DataFrame | None = None
    communities: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    catalogue_sources: list[str] = field(default_factory=list)

    def as_report(self) -> dict[str, Any]:
        """The `overlap` section of `report --json` (dates ISO, internal keys removed)."""
        weight = network.settings()["weight"]
        sim = None
        if self.similarity is not None:
            sim = {
                "weight": weight,
                "weight_label": network.WEIGHT_LABELS.get(weight, weight),
                "method": "weighted_jaccard",
                "pairs": network.similarity_pairs(self.similarity, network.settings()["report_max_pairs"]),
                "rows_without_weight": network.missing_weights(self.canon, weight),
            }
        o = self.options
        return {
            "settings": {"as_of": o.as_of.isoformat(), "k": o.k, "tolerance_months": o.tolerance_months,
                         "horizon_years": o.horizon_years, "period_years": o.period_years,
                         "option_years": o.option_years},
            "shared_products": self.shared_products,
            "harmonisation_candidates": [_drop(h, "function_key") for h in self.harmonisation_candidates],
            "exit_windows": self.exit_windows,
            "exit_windows_by_function": [_drop(w, "function_key") for w in self.function_windows],
            "tender_candidates": self.tender_candidates,
            "not_in_catalogue": self.not_in_catalogue,
            "missing_dates": self.missing_dates,
            "similarity": sim,
            "communities": self.communities,
            "catalogue_sources": self.catalogue_sources,
        }


def _drop(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


def select(systems: pd.DataFrame, service_areas: list[str] | None = None,
           municipalities: list[str] | None = None) -> pd.DataFrame:
    """Rows in use (lifecycle ≠ retired), optionally limited to service areas / municipalities."""
    rows = systems[(systems["lifecycle"] != "retired").fillna(True)]
    if service_areas:
        rows = rows[rows["service_area"].astype(str).isin(service_areas)]
    if municipalities:
        rows = rows[rows["municipality"].isin(municipalities)]
    return rows


def analyse(systems: pd.DataFrame, catalogue: Catalogue | None = None, options: ReportOptions | None = None,
            region_size: int | None = None, service_areas: list[str] | None = None,
            municipalities: list[str] | None = None, with_network: bool = True,
            thresholds: Sequence[Threshold] = ()) -> OverlapResult:
    """Run the overlap chain on `systems` (any typed systems DataFrame, e.g. `Region.systems`).

    `thresholds` are the group's own threshold entries (`validate.thresholds.group_thresholds`).
    """
    options = options or ReportOptions()
    catalogue = catalogue or load_catalogue()
    canon = canonical_products(select(systems, service_areas, municipalities), catalogue)
    shared = shared_products(canon)
    harmon = harmonisation_candidates(canon)
    product_windows, function_windows = _windows(canon, options)
    size = region_size or max(canon["municipality"].nunique(), 1)
    ranked, warnings = joint_candidates(shared, harmon, product_windows, function_windows, size, options.as_of,
                                        options.period_years, options.option_years, thresholds)
    result = OverlapResult(
        options=options, canon=canon, shared_products=shared, harmonisation_candidates=harmon,
        exit_windows=product_windows, function_windows=function_windows, tender_candidates=ranked,
        not_in_catalogue=not_in_catalogue(canon), missing_dates=ew.missing_dates(canon),
        warnings=warnings, catalogue_sources=list(catalogue.sources),
    )
    if with_network and len(canon):
        result.similarity = network.similarity(canon)
        result.communities = network.communities(result.similarity)
    result.warnings += _data_warnings(result)
    return result


def _windows(canon: pd.DataFrame, options: ReportOptions) -> tuple[list[dict], list[dict]]:
    cfg = ew.settings()
    end = ew.horizon_end(options.as_of, options.horizon_years)
    life = canon["lifecycle"].astype(str)
    dates = ew.contract_dates(canon, options.as_of)  # row-wise, so computed once for both groupings
    in_prod = life.isin(cfg["product_lifecycles"])
    prod_rows = canon[in_prod]
    pdates = ew.municipality_dates(prod_rows, ["product_canonical"], options.as_of, dates[in_prod])
    product_windows = ew.group_windows(pdates, ["product_canonical"], options.k, options.tolerance_months, end,
                                       ew.system_ids(prod_rows, ["product_canonical"]),
                                       key_names={"product_canonical": "product"})

    in_func = life.isin(cfg["function_lifecycles"]) & canon["function_key"].notna()
    func_rows = canon[in_func]
    func_rows = func_rows.assign(service_area=func_rows["service_area"].astype(str))
    fkeys = ["service_area", "function_key"]
    fdates = ew.municipality_dates(func_rows, fkeys, options.as_of, dates[in_func])
    function_windows = ew.group_windows(fdates, fkeys, options.k, options.tolerance_months, end,
                                        ew.system_ids(func_rows, fkeys))
    labels = _function_label_map(func_rows)
    for w in function_windows:
        w["function"] = str(labels.get(w["function_key"], w["function_key"]))
    _add_window_products(function_windows, func_rows)
    key = lambda w: (w["proposed_start"], -len(w["municipalities"]))  # noqa: E731
    return sorted(product_windows, key=key), sorted(function_windows, key=key)


def _add_window_products(windows: list[dict], func_rows: pd.DataFrame) -> None:
    """`products` of each function window: product → members using it (in member order).

    Why a two-level map: windows list members, so per window this is one lookup per
    member (most use one product), not a search over the group's rows.
    """
    of: dict[tuple, dict[str, dict[str, None]]] = {}  # (area, function) → municipality → products (ordered set)
    columns = [func_rows[c].astype(str).tolist()
               for c in ("service_area", "function_key", "municipality", "product_canonical")]
    for area, fkey, nr, product in zip(*columns, strict=True):
        by_nr = of.get((area, fkey))
        if by_nr is None:
            by_nr = of[(area, fkey)] = {}
        found = by_nr.get(nr)
        if found is None:
            by_nr[nr] = {product: None}
        else:
            found[product] = None
    for w in windows:
        by_nr = of[(w["service_area"], w["function_key"])]
        products: dict[str, list[str]] = {}
        for nr in w["municipalities"]:  # already sorted
            for product in by_nr[nr]:
                nrs = products.get(product)
                if nrs is None:
                    products[product] = [nr]
                else:
                    nrs.append(nr)
        w["products"] = dict(sorted(products.items()))


def distinct_products(canon: pd.DataFrame) -> dict[str, int]:
    """Distinct products per municipality after the catalogue's normalisation."""
    if canon.empty:
        return {}
    return {str(nr): int(n) for nr, n in canon.groupby("municipality")["product_canonical"].nunique().items()}


def _data_warnings(result: OverlapResult) -> list[str]:
    out = []
    if result.missing_dates:
        n = len(result.missing_dates)
        hidden = sum(1 for m in result.missing_dates if m["reason"] == "confidential")
        extra = f" ({hidden} av dem er unntatt offentlighet)" if hidden else ""
        out.append(f"{n} systemer mangler avtaleutløp eller oppsigelsestid{extra}; de er ikke med i exit-vinduene.")
    if result.not_in_catalogue:
        out.append(f"{len(result.not_in_catalogue)} produkter er ikke i produktkatalogen (se «ikke i katalogen»).")
    return out


# --------------------------------------------------------------------------- report and summary


def report_section(region, report: dict[str, Any], options: ReportOptions) -> None:
    """Add `report["overlap"]` (public: computed from `privacy.public_systems`)."""
    from digireform.model.privacy import public_systems
    from digireform.validate.thresholds import group_thresholds

    result = analyse(public_systems(region.in_use_systems()), load_catalogue(region.data_dir), options,
                     region_size=len(region.municipalities), thresholds=group_thresholds(region.data_dir))
    report["overlap"] = result.as_report()
    distinct = distinct_products(result.canon)
    for nr, n in distinct.items():
        report["municipalities"].setdefault(nr, {})["distinct_products"] = n
    for nr in region.numbers:
        report["municipalities"][nr].setdefault("distinct_products", 0)
    report["region"]["distinct_products"] = int(result.canon["product_canonical"].nunique()) if len(result.canon) else 0
    report.setdefault("warnings", [])
    report["warnings"] += [w for w in result.warnings if w not in report["warnings"]]


def names_text(result_nrs: list[str], names: dict[str, str]) -> str:
    """Municipality numbers as their names, comma-separated (a number without a name stays)."""
    return ", ".join(names.get(nr, nr) for nr in result_nrs)


def summary_text(result: OverlapResult, names: dict[str, str]) -> str:
    """A readable Norwegian summary (what `digireform overlap` prints)."""
    o = result.options
    day = formatting.date_no
    lines = [f"Overlapp per {day(o.as_of.isoformat())} (k = {o.k}, toleranse {o.tolerance_months} mnd, "
             f"horisont {o.horizon_years} år)", ""]
    lines.append(f"Felles produkter (brukt av minst to kommuner): {len(result.shared_products)}")
    for s in result.shared_products:
        lines.append(f"  {s['product']}: {names_text(s['municipalities'], names)}; {nok_per_year(s['annual_cost_nok'], s['cost_complete'])}")
    lines += ["", f"Harmoniseringskandidater (samme oppgave, ulike produkter): {len(result.harmonisation_candidates)}"]
    for h in result.harmonisation_candidates:
        prods = "; ".join(f"{p} ({names_text(m, names)})" for p, m in h["products"].items())
        lines.append(f"  {h['service_area_label']} – {h['function']}: {prods}; {nok_per_year(h['annual_cost_nok'], h.get('cost_complete', True))}")
    lines += ["", f"Felles exit-vinduer per produkt: {len(result.exit_windows)}"]
    for w in result.exit_windows:
        notice = ", ".join(f"{names.get(nr, nr)} {day(d)}" + (" (gått ut)" if nr in w["running_on_notice"] else "")
                           for nr, d in w["notice_deadlines"].items())
        lines.append(f"  {w['product']}: {names_text(w['municipalities'], names)} ledige {day(w['window_start'])}–"
                     f"{day(w['window_end'])}, felles oppstart {day(w['proposed_start'])}; "
                     f"oppsigelsesfrister: {notice}")
    lines += ["", f"Kandidater til felles anskaffelse: {len(result.tender_candidates)}"]
    for c in result.tender_candidates[:10]:
        what = c.get("product") or f"{c['function']} ({', '.join(c['products'])})"
        lines.append(f"  {c['rank']}. {what}: {len(c['municipalities'])} kommuner, anslått verdi "
                     f"{nok(c['estimated_value_nok'])} ({c['period_years']}+{c['option_years']} år) – "
                     f"{c['threshold']['procedure']}")
    if result.not_in_catalogue:
        lines += ["", "Ikke i katalogen (legg dem til i procurement/products.yaml):"]
        for p in result.not_in_catalogue:
            lines.append(f"  {p['product']}: {names_text(p['municipalities'], names)}")
    if result.communities:
        lines += ["", "Kommuner med like porteføljer (grupper): "
                  + " | ".join(names_text(c, names) for c in result.communities)]
    if result.warnings:
        lines += ["", "Merk:"] + [f"  {w}" for w in result.warnings]
    return "\n".join(lines)
