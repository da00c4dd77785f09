"""Channel figures: how inhabitants reach the municipality and how it answers.

National strategy asks for digital first, self-service people actually complete and
letters replaced by digital post. kommune.yaml `channels` holds yearly volumes; here
they become contacts per inhabitant, self-service completion rate, the digital share
of outgoing mail and the saving from moving letters to digital post. Which channels
count, and every money assumption, live in data/channels.yaml; the savings function
takes the prices as explicit parameters.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from digireform.model.region import CHANNEL_FIELDS, Region
from digireform.model.schema import package_yaml

DERIVED = ["contacts", "contacts_per_inhabitant", "web_visits_per_inhabitant",
           "selfservice_completion_rate", "digital_post_share"]


def settings() -> dict[str, Any]:
    return package_yaml("channels.yaml")


def channel_label(key: str) -> str:
    return settings()["labels"].get(key, key)


def completion_rate(completed: float | None, abandoned: float | None) -> float | None:
    """completed / (completed + abandoned); None when either is unknown or both are 0.

    3.75 abandoned attempts per completed one gives 1 / 4.75 ≈ 0.2105.
    """
    if completed is None or abandoned is None or pd.isna(completed) or pd.isna(abandoned):
        return None
    started = completed + abandoned
    return float(completed) / started if started else None


def digital_share(digital: float | None, paper: float | None) -> float | None:
    """digital / (digital + paper) of outgoing mail; None when unknown or no mail."""
    if digital is None or paper is None or pd.isna(digital) or pd.isna(paper):
        return None
    total = digital + paper
    return float(digital) / total if total else None


def _sum(record: dict, keys: list[str]) -> float | None:
    values = [record.get(k) for k in keys]
    if any(v is None or pd.isna(v) for v in values):
        return None
    return float(sum(values))


def derive(record: dict, population: int | None) -> dict[str, float | None]:
    """Derived measures for one yearly record (see data/channels.yaml for definitions)."""
    s = settings()
    contacts = _sum(record, s["contact_channels"])
    web = record.get("web_visits")

    def per(x: float | None) -> float | None:
        return x / population if x is not None and not pd.isna(x) and population else None

    return {
        "contacts": contacts,
        "contacts_per_inhabitant": per(contacts),
        "web_visits_per_inhabitant": per(web),
        "selfservice_completion_rate": completion_rate(record.get("selfservice_completed"),
                                                       record.get("selfservice_abandoned")),
        "digital_post_share": digital_share(_sum(record, s["outgoing_digital"]), _sum(record, s["outgoing_paper"])),
    }


def channel_table(region: Region) -> pd.DataFrame:
    """One row per municipality and year: the volumes and the derived measures."""
    rows = []
    for nr in region.numbers:
        pop = region.municipalities.at[nr, "population"]
        pop = None if pop is None or pd.isna(pop) else int(pop)
        for rec in region.profiles.get(nr, {}).get("channels") or []:
            if not isinstance(rec, dict) or not isinstance(rec.get("year"), int):
                continue
            base = {"municipality": nr, "name": region.name(nr), "year": rec["year"],
                    "source": rec.get("source"), "population": pop}
            base.update({k: rec.get(k) for k in CHANNEL_FIELDS})
            base.update(derive(rec, pop))
            rows.append(base)
    cols = ["municipality", "name", "year", "source", "population", *CHANNEL_FIELDS, *DERIVED]
    df = pd.DataFrame(rows, columns=cols)
    for k in CHANNEL_FIELDS:
        df[k] = df[k].astype("Int64")
    for k in DERIVED:
        df[k] = df[k].astype("float64")
    return df.sort_values(["municipality", "year"]).reset_index(drop=True)


def letter_savings(letters_out: float | None, cost_per_letter_nok: float | None = None,
                   cost_per_digital_message_nok: float | None = None) -> dict[str, Any]:
    """Yearly saving if `letters_out` letters went as digital post instead.

    saving = letters × (cost per letter − cost per digital message). The prices default
    to data/channels.yaml (marked there as assumptions) and are returned with the result
    so a reader always sees what the figure rests on.
    """
    s = settings()["savings"]
    c_letter = s["cost_per_letter_nok"] if cost_per_letter_nok is None else cost_per_letter_nok
    c_digital = s["cost_per_digital_message_nok"] if cost_per_digital_message_nok is None else cost_per_digital_message_nok
    saving = None if letters_out is None or pd.isna(letters_out) else round(float(letters_out) * (c_letter - c_digital), 2)
    return {
        "letters": None if saving is None else int(letters_out),
        "cost_per_letter_nok": c_letter,
        "cost_per_digital_message_nok": c_digital,
        "savings_nok": saving,
        "assumption": f"{s['cost_per_letter_source']} {s['cost_per_digital_message_source']}",
    }


def _r(v: Any, digits: int) -> float | None:
    return None if v is None or pd.isna(v) else round(float(v), digits)


def latest_summary(table: pd.DataFrame, nr: str, year: int | None = None,
                   cost_per_letter_nok: float | None = None,
                   cost_per_digital_message_nok: float | None = None) -> dict[str, Any] | None:
    """The report's `channels` block: the chosen (default latest) year of one municipality."""
    part = table[table["municipality"] == nr]
    if year is not None:
        part = part[part["year"] == year]
    if part.empty:
        return None
    row = part.iloc[-1]
    savings = letter_savings(row["letters_out"], cost_per_letter_nok, cost_per_digital_message_nok)
    return {
        "year": int(row["year"]),
        "source": row["source"],
        "contacts_per_inhabitant": _r(row["contacts_per_inhabitant"], 2),
        "web_visits_per_inhabitant": _r(row["web_visits_per_inhabitant"], 2),
        "selfservice_completion_rate": _r(row["selfservice_completion_rate"], 4),
        "digital_post_share": _r(row["digital_post_share"], 4),
        "letters_out": None if pd.isna(row["letters_out"]) else int(row["letters_out"]),
        "letter_savings_nok": savings["savings_nok"],
        "cost_per_letter_nok": savings["cost_per_letter_nok"],
        "cost_per_digital_message_nok": savings["cost_per_digital_message_nok"],
        "volumes": {k: None if pd.isna(row[k]) else int(row[k]) for k in CHANNEL_FIELDS},
    }
