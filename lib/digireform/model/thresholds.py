"""Which procurement threshold an estimated contract value crosses, on a given date.

The amounts are dated data (data/thresholds.yaml) with sources, never constants here.
A threshold value stays in force until a newer one supersedes it: Norwegian thresholds
change when FOA § 5-3 (or § 5-1) is amended — on the amendment's date (e.g. 14 March 2024),
not on 1 January — so an entry has only `valid_from`, and on a given day the entry of each
kind with the latest `valid_from` on or before that day applies. A group registers a newer
value in its own data folder (`procurement/thresholds.yaml`, same shape, read by
`validate.thresholds`) and passes those entries as `extra`: package and group entries
compete by date alone, so neither has to be edited when the other is updated.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from digireform.model.formatting import nok
from digireform.model.schema import package_yaml

KINDS = ("exempt", "national", "eea")  # the thresholds a band is read from, lowest first
BANDS = {"exempt": "below_national", "national": "national", "eea": "eea"}  # band at or above each


@dataclass(frozen=True)
class Threshold:
    id: str
    label: str
    amount_nok: float
    valid_from: dt.date
    source: str
    file: str = "pakkens data/thresholds.yaml"  # where the entry was registered

    def valid_on(self, day: dt.date) -> bool:
        """In force on `day` unless a newer entry supersedes it (`thresholds_on` chooses)."""
        return self.valid_from <= day


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
            "threshold_valid_from": self.crossed.valid_from if self.crossed else None,
            "procedure": self.procedure["label"],
            "part": self.procedure["part"],
            "announcement": self.procedure["announcement"],
            "warnings": list(self.warnings),
        }


def package_thresholds() -> tuple[Threshold, ...]:
    """The entries shipped in the package (data/thresholds.yaml)."""
    return tuple(Threshold(t["id"], t["label"], float(t["amount_nok"]), t["valid_from"], t["source"])
                 for t in package_yaml("thresholds.yaml")["thresholds"])


def all_thresholds(extra: Iterable[Threshold] = ()) -> list[Threshold]:
    """The package's entries and a group's `extra` ones, all competing by `valid_from`."""
    return [*package_thresholds(), *extra]


def bands() -> dict[str, dict]:
    """What each value band means for the procedure (data/thresholds.yaml `procedures`)."""
    return package_yaml("thresholds.yaml")["procedures"]


def thresholds_on(day: dt.date, extra: Iterable[Threshold] = ()) -> tuple[dict[str, Threshold], list[str]]:
    """The threshold of each kind in force on `day`; before a kind's first entry, that entry, with a warning.

    Fresh containers per call (callers may change them); the work is cached per day and
    extra entries, since a report classifies ~1000 candidate values on the same date.
    """
    chosen, warnings = _thresholds_on(day, tuple(extra))
    return dict(chosen), list(warnings)


@lru_cache(maxsize=64)
def _thresholds_on(day: dt.date, extra: tuple[Threshold, ...]) -> tuple[dict[str, Threshold], tuple[str, ...]]:
    """`thresholds_on` without the copies; the package YAML it reads is itself cached."""
    chosen: dict[str, Threshold] = {}
    warnings: list[str] = []
    by_id: dict[str, list[Threshold]] = {}
    for t in all_thresholds(extra):
        by_id.setdefault(t.id, []).append(t)
    for tid, items in by_id.items():
        in_force = [t for t in items if t.valid_on(day)]
        if in_force:  # the newest by valid_from; on a tie the group's entry (listed last) wins
            chosen[tid] = max(reversed(in_force), key=lambda t: t.valid_from)
            continue
        first = min(items, key=lambda t: t.valid_from)
        chosen[tid] = first
        warnings.append(f"{first.label}: ingen verdi er registrert for {day.isoformat()} (den første gjelder fra "
                        f"{first.valid_from.isoformat()}); bruker {nok(first.amount_nok)}.")
    return chosen, tuple(warnings)


def classify(value_nok: float, on: dt.date | None = None, extra: Iterable[Threshold] = ()) -> ThresholdResult:
    """Band of an estimated value (excl. VAT): at or above a threshold counts as crossing it."""
    day = on or dt.date.today()
    chosen, warnings = _thresholds_on(day, tuple(extra))
    band, crossed = "below_exempt", None
    for tid in KINDS:
        t = chosen.get(tid)
        if t is not None and value_nok >= t.amount_nok:
            band, crossed = BANDS[tid], t
    return ThresholdResult(float(value_nok), day, band, crossed, bands()[band], dict(chosen), list(warnings))
