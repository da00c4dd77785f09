"""Checking the CSV tables against schema.yaml, vectorised over all municipalities.

A national data set (357 × 180 systems) is checked in about the time pandas
needs to read it. Every problem becomes a `Problem` (FILE:LINE: field: message).
"""
from __future__ import annotations

import re
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from digireform.io.tables import parse_tables
from digireform.model import formatting, values
from digireform.model.errors import Problem
from digireform.model.labels import code_choices
from digireform.model.schema import FileSpec, code_list, file_spec, orgnr_valid


def check_tables(raw: pd.DataFrame, spec: FileSpec, problems: list[Problem]) -> pd.DataFrame:
    """Validate the parsed (stripped, blank rows dropped) rows of all files at once.

    Returns typed rows and appends problems. Messages are built only for the cells that fail.
    The per-cell tests are plain loops over the cells' Python strings: on object columns they
    are several times faster than the equivalent pandas calls (measured at national scale).
    """
    raw = raw.reset_index(drop=True)
    out = pd.DataFrame({"municipality": raw["municipality"].astype(str), "line": raw["line"].astype("int64")})
    files = raw["file"].to_numpy()
    lines = raw["line"].to_numpy()

    def report(mask: np.ndarray | pd.Series, key: str, message: pd.Series | str) -> None:
        """`message`: a text where «{v}» stands for the cell, or one ready message per row."""
        idx = np.asarray(mask, dtype=bool).nonzero()[0]
        if not len(idx):
            return
        cells = raw[key].to_numpy() if isinstance(message, str) and "{v}" in message else None
        for i in idx:
            if isinstance(message, str):
                msg = message if cells is None else message.replace("{v}", str(cells[i]))
            else:
                msg = message.iloc[i]
            problems.append(Problem(files[i], int(lines[i]), key, msg))

    for f in spec.fields:
        cells = raw[f.key].to_numpy(dtype=object)
        empty = cells == ""
        if f.required:
            report(empty, f.key, "mangler (påkrevd felt)")
        out[f.key] = _check_column(cells, empty, f, report)
    if spec.key:
        _check_unique(out, raw, spec.key, report)
        _check_integrations(out, raw, spec.key, report)
    return out


def _matches(cells: np.ndarray, pattern: str) -> np.ndarray:
    """Which cells (Python strings) match the regex."""
    match = re.compile(pattern).match
    return np.fromiter(map(bool, map(match, cells)), dtype=bool, count=len(cells))


def _check_column(cells: np.ndarray, empty: np.ndarray, f, report) -> Any:
    """Type-check one column against the stored-file rules (values.STORED_*); invalid cells → missing."""
    if f.type == "text" or f.type == "id_list":
        return pd.Series(np.where(empty, None, cells), dtype=object)
    if f.type in ("int", "number"):
        return _check_numbers(cells, empty, f, report)
    if f.type == "date":
        form = _matches(cells, values.STORED_DATE_RE)
        report(~form & ~empty, f.key, "«{v}» er ikke en dato på formen ÅÅÅÅ-MM-DD")
        low, high = 1700, 2200  # pandas computes 1677-09-21..2262-04-11; the margin covers notice periods
        far = form & np.array([bool(ok) and not low <= int(v[:4]) <= high for v, ok in zip(cells, form, strict=True)], dtype=bool)
        report(far, f.key, f"«{{v}}» ligger utenfor årene {low}–{high}; er et siffer feil?")
        form = form & ~far
        dates = pd.to_datetime(pd.Series(np.where(form, cells, None), dtype=object), format="%Y-%m-%d", errors="coerce")
        report(form & dates.isna().to_numpy(), f.key, "«{v}» er ikke en gyldig kalenderdato")
        return dates.astype("datetime64[ns]")
    if f.type == "code":
        codes = list(code_list(f.codes))
        where = {c: i for i, c in enumerate(codes)}
        position = np.fromiter(map(where.get, cells, repeat(-1)), dtype=np.int64, count=len(cells))  # -1: not a code
        report((position < 0) & ~empty, f.key, f"«{{v}}» er ikke en gyldig kode; gyldige: {code_choices(f.codes)}")
        return pd.Categorical.from_codes(position, categories=codes)
    if f.type == "orgnr":
        bad = np.array([bool(v) and not orgnr_valid(v) for v in cells], dtype=bool)
        report(bad, f.key, "«{v}» er ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer mod 11)")
        return pd.Series(np.where(empty | bad, None, cells), dtype=object)
    raise ValueError(f"unknown field type {f.type}")  # a bug in schema.yaml, not user data


def _too_many_digits(cell: str) -> bool:
    return len(cell.split(".")[0].lstrip("-").lstrip("0")) > values.MAX_DIGITS


def _check_numbers(cells: np.ndarray, empty: np.ndarray, f, report) -> pd.Series:
    """`int` / `number` cells: stored spelling, at most MAX_DIGITS whole digits, min/max."""
    pattern = values.STORED_INT_RE if f.type == "int" else values.STORED_NUMBER_RE
    ok_form = _matches(cells, pattern) | empty
    what = "et heltall" if f.type == "int" else "et tall (punktum som desimaltegn, uten tusenskille)"
    report(~ok_form, f.key, f"«{{v}}» er ikke {what}")
    long = np.zeros(len(cells), dtype=bool)
    if len(cells) and max(map(len, cells)) > values.MAX_DIGITS:  # rare: only then cell by cell
        long = np.array([len(v) > values.MAX_DIGITS and _too_many_digits(v) for v in cells], dtype=bool) & ok_form
    report(long, f.key, f"«{{v}}» er for stort (høyst {values.MAX_DIGITS} sifre)")
    usable = ok_form & ~empty & ~long
    numbers = pd.to_numeric(pd.Series(np.where(usable, cells, None), dtype=object), errors="coerce").astype("float64")
    bad = np.zeros(len(cells), dtype=bool)
    if f.min is not None:
        low = (numbers < f.min).to_numpy()
        report(low, f.key, f"«{{v}}» er for lite (minst {limit(f.min)})")
        bad |= low
    if f.max is not None:
        high = (numbers > f.max).to_numpy()
        report(high, f.key, f"«{{v}}» er for stort (høyst {limit(f.max)})")
        bad |= high
    numbers = numbers.where(~bad)
    return numbers.astype("Int64") if f.type == "int" else numbers


def limit(x: float) -> str:
    """A field's limit as a person reads it: «0,5», «2000» (no thousands space: limits are often years)."""
    return formatting.decimal(x, max_decimals=6, sep="")


def _check_unique(out: pd.DataFrame, raw: pd.DataFrame, key: str, report) -> None:
    ids = out[key]
    present = ids.notna()
    dup = present & out.duplicated(["municipality", key], keep="first")
    if dup.any():
        first_line = out[present].drop_duplicates(["municipality", key]).set_index(["municipality", key])["line"]
        msgs = pd.Series("", index=out.index, dtype=object)
        for i in dup[dup].index:
            msgs.at[i] = f"«{ids.at[i]}» er brukt før, på linje {first_line.at[(out.at[i, 'municipality'], ids.at[i])]}"
        report(dup, key, msgs)


def _check_integrations(out: pd.DataFrame, raw: pd.DataFrame, key: str, report) -> None:
    """Every `;`-separated id in `integrations` must be a system_id of the same municipality."""
    if "integrations" not in out or not out["integrations"].notna().any():
        return
    refs = out["integrations"].dropna().str.split(";").explode().str.strip()
    refs = refs[refs != ""]
    known = pd.MultiIndex.from_arrays([out["municipality"], out[key]])
    wanted = pd.MultiIndex.from_arrays([out.loc[refs.index, "municipality"], refs])
    missing = refs[~wanted.isin(known)]
    if missing.empty:
        return
    msgs = pd.Series("", index=out.index, dtype=object)
    for i, ids in missing.groupby(level=0):
        msgs.at[i] = "peker på system-ID som ikke finnes i kommunens systems.csv: " + ", ".join(f"«{m}»" for m in ids)
    report(msgs != "", "integrations", msgs)


def validate_table_text(text: str, kind: str, number: str, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate the exact text that would be written for one municipality's table."""
    problems: list[Problem] = []
    spec = file_spec(kind)
    typed = check_tables(parse_tables([(number, label, text)], spec, problems), spec, problems)
    return typed, problems
