"""Survey results that protect respondents: anything under `min_responses` answers is withheld."""
from __future__ import annotations

from typing import Any

import pandas as pd

from digireform.model.region import Region
from digireform.validate.survey import PREFIX, channel_codes, load_responses, services, settings


def summarise(responses: pd.DataFrame, min_responses: int | None = None) -> dict[str, Any]:
    """Results of one survey of one municipality; anything under `min_responses` answers is withheld.

    Satisfaction per service: n, mean (1–5), share_satisfied (answers ≥ satisfied_from).
    Channel preference: n and each channel's share. A withheld result keeps its `n` and
    says `suppressed: true`, so readers see that there were too few answers.
    """
    s = settings()
    minimum = s["min_responses"] if min_responses is None else min_responses
    out: dict[str, Any] = {"respondents": int(len(responses)), "min_responses": minimum, "satisfaction": {}}
    for svc in services():
        col = responses[PREFIX + svc].dropna().astype(float)
        n = int(len(col))
        if n == 0:
            continue
        if n < minimum:
            out["satisfaction"][svc] = {"n": n, "suppressed": True}
        else:
            out["satisfaction"][svc] = {
                "n": n, "mean": round(float(col.mean()), 2),
                "share_satisfied": round(float((col >= s["satisfied_from"]).mean()), 4),
            }
    pref = responses["channel_preference"].dropna()
    if len(pref) < minimum:
        out["channel_preference"] = {"n": int(len(pref)), "suppressed": True}
    else:
        counts = pref.value_counts()
        out["channel_preference"] = {
            "n": int(len(pref)),
            "shares": {c: round(float(counts.get(c, 0)) / len(pref), 4) for c in channel_codes()},
        }
    return out


def report_section(region: Region, report: dict, options) -> None:
    """Add `survey` (latest survey) per municipality that has one; file problems become warnings."""
    responses, problems = load_responses(region)
    for p in problems:
        report["warnings"].append(str(p))
    for nr, part in responses.groupby("municipality"):
        latest = sorted(part["survey"].unique())[-1]
        report["municipalities"][nr]["survey"] = {"survey": latest, **summarise(part[part["survey"] == latest])}
