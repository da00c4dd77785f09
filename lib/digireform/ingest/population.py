"""Population by age band from Statistics Norway (SSB) table 07459, JSON-stat 2.0.

`digireform import-population FILE` reads a file saved from SSB's API (nothing is
downloaded here), sums single years of age into the four bands of kommune.yaml
(0-17, 18-66, 67-79, 80+; AGE_BANDS) and writes them, with year and source, into
each municipality's kommune.yaml that exists in the data folder. All profiles are
locked and validated before the first one is written, so a bad file changes nothing; the
write is `sync.write_files` (atomic, fingerprint-checked) and a round-trip, so only the
population lines of kommune.yaml change (comments, key order and layout stay). `--dry-run`
shows old → new per municipality and writes nothing; a total that changes by more than
`total_change_warning` (data/population.yaml) gives a warning. Every value in the file must
be a count of persons — a whole number ≥ 0, or null where JSON-stat allows a missing one —
else the import is refused naming the value's position and its categories (never rounded).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from digireform import sync
from digireform.io import textio
from digireform.io.paths import resolve_data_dir, scan_folders
from digireform.model import formatting
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path
from digireform.model.region import AGE_BANDS
from digireform.model.schema import package_yaml

TABLE = "07459"


def settings() -> dict[str, Any]:
    """Checks and limits of the import (data/population.yaml)."""
    return package_yaml("population.yaml")


CONTENT_CODE = "Personer1"  # «Personer» in table 07459
_AGE_RE = re.compile(r"^(\d{1,3})(\+)?$")
_REGION_RE = re.compile(r"^(?:K-)?(\d{4})$")


# --------------------------------------------------------------------------- JSON-stat


def read_jsonstat(path: str | Path) -> dict:
    """The file as a JSON object; DigireformError naming the file and position otherwise."""
    p = Path(path)
    label = display_path(p)
    textio.check_import_file(p, label)
    limit = settings()["max_file_bytes"]
    if p.stat().st_size > limit:
        raise DigireformError(f"{label}: filen er for stor ({formatting.number(p.stat().st_size)} byte; "
                              f"høyst {formatting.number(limit)}). Er dette en JSON-stat-fil fra SSB-tabell {TABLE}?")
    text = textio.decode_json(p.read_bytes(), label)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DigireformError(f"{label}:{exc.lineno}: ugyldig JSON (kolonne {exc.colno}): {exc.msg}") from None
    except RecursionError:  # json gives up on very deep nesting; a JSON-stat file is 5 levels deep
        raise DigireformError(f"{label}: JSON-fila er nestet for dypt (lister eller objekter inni hverandre "
                              f"i tusenvis av nivåer). Er dette en JSON-stat-fil fra SSB-tabell {TABLE}?") from None
    if not isinstance(data, dict):
        raise DigireformError(f"{label}: forventet et JSON-stat-datasett (et objekt), fant {type(data).__name__}.")
    return data


def _category_codes(dim: dict, name: str, label: str) -> list[str]:
    """Codes of a dimension in storage order (`index` may be a list or a code → position map)."""
    cat = dim.get("category") if isinstance(dim, dict) else None
    index = cat.get("index") if isinstance(cat, dict) else None
    if isinstance(index, list):
        return [str(c) for c in index]
    if isinstance(index, dict):
        return [str(c) for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
    if isinstance(cat, dict) and isinstance(cat.get("label"), dict) and len(cat["label"]) == 1:
        return [str(next(iter(cat["label"])))]  # a single category may omit index (JSON-stat 2.0)
    raise DigireformError(f"{label}: dimension.{name}.category.index mangler eller har feil form.")


def jsonstat_frame(data: dict, label: str = "JSON-stat") -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a long table: one column per dimension (codes) and `value`.

    Values are stored row-major: the last dimension in `id` varies fastest. `value` may be
    a list (dense) or an object position → value (sparse); null stays missing.
    """
    if data.get("class") != "dataset" or str(data.get("version", "")) != "2.0":
        raise DigireformError(f"{label}: ikke et JSON-stat 2.0-datasett (version «2.0», class «dataset» forventet).")
    ids, size, dims = data.get("id"), data.get("size"), data.get("dimension")
    if not (isinstance(ids, list) and isinstance(size, list) and isinstance(dims, dict) and len(ids) == len(size)):
        raise DigireformError(f"{label}: feltene id, size og dimension mangler eller passer ikke sammen.")
    codes = []
    for name, n in zip(ids, size, strict=True):
        if name not in dims:
            raise DigireformError(f"{label}: dimension.{name} mangler.")
        c = _category_codes(dims[name], name, label)
        if len(c) != n:
            raise DigireformError(f"{label}: dimension.{name} har {len(c)} kategorier, men size sier {n}.")
        codes.append(c)
    total = math.prod(size)
    if total > settings()["max_cells"]:
        raise DigireformError(f"{label}: datasettet har {formatting.number(total)} celler; høyst "
                              f"{formatting.number(settings()['max_cells'])} kan leses. Velg færre år eller regioner i SSB-tabellen.")
    values = _dense_values(data.get("value"), total, label)
    _check_counts(values, ids, codes, data, label)
    index = pd.MultiIndex.from_product(codes, names=ids)
    frame = index.to_frame(index=False)
    frame["value"] = pd.array(values, dtype="Float64")
    return frame


def _dense_values(value: Any, total: int, label: str) -> list[float | None]:
    if isinstance(value, dict):
        out: list[float | None] = [None] * total
        for pos, v in value.items():
            if not str(pos).isdigit() or int(pos) >= total:
                raise DigireformError(f"{label}: value har en ugyldig posisjon «{pos}».")
            out[int(pos)] = v
        values = out
    elif isinstance(value, list):
        if len(value) != total:
            raise DigireformError(f"{label}: value har {len(value)} tall, men dimensjonene gir {total} celler.")
        values = value
    else:
        raise DigireformError(f"{label}: value mangler.")
    return values


SHOWN_BAD_VALUES = 20  # refused counts listed one by one; the rest are counted


def _valid_count(v: Any) -> bool:
    """A count of persons: null (missing, as JSON-stat allows) or a whole number ≥ 0 (2.0 included)."""
    if v is None:
        return True
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    return v >= 0 and math.isfinite(v) and float(v).is_integer()


def _check_counts(values: list[Any], ids: list[str], codes: list[list[str]], data: dict, label: str) -> None:
    """Refuse every value that is not a count, naming its position and categories.

    A negative or fractional number of persons is an error in the file: rounding it, or
    storing it, would put a wrong population into kommune.yaml without a word.
    """
    bad = [i for i, v in enumerate(values) if not (type(v) is int and v >= 0) and not _valid_count(v)]  # fast path
    if not bad:
        return
    problems = [Problem(label, None, f"value[{i}] ({_position_text(i, ids, codes, data)})",
                        f"«{_shown(values[i])}» er ikke et helt antall personer (0 eller mer)")
                for i in bad[:SHOWN_BAD_VALUES]]
    more = f" (de første {SHOWN_BAD_VALUES} er vist)" if len(bad) > SHOWN_BAD_VALUES else ""
    raise ValidationError(f"Importerte ikke folketall: {label} har {formatting.number(len(bad))} "
                          f"verdier som ikke er hele antall personer{more}. Ingenting er lagret.", problems)


def _position_text(pos: int, ids: list[str], codes: list[list[str]], data: dict) -> str:
    """«Region «Evenes» (1853), Alder «3 år» (003), Tid «2025»» for a row-major position."""
    parts = []
    for name, cats in zip(reversed(ids), reversed(codes), strict=True):
        pos, k = divmod(pos, len(cats))
        code = cats[k]
        text = _labels(data, name).get(code, code)
        parts.append(f"{name} «{text}»" + (f" ({code})" if text != code else ""))
    return ", ".join(reversed(parts))


def _shown(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


# --------------------------------------------------------------------------- table 07459


def _band_bounds() -> list[tuple[str, int, int | None]]:
    """(band, first age, last age or None for open-ended) from AGE_BANDS, e.g. "67-79"."""
    out = []
    for band in AGE_BANDS:
        lo, _, hi = band.rstrip("+").partition("-")
        out.append((band, int(lo), int(hi) if hi else None))
    return out


def band_of(age: int) -> str:
    for band, lo, hi in _band_bounds():
        if age >= lo and (hi is None or age <= hi):
            return band
    raise ValueError(age)  # bands cover 0 and up; unreachable for ages >= 0


def age_bands_07459(data: dict, label: str = "07459", year: str | None = None) -> dict[str, dict]:
    """Municipality number → {year, total, age_bands, region_label} from a 07459 dataset.

    Sums over sex (Kjonn) and single years of age (Alder "000".."105+"); uses the
    `Personer1` content when there are several; takes `year` or the latest year in the
    file for which the municipality has figures. Regions that are not municipalities
    (the country, counties) are skipped. Ages must run without holes from 0 to an
    open-ended last age, otherwise the bands would be too small.
    """
    frame = jsonstat_frame(data, label)
    for need in ("Region", "Alder", "Tid"):
        if need not in frame:
            raise DigireformError(f"{label}: dimensjonen {need} mangler; er dette SSB-tabell {TABLE}?")
    if "ContentsCode" in frame:
        contents = frame["ContentsCode"].unique().tolist()
        if len(contents) > 1:
            if CONTENT_CODE not in contents:
                raise DigireformError(f"{label}: ContentsCode har {', '.join(contents)}, men ikke {CONTENT_CODE}.")
            frame = frame[frame["ContentsCode"] == CONTENT_CODE]
    ages = _parse_ages(frame["Alder"].unique().tolist(), label)
    frame = frame[frame["Alder"].isin(ages)]
    frame = frame.assign(band=frame["Alder"].map(lambda a: band_of(ages[a])))
    frame = frame.assign(number=frame["Region"].map(lambda r: m[1] if (m := _REGION_RE.match(str(r))) else None))
    frame = frame[frame["number"].notna()]
    if year is not None:
        frame = frame[frame["Tid"] == str(year)]
        if frame.empty:
            raise DigireformError(f"{label}: året {year} finnes ikke i filen.")
    region_labels = _labels(data, "Region")
    out: dict[str, dict] = {}
    for number, part in frame.groupby("number", sort=True):
        years = sorted(t for t, g in part.groupby("Tid") if g["value"].notna().any())
        if not years:
            continue
        chosen = part[part["Tid"] == years[-1]]
        missing = chosen[chosen["value"].isna()]
        if len(missing):
            ages_missing = ", ".join(sorted(missing["Alder"].unique())[:5])
            raise DigireformError(f"{label}: Region {number}, år {years[-1]}: tall mangler for alder {ages_missing}.")
        sums = chosen.groupby("band")["value"].sum()
        bands = {b: int(round(float(sums.get(b, 0)))) for b in AGE_BANDS}
        out[str(number)] = {
            "year": int(years[-1]), "total": sum(bands.values()), "age_bands": bands,
            "region_label": region_labels.get(str(part["Region"].iloc[0]), str(number)),
        }
    return out


def _parse_ages(codes: list[str], label: str) -> dict[str, int]:
    """Age code → age for single-year codes; checks 0..N without holes and an open top."""
    ages: dict[str, int] = {}
    open_top = None
    for code in codes:
        m = _AGE_RE.match(str(code))
        if not m:
            continue  # totals or other groupings are not summed
        ages[code] = int(m[1])
        if m[2]:
            open_top = int(m[1])
    if not ages:
        raise DigireformError(f"{label}: dimensjonen Alder har ingen ettårige aldre («000» … «105+»).")
    have = set(ages.values())
    top = max(have)
    holes = [a for a in range(0, top + 1) if a not in have]
    if holes:
        shown = ", ".join(f"{a:03d}" for a in holes[:5]) + (" …" if len(holes) > 5 else "")
        raise DigireformError(
            f"{label}: Alder mangler {shown}; velg alle aldre i SSB-tabellen, ellers blir aldersgruppene for små."
        )
    if open_top != top:
        raise DigireformError(f"{label}: høyeste alder ({top:03d}) er ikke åpen («{top:03d}+»); velg alle aldre.")
    return ages


def _labels(data: dict, dim: str) -> dict[str, str]:
    lab = ((data.get("dimension") or {}).get(dim) or {}).get("category", {}).get("label")
    return {str(k): str(v) for k, v in lab.items()} if isinstance(lab, dict) else {}


def source_text(data: dict, year: int) -> str:
    """Human source line stored in kommune.yaml population.source."""
    updated = str(data.get("updated") or "")[:10]
    return f"SSB tabell {TABLE}, folkemengde 1.1.{year}" + (f" (oppdatert {updated})" if updated else "")


# --------------------------------------------------------------------------- import


BAND_LABELS = {"0-17": "0–17 år", "18-66": "18–66 år", "67-79": "67–79 år", "80+": "80 år og eldre"}


@dataclass
class PopulationChange:
    """One municipality's population in kommune.yaml: as stored (None: none yet) and as imported."""

    number: str
    name: str
    path: Path
    old: dict | None
    new: dict

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def lines(self) -> list[str]:
        """Norwegian «label: old → new» for each value that differs."""
        old = self.old if isinstance(self.old, dict) else {}
        old_bands = old.get("age_bands") if isinstance(old.get("age_bands"), dict) else {}
        pairs = [("Folketall", old.get("total"), self.new["total"], _count),
                 ("År", old.get("year"), self.new["year"], _year)]  # a year, not an amount: no thousands space
        pairs += [(BAND_LABELS[b], old_bands.get(b), v, _count) for b, v in self.new["age_bands"].items()]
        out = [f"{label}: {show(a)} → {show(b)}" for label, a, b, show in pairs if a != b]
        if old.get("source") != self.new["source"]:
            out.append(f"Kilde: {_quoted(old.get('source'))} → {_quoted(self.new['source'])}")
        return out

    def warning(self) -> str | None:
        """A total that changes by more than the threshold: probably the wrong file or year."""
        old_total = (self.old or {}).get("total") if isinstance(self.old, dict) else None
        share = settings()["total_change_warning"]
        if not _is_count(old_total) or not old_total:
            return None
        change = (self.new["total"] - old_total) / old_total
        if abs(change) <= share:
            return None
        return (f"Advarsel: {self.name} ({self.number}): folketallet endres med mer enn "
                f"{formatting.percent(share)}: {_count(old_total)} → {_count(self.new['total'])} "
                f"({'+' if change > 0 else '−'}{formatting.percent(abs(change))}). "
                "Kontroller at fila gjelder riktig kommune, år og alle aldre.")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: Any) -> str:
    return formatting.number(value) if _is_count(value) else ("(tom)" if value is None else f"«{value}»")


def _year(value: Any) -> str:
    return str(value) if _is_count(value) else _count(value)


def _quoted(value: Any) -> str:
    return "(tom)" if value in (None, "") else f"«{value}»"


@dataclass
class PopulationResult:
    changes: list[PopulationChange]  # municipalities in the data folder, in number order
    skipped: list[str]  # numbers in the file without a folder
    dry_run: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def updated(self) -> list[str]:
        return [c.number for c in self.changes if c.changed]


def import_population(path: str | Path, data_dir: Any = None, dry_run: bool = False) -> PopulationResult:
    """Write age bands from `path` into each matching kommune.yaml (unless `dry_run`).

    All profiles are locked, re-read and validated before anything is written; only the
    `population` key changes, and the rest of each file (comments included) stays as it is.
    """
    root = resolve_data_dir(data_dir)
    label = display_path(path)
    data = read_jsonstat(path)
    figures = age_bands_07459(data, label)
    if not figures:
        raise DigireformError(f"{label}: filen har ingen kommunetall (Region med firesifret kommunenummer).")
    scan = scan_folders(root)
    doubled = [n for n in sorted(figures) if n in scan.duplicates]
    if doubled:  # not «uten mappe»: which of the folders holds the truth is not ours to guess
        raise DigireformError(f"Importerte ikke folketall fra {label}: " + "; ".join(
            f"kommune {n} har flere mapper ({', '.join(display_path(f) for f in scan.duplicates[n])})"
            for n in doubled) + ". Behold én mappe per kommune. Ingenting er lagret.")
    have = {f.name[:4] for f in scan.folders}
    numbers = [n for n in sorted(figures) if n in have]
    changes: dict[str, PopulationChange] = {}
    problems: list[Problem] = []

    def job(number: str) -> tuple[Path, sync.Render]:
        target = sync.profile_path(root, number)
        new = {"year": figures[number]["year"], "source": source_text(data, figures[number]["year"]),
               "total": figures[number]["total"], "age_bands": figures[number]["age_bands"]}

        def render(current: bytes | None) -> str | None:
            change, text = _render_one(target, number, current, new, figures[number]["region_label"], problems)
            changes[number] = change
            return text if change.changed else None

        return target, render

    def refuse_on_problems() -> None:
        if problems:
            raise ValidationError("Importerte ikke folketall: resultatet ville gitt feil i kommune.yaml.", problems)

    jobs = [job(n) for n in numbers]
    if dry_run:
        for target, render in jobs:
            render(sync.read_current(target))
        refuse_on_problems()
    else:
        sync.write_files(jobs, before_write=refuse_on_problems)
    ordered = [changes[n] for n in numbers]
    warnings = [w for c in ordered if (w := c.warning())]
    return PopulationResult(ordered, sorted(set(figures) - set(numbers)), dry_run, warnings)


def _render_one(target: Path, number: str, current: bytes | None, new: dict, region_label: str,
                problems: list[Problem]) -> tuple[PopulationChange, str]:
    """The change for one kommune.yaml and its new text ("" when it would not validate)."""
    profile = sync.parse_mapping(target, current)
    change = PopulationChange(number, str(profile.get("name") or region_label), target, profile.get("population"), new)
    try:
        text = sync.render_profile(target, number, current, {**profile, "population": new})
    except ValidationError as exc:
        problems.extend(exc.problems)
        text = ""
    return change, text


def municipalities(n: int) -> str:
    """«1 kommune», «2 kommuner»: the count with the noun in the right number."""
    return formatting.count(n, "kommune", "kommuner")


def format_result(result: PopulationResult, source: str) -> str:
    """Norwegian summary: per municipality old → new; «Prøvekjøring …» for a dry run."""
    lines = [f"Prøvekjøring: {source}. Ingenting er lagret."] if result.dry_run else []
    for c in result.changes:
        head = f"{c.name} ({c.number}), {display_path(c.path)}"
        if not c.changed:
            lines.append(f"{head}: uendret.")
            continue
        lines.append(f"{head}:")
        lines += [f"  {line}" for line in c.lines()]
    verb = "Ville oppdatert" if result.dry_run else "Oppdaterte"
    lines.append(f"{verb} aldersgrupper for {municipalities(len(result.updated))}"
                 + (f": {', '.join(result.updated)}." if result.updated else "."))
    return "\n".join(lines)
