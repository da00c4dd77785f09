"""Strategy targets: nådd / i rute / bak, computed from the data, with the reason.

A target (kommune.yaml `targets`) names a metric from data/target_metrics.yaml. Its
current value comes from the channel figures (`source: channels`) or from the target's
own `current` (`source: reported`). The rule, so a councillor can check it by hand:

- nådd   — the current value meets the target;
- bak    — the deadline has passed without that, or the value is below the straight
           line from the baseline to the target at the deadline;
- i rute — on or above that line (the boundary counts as on track);
- ukjent — there is no current value, or no baseline to draw the line from.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from digireform.analysis import channels
from digireform.model import formatting
from digireform.model.region import Region
from digireform.model.schema import package_yaml

EPS = 1e-9


def metrics() -> dict[str, dict]:
    return package_yaml("target_metrics.yaml")["metrics"]


REACHED, ON_TRACK, BEHIND, UNKNOWN = "reached", "on_track", "behind", "unknown"


def status_words() -> dict[str, str]:
    """Status code → the Norwegian word shown (data/target_metrics.yaml `statuses`).

    Count and compare by code (`status_code` in the report); the words are for people and
    may be reworded.
    """
    return package_yaml("target_metrics.yaml")["statuses"]


def fmt(value: float, unit: str) -> str:
    """A metric's value in the reason text: shares as per cent with one decimal («58,0 %»),
    counts whole («12»), other numbers with two decimals («3,25»), by `formatting`."""
    if unit == "share":
        return formatting.percent(value, 1)
    if unit == "count":
        return formatting.number(value, 0)
    return formatting.number(value, 2)


def channel_measurements(table: pd.DataFrame, nr: str, metric: str) -> list[tuple[dt.date, float]]:
    """(31 December of the year, value) for each channel year with a value, oldest first."""
    part = table[(table["municipality"] == nr) & table[metric].notna()] if metric in table else table.iloc[0:0]
    return [(dt.date(int(y), 12, 31), float(v)) for y, v in zip(part["year"], part[metric], strict=True)]


def _as_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def evaluate(target: dict, measurements: list[tuple[dt.date, float]], as_of: dt.date) -> dict[str, Any]:
    """Status of one target with the reason, from the target and the metric's measurements."""
    spec = metrics().get(target.get("metric"), {"label": str(target.get("metric")), "unit": "number", "direction": "up"})
    unit, sign = spec["unit"], (-1.0 if spec.get("direction") == "down" else 1.0)
    words = status_words()
    if not isinstance(target.get("target"), int | float) or isinstance(target.get("target"), bool):
        return {"id": target.get("id"), "text": target.get("text"), "metric": target.get("metric"),
                "status_code": UNKNOWN, "status": words[UNKNOWN], "reason": "Målverdien (target) mangler."}
    goal, deadline = float(target["target"]), _as_date(target.get("deadline"))
    current, current_date = target.get("current"), _as_date(target.get("current_date"))
    if current is None and measurements:
        current_date, current = measurements[-1]
    baseline, baseline_date = target.get("baseline"), _as_date(target.get("baseline_date"))
    if baseline is None and measurements and current_date and measurements[0][0] < current_date:
        baseline_date, baseline = measurements[0]
    out = {"id": target.get("id"), "text": target.get("text"), "metric": target.get("metric"),
           "metric_label": spec["label"], "target": goal, "deadline": deadline, "current": current,
           "current_date": current_date, "baseline": baseline, "baseline_date": baseline_date, "expected": None}

    def done(code: str, reason: str) -> dict[str, Any]:
        return {**out, "status_code": code, "status": words[code], "reason": reason}

    if current is None:
        return done(UNKNOWN, f"Ingen måling av «{spec['label']}» ennå.")
    cur = float(current)
    when = f" ({current_date.isoformat()})" if current_date else ""
    if sign * (cur - goal) >= -EPS:
        return done(REACHED, f"{fmt(cur, unit)}{when} når målet {fmt(goal, unit)}.")
    if deadline and as_of > deadline:
        return done(BEHIND, f"Fristen {deadline.isoformat()} er passert; {fmt(cur, unit)}{when} er under målet {fmt(goal, unit)}.")
    if baseline is None or baseline_date is None or current_date is None or deadline is None:
        return done(UNKNOWN, f"{fmt(cur, unit)}{when} mot målet {fmt(goal, unit)}, men uten utgangspunkt (baseline) "
                               "kan framdriften ikke vurderes.")
    span = (deadline - baseline_date).days
    frac = min(max((current_date - baseline_date).days / span, 0.0), 1.0) if span > 0 else 1.0
    expected = float(baseline) + (goal - float(baseline)) * frac
    out["expected"] = round(expected, 6)
    line = (f"{fmt(cur, unit)}{when}; rett linje fra {fmt(float(baseline), unit)} ({baseline_date.isoformat()}) "
            f"til {fmt(goal, unit)} ({deadline.isoformat()}) gir {fmt(expected, unit)} nå")
    if sign * (cur - expected) >= -EPS:
        return done(ON_TRACK, line + ".")
    return done(BEHIND, line + "; ligger under.")


def targets_table(region: Region, as_of: dt.date) -> pd.DataFrame:
    """Every target of every municipality with status and reason."""
    table = channels.channel_table(region)
    rows = []
    for nr in region.numbers:
        for t in region.profiles.get(nr, {}).get("targets") or []:
            spec = metrics().get(t.get("metric"), {})
            meas = channel_measurements(table, nr, t["metric"]) if spec.get("source") == "channels" else []
            rows.append({"municipality": nr, "name": region.name(nr), **evaluate(t, meas, as_of)})
    return pd.DataFrame(rows)
