"""Digital maturity: digitalisation degree per service area, against a national survey.

kommune.yaml `digitalisation` maps service area → one of the four levels used in
national surveys (all digital … all paper). Here that becomes a municipalities ×
service areas matrix for the heat map, and, for the areas the national survey covers
(data/national_digitalisation_survey.yaml, dated and sourced), the region's
distribution next to the national one. The report section also carries the channel
figures and target status (channels.py, targets.py), which answer the same question:
how digital are we, and are we reaching our goals?
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from digireform.analysis import channels, targets
from digireform.model.region import Region
from digireform.model.schema import DIGITALISATION_LEVELS, SERVICE_AREAS, code_list, package_yaml


def levels() -> list[str]:
    """Level codes from most to least digital (schema order)."""
    return list(code_list(DIGITALISATION_LEVELS))


def level_score(level: str | None) -> int | None:
    """3 = all digital … 0 = all paper (for colouring and averaging), None when unknown."""
    order = levels()
    return None if level not in order else len(order) - 1 - order.index(level)


def digitalisation_table(region: Region) -> pd.DataFrame:
    """Municipality names × service areas, cells holding the level code (missing = unknown)."""
    areas = list(code_list(SERVICE_AREAS))
    data = {}
    for nr in region.numbers:
        dig = region.profiles.get(nr, {}).get("digitalisation") or {}
        data[nr] = {a: dig.get(a) if dig.get(a) in levels() else None for a in areas}
    df = pd.DataFrame.from_dict(data, orient="index", columns=areas).astype(object)
    df.index.name = "municipality"
    return df


def heatmap_scores(region: Region, municipalities: list[str] | None = None) -> pd.DataFrame:
    """The heat map's numbers: rows municipality names, columns area labels, 0–3 or NaN."""
    table = digitalisation_table(region)
    if municipalities is not None:
        table = table.loc[[m for m in municipalities if m in table.index]]
    scores = table.map(level_score).astype("float64")
    scores.index = [region.name(nr) for nr in table.index]
    scores.columns = [code_list(SERVICE_AREAS)[a] for a in table.columns]
    return scores


def national_surveys() -> list[dict]:
    return package_yaml("national_digitalisation_survey.yaml")["surveys"]


def national_comparison(region: Region, municipalities: list[str] | None = None) -> pd.DataFrame:
    """Per surveyed area and level: the region's share of municipalities and the national share.

    Region shares count the municipalities that gave a level for the area (unknown ones
    are left out, `region_n` says how many counted). National shares the source does
    not break down stay missing.
    """
    table = digitalisation_table(region)
    if municipalities is not None:
        table = table.loc[[m for m in municipalities if m in table.index]]
    rows = []
    for survey in national_surveys():
        for area, spec in survey["areas"].items():
            col = table[area].dropna() if area in table else pd.Series(dtype=object)
            n = len(col)
            for level in levels():
                rows.append({
                    "survey": survey["id"], "area": area, "area_label": spec["label"], "level": level,
                    "level_label": code_list(DIGITALISATION_LEVELS)[level],
                    "region_share": (col == level).sum() / n if n else None, "region_n": n,
                    "national_share": spec["shares"].get(level), "national_n": survey["respondents"],
                    "source": survey["source"], "note": spec.get("note"),
                })
    return pd.DataFrame(rows)


def _round(v: Any, d: int = 4) -> float | None:
    return None if v is None or pd.isna(v) else round(float(v), d)


def _split(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A table's rows per `municipality`, in table order: split once, not one mask per
    municipality (357 scans of the table in a national data set)."""
    if table.empty:
        return {}
    return {str(nr): part for nr, part in table.groupby("municipality", sort=False)}


def report_section(region: Region, report: dict, options) -> None:
    """Add `digitalisation`, `channels` and `targets` per municipality, and the national
    comparison under region.digitalisation_national."""
    dig = digitalisation_table(region).to_dict("index")
    channel_rows = _split(channels.channel_table(region))
    target_rows = _split(targets.targets_table(region, options.as_of))
    for nr in region.numbers:
        m = report["municipalities"][nr]
        m["digitalisation"] = {a: lvl for a, lvl in dig[nr].items() if lvl is not None}
        part = channel_rows.get(nr)
        m["channels"] = None if part is None else channels.latest_summary(part, nr)
        part = target_rows.get(nr)
        m["targets"] = [] if part is None else [
            {"id": r["id"], "text": r["text"], "metric": r["metric"], "status_code": r["status_code"],
             "status": r["status"], "reason": r["reason"]} for r in part.to_dict("records")
        ]
    comp = national_comparison(region)
    report["region"]["digitalisation_national"] = {
        area: {
            "label": grp["area_label"].iloc[0], "region_n": int(grp["region_n"].iloc[0]),
            "national_n": int(grp["national_n"].iloc[0]), "source": grp["source"].iloc[0],
            "levels": {r.level: {"region": _round(r.region_share), "national": _round(r.national_share)}
                       for r in grp.itertuples()},
        }
        for area, grp in comp.groupby("area", sort=False)
    }
    known = set(targets.metrics())
    for nr in region.numbers:
        for t in region.profiles.get(nr, {}).get("targets") or []:
            if t.get("metric") not in known:
                report["warnings"].append(
                    f"{region.name(nr)}: mål {t.get('id')} bruker ukjent metrikk «{t.get('metric')}»; "
                    f"gyldige: {', '.join(sorted(known))}."
                )
