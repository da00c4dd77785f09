"""Tender definitions: procurement/tenders/<slug>.yaml, loaded and validated.

A tender file says who buys (host municipality = vertskommune, participants), what
(scope by service area, welfare category and product; lots), on which terms (contract
type, years, options), how offers are judged (award criteria, weights summing to 100)
and when (timeline). Every problem names the file and line, because these files are
written by hand by procurement staff.

Schema (all keys; * = required)::

    title*: Felles anskaffelse av velferdsteknologi 2027
    reference: "2027/0042"                 # saksnummer, optional
    description*: >                         # what is bought and why (shown first in the document)
      ...
    rationale: ...                          # why this tender (e.g. the overlap that motivates it)
    status: planlagt                        # planlagt | kunngjort | avlyst (data/tender.yaml)
    host*: "1806"                           # vertskommune, four digits in quotes
    participants*: ["1806", "1853"]         # must include the host
    language: bokmal                        # optional: bokmal | nynorsk; default from the host's
                                            # official language form (register)
    scope*:                                 # at least one of the three lists
      service_areas: [helse_velferd]        # schema.yaml code list service_area
      welfare_categories: [trygghetsalarm]  # schema.yaml code list welfare_category
      products: ["Visma Flyt Skole"]        # systems to replace, by (canonical) product name
    lots:                                   # delkontrakter; optional
      - id: "1"
        title: Trygghetsalarm og responssenter
        description: ...
        welfare_categories: [trygghetsalarm, responssenter]   # subset of scope
        service_areas: []
    contract*:
      type: SSA-L                           # data/tender.yaml contract_types
      years: 4                              # fixed period
      option_years: 2                       # options to extend, in total
      start: 2027-09-01
    estimated_value_nok: 12000000           # optional stated value (excl. VAT) ...
    estimated_value_note: ...               # ... and how it was estimated
    cpv: "48190000-6"                       # optional main CPV code; default from data/tender.yaml
    award_criteria*:                        # weights must sum to 100
      - {code: pris, weight: 40}
      - {code: kvalitet, weight: 30, description: ...}
      - {code: miljo, weight: 30, reason: ...}   # reason: required when climate < 30 (FOA § 7-9)
    timeline*:
      publication: 2027-01-15               # tender date: thresholds are those valid on it
      questions_deadline: 2027-02-05
      tender_deadline: 2027-02-26
      award: 2027-04-01
    requirements:
      include: [GDPR-12]                    # besides those selected by scope
      exclude: [MIL-03]
      weights: {UU-05: 8}                   # override the library weight of a BØR requirement
    publication:                            # overrides of data/tender.yaml publication
      ocid_prefix: ocds-xxxxxx
      base_url: https://www.narvik.kommune.no/anbud/
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digireform.io.yamlio import InvalidDate, LineDict, load_with_lines
from digireform.model import register
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, package_yaml

TOP_KEYS = (
    "title", "reference", "description", "rationale", "status", "host", "participants", "language", "scope",
    "lots", "contract", "estimated_value_nok", "estimated_value_note", "cpv", "award_criteria", "timeline",
    "requirements", "publication",
)
REQUIRED = ("title", "description", "host", "participants", "scope", "contract", "award_criteria", "timeline")
TIMELINE_KEYS = ("publication", "questions_deadline", "tender_deadline", "award")
LANGUAGES = ("bokmal", "nynorsk")
CPV_RE = re.compile(r"^\d{8}-\d$")


def defaults() -> dict:
    """data/tender.yaml: publication defaults, award-criteria labels, CPV and contract types."""
    return package_yaml("tender.yaml")


@dataclass(frozen=True)
class AwardCriterion:
    code: str
    label: str
    weight: float
    description: str = ""
    reason: str = ""
    ocds_type: str = "quality"
    climate: bool = False


@dataclass(frozen=True)
class Lot:
    id: str
    title: str
    description: str = ""
    service_areas: tuple[str, ...] = ()
    welfare_categories: tuple[str, ...] = ()


@dataclass
class TenderDefinition:
    """A validated tender file. `lines` maps dotted keys to their line for later messages."""

    path: Path
    slug: str
    title: str
    description: str
    host: str
    participants: list[str]
    service_areas: list[str]
    welfare_categories: list[str]
    products: list[str]
    contract_type: str
    years: int
    option_years: int
    contract_start: dt.date
    award_criteria: list[AwardCriterion]
    timeline: dict[str, dt.date]
    reference: str = ""
    rationale: str = ""
    status: str = "planlagt"
    language: str | None = None
    lots: list[Lot] = field(default_factory=list)
    estimated_value_nok: float | None = None
    estimated_value_note: str = ""
    cpv: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    publication: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)

    @property
    def date(self) -> dt.date:
        """The tender's date (publication): thresholds valid on this day apply."""
        return self.timeline["publication"]

    @property
    def scope_codes(self) -> set[str]:
        return set(self.service_areas) | set(self.welfare_categories)

    @property
    def label(self) -> str:
        return display_path(self.path)

    def problem(self, key: str, message: str) -> Problem:
        """A Problem pointing at the line of `key` (dotted) in this tender file."""
        return Problem(self.label, self.lines.get(key) or self.lines.get(key.split(".")[0]), key, message)


class _Checker:
    """Collects problems with lines while reading one tender file."""

    def __init__(self, label: str):
        self.label = label
        self.problems: list[Problem] = []
        self.lines: dict[str, int | None] = {}

    def add(self, obj: Any, key: str, field_name: str, message: str) -> None:
        line = obj.line_of(key) if isinstance(obj, LineDict) else None
        self.problems.append(Problem(self.label, line, field_name, message))

    def unknown_keys(self, obj: Any, allowed: Any, prefix: str = "") -> None:
        """A problem for every key of `obj` that is not in `allowed` (a typo would be ignored)."""
        names = ", ".join(allowed)
        for key in obj:
            if key not in allowed:
                self.add(obj, str(key), f"{prefix}{key}", f"ukjent nøkkel; gyldige: {names}")

    def remember(self, obj: Any, prefix: str = "") -> None:
        if isinstance(obj, LineDict):
            for key in obj:
                self.lines[f"{prefix}{key}"] = obj.line_of(str(key))


def load_tender(path: str | Path, known_numbers: set[str] | None = None) -> TenderDefinition:
    """Read and validate a tender file; ValidationError lists every problem with its line.

    `known_numbers` are the municipalities in the data folder; participants outside it are
    reported (their data would be missing from the document).
    """
    path = Path(path)
    label = display_path(path)
    if not path.is_file():
        raise ValidationError(f"Anbudsfila {label} finnes ikke.")
    problems: list[Problem] = []
    data = load_with_lines(path, problems)
    if problems:
        raise ValidationError(f"Anbudsfila {label} kan ikke leses:", problems)
    if not isinstance(data, LineDict):
        raise ValidationError(f"Anbudsfila {label} har feil:", [Problem(label, 1, "(fil)", "skal være en tabell med nøkler (title, host, …)")])
    c = _Checker(label)
    c.remember(data)
    tender = _parse(path, data, c, known_numbers)
    if c.problems:
        raise ValidationError(f"Anbudsfila {label} har feil:", c.problems)
    assert tender is not None
    return tender


def _parse(path: Path, d: LineDict, c: _Checker, known: set[str] | None) -> TenderDefinition | None:
    c.unknown_keys(d, TOP_KEYS)
    for key in REQUIRED:
        if d.get(key) in (None, "", [], {}):
            c.add(d, key, key, "mangler (påkrevd felt)")
    for key in ("title", "description", "rationale", "reference", "estimated_value_note"):
        if d.get(key) is not None and not isinstance(d.get(key), str):
            c.add(d, key, key, "skal være tekst")
    host = _number(d.get("host"), d, "host", c) if d.get("host") is not None else None
    participants = _participants(d, c, host, known)
    scope = _scope(d.get("scope"), d, c)
    lots = _lots(d.get("lots"), d, c, scope)
    contract = _contract(d.get("contract"), d, c)
    criteria = _criteria(d.get("award_criteria"), d, c)
    timeline = _timeline(d.get("timeline"), d, c)
    reqs = _requirement_selection(d.get("requirements"), d, c)
    publication = _publication(d.get("publication"), d, c)
    status = str(d.get("status") or "planlagt")
    if status not in defaults()["statuses"]:
        c.add(d, "status", "status", f"«{status}» er ikke gyldig; gyldige: {', '.join(defaults()['statuses'])}")
    language = d.get("language")
    if language is not None and language not in LANGUAGES:
        c.add(d, "language", "language", f"«{language}» er ikke gyldig; bruk bokmal eller nynorsk")
    value = d.get("estimated_value_nok")
    if value is not None and not _amount(value, 0, float("inf")):
        c.add(d, "estimated_value_nok", "estimated_value_nok", f"«{value}» er ikke et beløp ≥ 0 (kr eks. mva, uten mellomrom)")
    cpv = d.get("cpv")
    if cpv is not None and not (isinstance(cpv, str) and CPV_RE.match(cpv)):
        c.add(d, "cpv", "cpv", f"«{cpv}» er ikke en CPV-kode på formen 12345678-9 (skriv den i anførselstegn)")
    if c.problems:
        return None
    contract_start = contract["start"]
    if contract_start <= timeline["publication"]:
        c.add(d.get("contract"), "start", "contract.start", "kontraktsstart må være etter kunngjøringsdatoen (timeline.publication)")
        return None
    return TenderDefinition(
        path=path, slug=path.stem, title=d["title"].strip(), description=d["description"].strip(), host=host,
        participants=participants, service_areas=scope[0], welfare_categories=scope[1], products=scope[2],
        contract_type=contract["type"], years=contract["years"], option_years=contract["option_years"],
        contract_start=contract_start, award_criteria=criteria, timeline=timeline,
        reference=(d.get("reference") or "").strip(), rationale=(d.get("rationale") or "").strip(), status=status,
        language=language, lots=lots, estimated_value_nok=float(value) if value is not None else None,
        estimated_value_note=(d.get("estimated_value_note") or "").strip(), cpv=cpv,
        include=reqs[0], exclude=reqs[1], weights=reqs[2], publication=publication, lines=c.lines,
    )


def _number(value: Any, obj: Any, key: str, c: _Checker) -> str | None:
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{4}", text):
        c.add(obj, key, key, f"«{value}» er ikke et firesifret kommunenummer (skriv det i anførselstegn, f.eks. \"1806\")")
        return None
    if register.get(text) is None:
        c.add(obj, key, key, f"kommunenummer {text} finnes ikke i kommuneregisteret (2025)")
        return None
    return text


def _participants(d: LineDict, c: _Checker, host: str | None, known: set[str] | None) -> list[str]:
    raw = d.get("participants")
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.add(d, "participants", "participants", "skal være en liste med kommunenummer")
        return []
    out: list[str] = []
    for value in raw:
        nr = _number(value, d, "participants", c)
        if nr is None:
            continue
        if nr in out:
            c.add(d, "participants", "participants", f"{nr} står to ganger")
        elif known is not None and nr not in known:
            c.add(d, "participants", "participants", f"kommune {nr} har ingen mappe under municipalities/ i datamappen")
        out.append(nr)
    if host and out and host not in out:
        c.add(d, "host", "host", f"vertskommunen {host} må også stå blant deltakerne (participants)")
    return out


def _codes(value: Any, obj: Any, key: str, field_name: str, list_name: str, c: _Checker) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(obj, key, field_name, "skal være en liste med koder")
        return []
    codes = code_list(list_name)
    bad = [v for v in value if v not in codes]
    if bad:
        c.add(obj, key, field_name, f"ukjent kode {', '.join(f'«{b}»' for b in bad)}; gyldige: {', '.join(codes)}")
    return [v for v in value if v in codes]


def _scope(raw: Any, d: LineDict, c: _Checker) -> tuple[list[str], list[str], list[str]]:
    if raw is None:
        return [], [], []
    if not isinstance(raw, LineDict):
        c.add(d, "scope", "scope", "skal være en tabell med service_areas, welfare_categories og/eller products")
        return [], [], []
    c.remember(raw, "scope.")
    c.unknown_keys(raw, ("service_areas", "welfare_categories", "products"), "scope.")
    areas = _codes(raw.get("service_areas"), raw, "service_areas", "scope.service_areas", SERVICE_AREAS, c)
    welfare = _codes(raw.get("welfare_categories"), raw, "welfare_categories", "scope.welfare_categories", WELFARE_CATEGORIES, c)
    products = raw.get("products") or []
    if not isinstance(products, list) or not all(isinstance(p, str) and p.strip() for p in products):
        c.add(raw, "products", "scope.products", "skal være en liste med produktnavn")
        products = []
    if not (areas or welfare or products):
        c.add(d, "scope", "scope", "oppgi minst ett tjenesteområde, én velferdsteknologikategori eller ett produkt")
    return areas, welfare, [p.strip() for p in products]


def _lots(raw: Any, d: LineDict, c: _Checker, scope: tuple[list[str], list[str], list[str]]) -> list[Lot]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, LineDict) for x in raw):
        c.add(d, "lots", "lots", "skal være en liste av delkontrakter {id, title, …}")
        return []
    lots, ids = [], set()
    for item in raw:
        c.unknown_keys(item, ("id", "title", "description", "service_areas", "welfare_categories"), "lots.")
        raw_id = item.get("id")
        usable = isinstance(raw_id, str | int | None) and not isinstance(raw_id, bool)
        lot_id = str(raw_id or "").strip() if usable else ""
        if not usable:
            c.add(item, "id", "lots.id", f"«{raw_id}» er ikke en ID (tekst eller tall)")
        elif not lot_id:
            c.add(item, "id", "lots.id", "mangler (påkrevd felt)")
        elif lot_id in ids:
            c.add(item, "id", "lots.id", f"«{lot_id}» er brukt før")
        ids.add(lot_id)
        if not isinstance(item.get("title"), str) or not item["title"].strip():
            c.add(item, "title", "lots.title", "mangler (påkrevd felt)")
        areas = _codes(item.get("service_areas"), item, "service_areas", "lots.service_areas", SERVICE_AREAS, c)
        welfare = _codes(item.get("welfare_categories"), item, "welfare_categories", "lots.welfare_categories", WELFARE_CATEGORIES, c)
        outside = [x for x in areas if x not in scope[0]] + [x for x in welfare if x not in scope[1]]
        if outside:
            c.add(item, "welfare_categories" if welfare else "service_areas", "lots",
                  f"{', '.join(outside)} står ikke i anbudets scope")
        lots.append(Lot(lot_id, str(item.get("title") or "").strip(), str(item.get("description") or "").strip(),
                        tuple(areas), tuple(welfare)))
    return lots


def _contract(raw: Any, d: LineDict, c: _Checker) -> dict:
    out = {"type": "", "years": 0, "option_years": 0, "start": dt.date.min}
    if raw is None:
        return out
    if not isinstance(raw, LineDict):
        c.add(d, "contract", "contract", "skal være en tabell med type, years, option_years og start")
        return out
    c.remember(raw, "contract.")
    types = defaults()["contract_types"]
    c.unknown_keys(raw, tuple(out), "contract.")
    if not isinstance(raw.get("type"), str) or raw.get("type") not in types:
        c.add(raw, "type", "contract.type", f"«{raw.get('type')}» er ikke gyldig; gyldige: {', '.join(types)}")
    else:
        out["type"] = raw["type"]
    for key, low in (("years", 1), ("option_years", 0)):
        v = raw.get(key, 0 if key == "option_years" else None)
        if isinstance(v, bool) or not isinstance(v, int) or v < low or v > 20:
            c.add(raw, key, f"contract.{key}", f"«{v}» er ikke et helt antall år ({low}–20)")
        else:
            out[key] = v
    if not isinstance(raw.get("start"), dt.date) or isinstance(raw.get("start"), dt.datetime):
        c.add(raw, "start", "contract.start", not_a_date(raw.get("start")))
    elif not _plausible(raw["start"]):
        c.add(raw, "start", "contract.start", _implausible(raw["start"]))
    else:
        out["start"] = raw["start"]
    return out


def _criteria(raw: Any, d: LineDict, c: _Checker) -> list[AwardCriterion]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw or not all(isinstance(x, LineDict) for x in raw):
        c.add(d, "award_criteria", "award_criteria", "skal være en liste av {code, weight}")
        return []
    known = defaults()["award_criteria"]
    out, codes = [], set()
    for item in raw:
        c.unknown_keys(item, ("code", "label", "weight", "description", "reason"), "award_criteria.")
        for key in ("code", "label", "description", "reason"):
            if item.get(key) is not None and not isinstance(item.get(key), str):
                c.add(item, key, f"award_criteria.{key}", "skal være tekst")
        code = str(item.get("code") or "").strip()
        spec = known.get(code)
        if spec is None and not item.get("label"):
            c.add(item, "code", "award_criteria.code",
                  f"«{code}» er ikke et kjent kriterium ({', '.join(known)}); et eget kriterium trenger label")
            spec = {}
        if code in codes:
            c.add(item, "code", "award_criteria.code", f"«{code}» står to ganger")
        codes.add(code)
        w = item.get("weight")
        if not _amount(w, 0, 100):
            c.add(item, "weight", "award_criteria.weight", f"«{w}» er ikke en vekt i prosent (0–100)")
            w = 0
        spec = spec or {}
        out.append(AwardCriterion(code, str(item.get("label") or spec.get("label") or code), float(w),
                                  str(item.get("description") or "").strip(), str(item.get("reason") or "").strip(),
                                  spec.get("ocds_type", "quality"), bool(spec.get("climate", False))))
    total = sum(a.weight for a in out)
    if out and abs(total - 100) > 1e-9:
        c.add(d, "award_criteria", "award_criteria", f"vektene summerer til {total:g} %, ikke 100 %")
    return out


def _amount(value: Any, low: float, high: float) -> bool:
    """A finite number in [low, high] (YAML's .nan and .inf are numbers too, but no amount)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and low <= value <= high


def not_a_date(value: Any) -> str:
    """The message for a value that should be a date: an impossible day says so."""
    if isinstance(value, InvalidDate):
        return f"ugyldig dato «{value}»: dagen finnes ikke i kalenderen (ÅÅÅÅ-MM-DD)"
    return f"«{value}» er ikke en dato ÅÅÅÅ-MM-DD"


def _plausible(day: dt.date) -> bool:
    span = defaults()["date_years"]
    return span["min"] <= day.year <= span["max"]


def _implausible(day: dt.date) -> str:
    span = defaults()["date_years"]
    return f"{day.isoformat()} ligger utenfor årene {span['min']}–{span['max']}; er et siffer feil?"


def _timeline(raw: Any, d: LineDict, c: _Checker) -> dict[str, dt.date]:
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        c.add(d, "timeline", "timeline", f"skal være en tabell med {', '.join(TIMELINE_KEYS)}")
        return {}
    c.remember(raw, "timeline.")
    out: dict[str, dt.date] = {}
    for key, value in raw.items():
        if key not in TIMELINE_KEYS:
            c.add(raw, str(key), f"timeline.{key}", f"ukjent nøkkel; gyldige: {', '.join(TIMELINE_KEYS)}")
        elif isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            c.add(raw, key, f"timeline.{key}", not_a_date(value))
        elif not _plausible(value):
            c.add(raw, key, f"timeline.{key}", _implausible(value))
        else:
            out[key] = value
    for key in ("publication", "tender_deadline"):
        if key not in raw:
            c.add(raw, key, f"timeline.{key}", "mangler (påkrevd felt)")
    order = [k for k in TIMELINE_KEYS if k in out]
    for a, b in zip(order, order[1:], strict=False):
        if out[b] < out[a]:
            c.add(raw, b, f"timeline.{b}", f"{out[b].isoformat()} er før {a} ({out[a].isoformat()})")
    return out


def _requirement_selection(raw: Any, d: LineDict, c: _Checker) -> tuple[list[str], list[str], dict[str, float]]:
    if raw is None:
        return [], [], {}
    if not isinstance(raw, LineDict):
        c.add(d, "requirements", "requirements", "skal være en tabell med include, exclude og weights")
        return [], [], {}
    c.remember(raw, "requirements.")
    lists = []
    for key in ("include", "exclude"):
        v = raw.get(key) or []
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            c.add(raw, key, f"requirements.{key}", "skal være en liste med krav-ID-er")
            v = []
        lists.append([x.strip() for x in v])
    both = set(lists[0]) & set(lists[1])
    if both:
        c.add(raw, "exclude", "requirements.exclude", f"{', '.join(sorted(both))} står både i include og exclude")
    weights = raw.get("weights") or {}
    if not isinstance(weights, dict):
        c.add(raw, "weights", "requirements.weights", "skal være en tabell krav-ID → vekt")
        weights = {}
    for rid, w in weights.items():
        if not _amount(w, 0, float("inf")) or w <= 0:
            c.add(weights, rid, "requirements.weights", f"vekten for {rid} («{w}») er ikke et positivt tall")
    c.unknown_keys(raw, ("include", "exclude", "weights"), "requirements.")
    return lists[0], lists[1], {str(k): float(v) for k, v in weights.items() if isinstance(v, int | float)}


def _publication(raw: Any, d: LineDict, c: _Checker) -> dict:
    merged = dict(defaults()["publication"])
    if raw is None:
        return merged
    if not isinstance(raw, LineDict):
        c.add(d, "publication", "publication", "skal være en tabell (ocid_prefix, base_url, …)")
        return merged
    for key, value in raw.items():
        if key not in merged:
            c.add(raw, str(key), f"publication.{key}", f"ukjent nøkkel; gyldige: {', '.join(merged)}")
        merged[key] = value
    if not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", str(merged["base_url"])):
        c.add(raw, "base_url", "publication.base_url", f"«{merged['base_url']}» er ikke en absolutt URL (https://…)")
    if not re.fullmatch(r"ocds-[a-z0-9]{6}", str(merged["ocid_prefix"])):
        c.add(raw, "ocid_prefix", "publication.ocid_prefix", f"«{merged['ocid_prefix']}» er ikke et OCDS-prefiks på formen ocds-xxxxxx")
    if not str(merged["base_url"]).endswith("/"):
        merged["base_url"] = str(merged["base_url"]) + "/"
    return merged
