"""Which procurement threshold an estimated contract value crosses, on a given date.

The amounts are dated data (data/thresholds.yaml) with sources, never constants here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from digireform.model.formatting import nok
from digireform.model.schema import package_yaml


@dataclass(frozen=True)
class Threshold:
    id: str
    label: str
    amount_nok: float
    valid_from: dt.date
    valid_to: dt.date | None
    source: str

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class ThresholdResult:
    """Band a value falls in: `band` is below_exempt, below_national, national or eea."""

    value_nok: float
    on: dt.date
    band: str
    crossed: Threshold | None  # highest threshold the value is at or above
    procedure: dict
    thresholds: dict[str, Threshold]
    warnings: list[str] = field(default_factory=list)

    @property
    def threshold_id(self) -> str | None:
        return self.crossed.id if self.crossed else None

    def as_dict(self) -> dict:
        return {
            "band": self.band,
            "threshold": self.threshold_id,
            "threshold_nok": self.crossed.amount_nok if self.crossed else None,
            "threshold_source": self.crossed.source if self.crossed else None,
            "procedure": self.procedure["label"],
            "part": self.procedure["part"],
            "announcement": self.procedure["announcement"],
            "warnings": list(self.warnings),
        }


def all_thresholds() -> list[Threshold]:
    return [
        Threshold(t["id"], t["label"], float(t["amount_nok"]), t["valid_from"], t.get("valid_to"), t["source"])
        for t in package_yaml("thresholds.yaml")["thresholds"]
    ]


def thresholds_on(day: dt.date) -> tuple[dict[str, Threshold], list[str]]:
    """The threshold of each kind valid on `day`; falls back to the newest with a warning.

    Fresh containers per call (callers may change them); the work is cached per day,
    since a report classifies ~1000 candidate values on the same date.
    """
    chosen, warnings = _thresholds_on(day)
    return dict(chosen), list(warnings)


@lru_cache(maxsize=64)
def _thresholds_on(day: dt.date) -> tuple[dict[str, Threshold], tuple[str, ...]]:
    """`thresholds_on` without the copies; the package YAML it reads is itself cached."""
    chosen: dict[str, Threshold] = {}
    warnings: list[str] = []
    by_id: dict[str, list[Threshold]] = {}
    for t in all_thresholds():
        by_id.setdefault(t.id, []).append(t)
    for tid, items in by_id.items():
        valid = [t for t in items if t.valid_on(day)]
        if valid:
            chosen[tid] = max(valid, key=lambda t: t.valid_from)
            continue
        newest = max(items, key=lambda t: t.valid_from)
        chosen[tid] = newest
        if newest.valid_to and day > newest.valid_to:
            warnings.append(
                f"{newest.label} ({nok(newest.amount_nok)}) gjaldt til {newest.valid_to.isoformat()}; "
                f"ingen nyere verdi er registrert for {day.isoformat()}. Oppdater data/thresholds.yaml."
            )
        else:
            warnings.append(f"{newest.label}: ingen verdi gjelder {day.isoformat()}; bruker {nok(newest.amount_nok)}.")
    return chosen, tuple(warnings)


def classify(value_nok: float, on: dt.date | None = None) -> ThresholdResult:
    """Band of an estimated value (excl. VAT): at or above a threshold counts as crossing it."""
    day = on or dt.date.today()
    chosen, warnings = _thresholds_on(day)
    procedures = package_yaml("thresholds.yaml")["procedures"]
    band, crossed = "below_exempt", None
    for tid, name in (("exempt", "below_national"), ("national", "national"), ("eea", "eea")):
        t = chosen.get(tid)
        if t is not None and value_nok >= t.amount_nok:
            band, crossed = name, t
    return ThresholdResult(float(value_nok), day, band, crossed, procedures[band], dict(chosen), list(warnings))
