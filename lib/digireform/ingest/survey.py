"""Citizen survey on digital services: import, storage and privacy-safe aggregation.

Survey tools (Microsoft Forms, Nettskjema, Questback, SurveyXact …) export one row per
respondent and one column per question. `digireform import-survey FILE --municipality
NR` recognises the satisfaction questions (per service) and the channel-preference
question by their headers (keywords in data/survey.yaml), reads Likert answers given as
1–5 or as Norwegian words, drops columns that identify people, and stores a normalised
`survey.csv` in the municipality's folder (validated, atomic). Results are shown per
service and municipality only when they rest on at least `min_responses` answers.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd

from digireform import sync
from digireform.io import textio
from digireform.io.paths import resolve_data_dir
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path
from digireform.model.schema import normalise_token
from digireform.validate.survey import (
    PREFIX,
    channel_codes,
    format_survey,
    parse_stored,
    services,
    settings,
    stored_columns,
    survey_path,
)

# --------------------------------------------------------------------------- answers


def _likert_words() -> dict[str, int]:
    return {normalise_token(w): int(score) for score, words in settings()["likert"].items() for w in words}


def parse_likert(text: str) -> tuple[int | None, bool]:
    """(score 1–5 or None, ok). Accepts «4», «4 - Fornøyd», «Fornøyd»; «Vet ikke» is (None, True)."""
    t = normalise_token(text)
    if t == "" or t in {normalise_token(w) for w in settings()["no_answer"]}:
        return None, True
    m = re.match(r"^([1-5])(?:[.,]0+)?(?:\s*[-–:.)]\s*.*)?$", t)
    if m:
        return int(m[1]), True
    words = _likert_words()
    return (words[t], True) if t in words else (None, False)


def parse_channel(text: str) -> tuple[str | None, bool]:
    """(channel code or None, ok): exact code/label/alias first, then the longest alias contained."""
    t = normalise_token(text)
    if t == "" or t in {normalise_token(w) for w in settings()["no_answer"]}:
        return None, True
    spellings: list[tuple[str, str]] = []
    for code, spec in channel_codes().items():
        for s in [code, spec["label"], *spec.get("aliases", [])]:
            spellings.append((normalise_token(s), code))
    exact = dict(spellings)
    if t in exact:
        return exact[t], True
    for s, code in sorted(spellings, key=lambda sc: -len(sc[0])):
        if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", t):
            return code, True
    return None, False


# --------------------------------------------------------------------------- reading exports


def read_export(path: str | Path) -> pd.DataFrame:
    """The export as tidy strings, one row per respondent; `attrs["lines"]`: each row's line.

    Read like every text file (textio): UTF-8 with or without BOM, UTF-16 with BOM or
    Windows-1252; `;`, `,` or tab chosen by which gives the header's field count on every
    row (question texts with commas in a `;` export stay whole). A row with more filled
    fields than the header is refused naming its line; empty trailing fields are dropped.
    """
    p = Path(path)
    label = display_path(p)
    textio.check_import_file(p, label)
    text = textio.decode_import(p.read_bytes(), label)
    if not text.strip():
        raise DigireformError(f"{label}: filen er tom.")
    recs = textio.read_records(text, label, textio.detect_delimiter(text, label))
    if recs.problems:
        raise DigireformError(f"{label}:{recs.problems[0].line}: kan ikke leses som CSV: {recs.problems[0].message}.")
    header = _export_header([h.strip() for h in recs.records[0]], label)
    rows, lines = textio.tidy(recs.records[1:], recs.lines[1:])
    width, problems = len(header), []
    for k, (cells, line) in enumerate(zip(rows, lines, strict=True)):
        if len(cells) > width and any(cells[width:]):
            problems.append(Problem(label, line, "(rad)", f"har {len(cells)} felt, men overskriften har {width}"))
        rows[k] = (cells + [""] * width)[:width]
    if problems:
        raise ValidationError(f"Importerte ikke {label}: rader med flere felt enn overskriften.", problems)
    df = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    df.attrs["lines"] = lines
    return df


def _export_header(header: list[str], label: str) -> list[str]:
    """Header cells as column names: an empty one is «(kolonne N)»; a repeated one is refused."""
    names = [h or f"(kolonne {i + 1})" for i, h in enumerate(header)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise DigireformError(f"{label}:1: overskriften «{name}» står to ganger (kolonne {seen[name] + 1} og {i + 1}).")
        seen[name] = i
    return names


def classify_columns(headers: list[str]) -> dict[str, str]:
    """Header → `channel_preference`, `satisfaction_<service>`, `time`, `personal` or `ignored`."""
    s = settings()
    out: dict[str, str] = {}
    for h in headers:
        t = normalise_token(h)
        if any(w in t for w in s["channel_words"]):
            out[h] = "channel_preference"
        elif any(w in t for w in s["satisfaction_words"]) and (svc := _service_of(t)):
            out[h] = PREFIX + svc
        elif any(re.search(rf"(?<![\w-]){re.escape(w)}", t) for w in s["personal_columns"]):
            out[h] = "personal"
        elif any(w in t for w in s["time_columns"]):
            out[h] = "time"
        else:
            out[h] = "ignored"
    return out


def _service_of(header: str) -> str | None:
    for code, spec in services().items():
        if any(k in header for k in spec["keywords"]):
            return code
    return None


def _survey_id(raw: pd.DataFrame, time_cols: list[str], today: dt.date) -> str:
    """The year of the latest response time, else this year."""
    from dateutil import parser

    years = []
    for col in time_cols:
        for v in raw[col]:
            try:
                years.append(parser.parse(v, dayfirst="." in v).year)
            except (ValueError, OverflowError):
                continue
    return str(max(years)) if years else str(today.year)


def normalise_export(path: str | Path, today: dt.date | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The export as stored rows and notes about ignored columns; ValidationError on bad answers.

    Problems name the file, the line (header = 1), the column and the answer.
    """
    label = display_path(path)
    raw = read_export(path)
    kinds = classify_columns(list(raw.columns))
    targets = [k for k in kinds.values() if k == "channel_preference" or k.startswith(PREFIX)]
    if not targets:
        raise DigireformError(
            f"{label}: fant ingen spørsmål om tilfredshet per tjeneste eller foretrukket kanal. "
            f"Overskriftene må nevne en tjeneste (f.eks. {', '.join(list(services())[:3])}) og «fornøyd», "
            "eller «foretrekker»/«kanal»."
        )
    dup = {k for k in targets if targets.count(k) > 1}
    if dup:
        cols = [h for h, k in kinds.items() if k in dup]
        raise DigireformError(f"{label}: flere kolonner gjelder samme spørsmål: {', '.join(cols)}.")
    problems: list[Problem] = []
    out = pd.DataFrame(index=raw.index, columns=stored_columns(), dtype=object)
    as_other: list[str] = []
    for header, kind in kinds.items():
        if kind == "channel_preference":
            parsed = [_channel_or_other(v, as_other) for v in raw[header]]
            allowed = ""
        elif kind.startswith(PREFIX):
            parsed = [parse_likert(v) for v in raw[header]]
            allowed = "1–5 eller f.eks. «Svært fornøyd», «Fornøyd», «Vet ikke»"
        else:
            continue
        for i, (value, ok) in enumerate(parsed):
            if not ok:
                problems.append(Problem(label, raw.attrs["lines"][i], header, f"«{raw.at[i, header]}» er ikke et gyldig svar; gyldige: {allowed}"))
            out.at[i, kind] = value
    if problems:
        raise ValidationError(f"Importerte ikke {label}: svarene har feil.", problems)
    out["survey"] = _survey_id(raw, [h for h, k in kinds.items() if k == "time"], today or dt.date.today())
    out["respondent"] = range(1, len(out) + 1)
    notes = []
    personal = [h for h, k in kinds.items() if k == "personal"]
    ignored = [h for h, k in kinds.items() if k == "ignored"]
    if personal:
        notes.append(f"Tok ikke med kolonner med personopplysninger: {', '.join(personal)}.")
    if ignored:
        notes.append(f"Kjente ikke igjen (ikke importert): {', '.join(ignored)}.")
    if as_other:
        notes.append(_other_note(as_other))
    answered = out[[c for c in stored_columns()[2:]]].notna().any(axis=1)
    return out[answered].reset_index(drop=True).assign(respondent=lambda d: range(1, len(d) + 1)), notes


OTHER = "other"  # channel code for free-text answers that name no known channel
OTHER_EXAMPLES = 3


def _channel_or_other(text: str, unknown: list[str]) -> tuple[str | None, bool]:
    """A channel answer; one that names no known channel is `other` (and remembered in `unknown`)."""
    code, ok = parse_channel(text)
    if ok:
        return code, True
    unknown.append(text)
    return OTHER, True


def _other_note(answers: list[str]) -> str:
    """«3 svar om foretrukket kanal nevnte ingen kjent kanal (f.eks. «Facebook») …»."""
    examples = ", ".join(f"«{_short(a)}»" for a in list(dict.fromkeys(answers))[:OTHER_EXAMPLES])
    label = channel_codes()[OTHER]["label"]
    return (f"{len(answers)} svar om foretrukket kanal nevnte ingen kjent kanal "
            f"(f.eks. {examples}) og er lagret som «{label}».")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- stored file


def import_survey(path: str | Path, municipality: str, data_dir: Any = None,
                  today: dt.date | None = None) -> tuple[Path, pd.DataFrame, list[str]]:
    """Normalise an export and store it, replacing earlier answers of the same survey (year)."""
    root = resolve_data_dir(data_dir)
    number = str(municipality).strip()
    if not re.fullmatch(r"\d{4}", number):
        raise DigireformError(f"«{municipality}» er ikke et firesifret kommunenummer.")
    target = survey_path(root, number)
    rows, notes = normalise_export(path, today)
    if rows.empty:
        raise DigireformError(f"{display_path(path)}: ingen svar å importere.")
    sync.write_file(target, lambda current: _merged_text(target, current, rows))
    return target, rows, notes


def _merged_text(target: Path, current: bytes | None, rows: pd.DataFrame) -> str:
    """survey.csv with `rows` replacing earlier answers of the same survey (year), validated.

    Called under the save lock with the file as it is now, so answers another import stored
    meanwhile (another year) are kept.
    """
    label = display_path(target)
    if current is not None:
        problems: list[Problem] = []
        text = textio.decode_stored(current, label, problems)
        old = parse_stored(text, label, problems) if text is not None else None
        if problems or old is None:
            raise ValidationError(f"Importerte ikke: {label} har feil fra før.", problems)
        kept = old[old["survey"] != rows["survey"].iloc[0]].drop(columns="line")
        rows = pd.concat([kept, rows], ignore_index=True) if len(kept) else rows
    text = format_survey(rows)
    problems = []
    parse_stored(text, label, problems)
    if problems:
        raise ValidationError(f"Lagret ikke {label}: dataene har feil.", problems)
    return text


# --------------------------------------------------------------------------- results


