"""The stored survey.csv: its columns, reading and checking it, and the answers of a region.

Read like the other data files (textio, `fit_rows`); importing survey exports
is `ingest.survey`'s, results are `analysis.survey`'s.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from digireform.io.paths import folder_for
from digireform.io.tables import fit_rows, header_and_rows, read_text
from digireform.model.errors import Problem, display_path
from digireform.model.region import Region
from digireform.model.schema import package_yaml

FILENAME = "survey.csv"
PREFIX = "satisfaction_"


def settings() -> dict[str, Any]:
    return package_yaml("survey.yaml")


def services() -> dict[str, dict]:
    return settings()["services"]


def channel_codes() -> dict[str, dict]:
    return settings()["channels"]


def stored_columns() -> list[str]:
    return ["survey", "respondent", "channel_preference", *(PREFIX + s for s in services())]


def format_survey(rows: pd.DataFrame) -> str:
    buf = io.StringIO()
    out = rows.reindex(columns=stored_columns())
    out = out.astype(object).where(out.notna(), "")
    for c in out.columns:
        out[c] = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in out[c]]
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def parse_stored(text: str, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """A stored survey.csv → typed rows (Int64 scores); problems with FILE:LINE: column.

    Read like the other data files (textio, `fit_rows`): a row with more fields than
    the header is named and left out, the file's other rows are kept; line numbers are
    physical lines.
    """
    read = header_and_rows(text, label, problems)
    if read is None:
        return None
    header, rows, lines = read
    cols = stored_columns()
    for c in header:
        if c not in cols:
            problems.append(Problem(label, 1, c, f"ukjent kolonne; gyldige: {', '.join(cols)}"))
    kept, kept_lines = fit_rows(rows, lines, header, cols, label, problems)
    raw = pd.DataFrame({c: [r[i] for r in kept] for i, c in enumerate(cols)}, dtype=object)
    out = pd.DataFrame({"survey": raw["survey"], "line": pd.Series(kept_lines, dtype="int64")})
    for i, v in raw["survey"].items():
        if not v:
            problems.append(Problem(label, kept_lines[i], "survey", "mangler (påkrevd felt)"))
    codes = set(channel_codes())
    for i, v in raw["channel_preference"].items():
        if v and v not in codes:
            problems.append(Problem(label, kept_lines[i], "channel_preference",
                                    f"«{v}» er ikke en gyldig kanal; gyldige: {', '.join(codes)}"))
    out["channel_preference"] = raw["channel_preference"].where(raw["channel_preference"].isin(codes), None).astype(object)
    for c in cols[3:]:
        ok = raw[c].isin(["1", "2", "3", "4", "5"])
        for i in raw.index[~ok & (raw[c] != "")]:
            problems.append(Problem(label, kept_lines[int(i)], c, f"«{raw.at[i, c]}» er ikke et tall 1–5"))
        out[c] = pd.to_numeric(raw[c].where(ok), errors="coerce").astype("Int64")
    return out


def survey_path(data_dir: Path, number: str) -> Path:
    return folder_for(data_dir, number) / FILENAME


def load_responses(region: Region) -> tuple[pd.DataFrame, list[Problem]]:
    """All stored survey answers of the region (column `municipality` added) and problems."""
    frames, problems = [], []
    for nr in region.numbers:
        path = Path(region.municipalities.at[nr, "folder"]) / FILENAME
        if not path.exists():
            continue
        text = read_text(path, problems)
        if text is None:
            continue
        df = parse_stored(text, display_path(path), problems)
        if df is not None:
            frames.append(df.assign(municipality=nr))
    if not frames:
        return pd.DataFrame(columns=["municipality", "survey", "line", *stored_columns()[2:]]), problems
    return pd.concat(frames, ignore_index=True), problems
