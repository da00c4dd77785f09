"""Analysis results as tables with Norwegian column names, for the notebooks: overlap
(notebooks/02-overlapp.ipynb) and the citizen survey (notebooks/04-digital-modenhet.ipynb).

The analyses (`analysis.overlap`, `analysis.survey`) return plain data; these tables only
choose and name columns for reading in a notebook, so the report, the CLI summary and the
notebook show the same figures.
"""
from __future__ import annotations

import pandas as pd

from digireform.analysis import survey
from digireform.analysis.overlap import OverlapResult, names_text
from digireform.model import formatting
from digireform.model.region import Region
from digireform.validate.survey import load_responses, services


def shared_table(result: OverlapResult, names: dict[str, str]) -> pd.DataFrame:
    """Shared products with Norwegian column names."""
    return pd.DataFrame([{
        "Produkt": s["product"], "Kommuner": names_text(s["municipalities"], names), "Antall kommuner": len(s["municipalities"]),
        "Brukere": s["users"], "Årlig kostnad (kr)": s["annual_cost_nok"],
        "Systemer": "; ".join(i for ids in s["systems"].values() for i in ids),
    } for s in result.shared_products])


def harmonisation_table(result: OverlapResult, names: dict[str, str]) -> pd.DataFrame:
    """Harmonisation candidates, one row per product of each service area and function."""
    rows = []
    for h in result.harmonisation_candidates:
        for product, d in h["product_details"].items():
            rows.append({"Tjenesteområde": h["service_area_label"], "Funksjon": h["function"], "Produkt": product,
                         "Kommuner": names_text(d["municipalities"], names), "Brukere": d["users"],
                         "Årlig kostnad (kr)": d["annual_cost_nok"]})
    return pd.DataFrame(rows)


def windows_table(result: OverlapResult, names: dict[str, str], by_function: bool = False) -> pd.DataFrame:
    """Joint exit windows per product (or per function, whatever the product) with their deadlines."""
    rows = []
    for w in result.function_windows if by_function else result.exit_windows:
        rows.append({
            ("Funksjon" if by_function else "Produkt"): w["function"] if by_function else w["product"],
            "Kommuner": names_text(w["municipalities"], names),
            "Ledige fra": w["window_start"], "Alle ledige": w["window_end"], "Felles oppstart": w["proposed_start"],
            "Oppsigelsesfrister": "; ".join(f"{names.get(nr, nr)} {d}" for nr, d in w["notice_deadlines"].items()),
            "Frist passert": names_text(w["running_on_notice"], names),
            "Systemer": "; ".join(i for ids in w["systems"].values() for i in ids),
        })
    return pd.DataFrame(rows)


def candidates_table(result: OverlapResult, names: dict[str, str]) -> pd.DataFrame:
    """Joint-tender candidates in rank order with value, threshold and proposed start."""
    return pd.DataFrame([{
        "Rang": c["rank"], "Kandidat": c.get("product") or f"{c['function']} ({', '.join(c['products'])})",
        "Kommuner": names_text(c["municipalities"], names), "Årlig kostnad (kr)": c["annual_cost_nok"],
        "Anslått verdi (kr)": c["estimated_value_nok"], "Terskel": c["threshold"]["procedure"],
        "Felles oppstart": c["window"]["proposed_start"] if c["window"] else None, "Poeng": c["score"],
    } for c in result.tender_candidates])


def survey_table(region: Region) -> pd.DataFrame:
    """Latest survey per municipality as a Norwegian table; withheld cells say «for få svar»."""
    responses, _ = load_responses(region)
    rows = []
    for nr, part in responses.groupby("municipality"):
        latest = sorted(part["survey"].unique())[-1]
        summary = survey.summarise(part[part["survey"] == latest])
        for svc, res in summary["satisfaction"].items():
            rows.append({
                "Kommune": region.name(nr), "Undersøkelse": latest, "Tjeneste": services()[svc]["label"],
                "Svar": res["n"],
                "Snitt (1–5)": "for få svar" if res.get("suppressed") else formatting.number(res["mean"], 2),
                "Andel fornøyd": "for få svar" if res.get("suppressed") else formatting.percent(res["share_satisfied"]),
            })
    return pd.DataFrame(rows, columns=["Kommune", "Undersøkelse", "Tjeneste", "Svar", "Snitt (1–5)", "Andel fornøyd"])
