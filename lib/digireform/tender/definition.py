"""Tender definitions: procurement/tenders/<slug>.yaml, loaded and validated.

A tender file says who buys (host municipality = vertskommune, participants), what
(scope by service area, welfare category and product; lots), on which terms (contract
type, years, options), how offers are judged (award criteria, weights summing to 100)
and when (timeline). Every problem names the file and line, because these files are
written by hand by procurement staff.

The file's shape, every key with its Norwegian title and description, is the JSON Schema
`model/data/schemas/tender.schema.yaml`; `validate.schema` checks it. What a schema cannot
say is checked here after it (`_rules`): numbers in the municipality register, the host
among the participants, lots within the scope, unique lot ids and criterion codes, weights
summing to 100 (the rule `vekter_summerer_til_100` of procurement_rules.yaml), dates within
tender.yaml's years and in order. A file that fails these cannot be read at all; the
procurement rules that judge a readable tender (deadlines, procedure, value, …) are
`tender.rules`, run when it is built.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digireform.io.yamlio import line_at, load_with_lines
from digireform.model import formatting, register
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.schema import package_yaml
from digireform.tender.procedures import Procedure, procedure, rule
from digireform.validate.schema import SchemaCheck, as_date

SCHEMA = "tender"
# The timeline's dates in the order they must follow each other (each may be left out but
# publication and tender_deadline); questions_deadline and offer_validity are checked apart.
TIMELINE_ORDER = ("publication", "participation_deadline", "invitation", "tender_deadline", "award", "signing")
TIMELINE_KEYS = ("publication", "questions_deadline", "participation_deadline", "invitation", "tender_deadline",
                 "offer_validity", "award", "signing")


def defaults() -> dict:
    """data/tender.yaml: publication defaults, award-criteria labels, CPV and contract types."""
    return package_yaml("tender.yaml")


@dataclass(frozen=True)
class AwardCriterion:
    code: str
    label: str
    weight: float
    description: str = ""
    reason: str = ""  # the climate criterion: the stated FOA § 7-9 exception's reason
    ocds_type: str = "quality"
    climate: bool = False
    requirements: tuple[str, ...] = ()  # BØR requirements it scores, as the tender file lists them


@dataclass(frozen=True)
class Lot:
    id: str
    title: str
    description: str = ""
    service_areas: tuple[str, ...] = ()
    welfare_categories: tuple[str, ...] = ()
    contract_type: str | None = None  # the lot's own agreement, when not the tender's

    @property
    def scope_codes(self) -> tuple[str, ...]:
        return (*self.service_areas, *self.welfare_categories)


@dataclass(frozen=True)
class OneOffCost:
    """A cost that comes once (migration, implementation), counted in the estimated value."""

    description: str
    amount_nok: float


@dataclass(frozen=True)
class Quantity:
    """Estimated and maximum quantity of one thing bought (C-23/20)."""

    what: str
    estimated: float
    maximum: float
    unit: str = ""
    category: str | None = None


@dataclass(frozen=True)
class ClimateException:
    """The FOA § 7-9 exception a tender states when climate weighs under the minimum."""

    ground: str  # procurement_rules.yaml climate.exceptions key
    reason: str


@dataclass
class TenderDefinition:
    """A validated tender file. `source` is the file as read, for the lines of later messages."""

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
    exclude_reasons: dict[str, str] = field(default_factory=dict)  # id → why it is excluded (SKAL: required)
    requirement_lots: dict[str, list[str]] = field(default_factory=dict)  # requirements.lots: id → lot ids
    publication: dict[str, Any] = field(default_factory=dict)
    procedure: str | None = None  # procedures.yaml code
    procedure_ground: str | None = None  # FOA § 13-2 (1) letter
    procedure_ground_reason: str = ""
    framework: bool = False  # a rammeavtale (FOA § 26-1)
    framework_reason: str = ""
    one_off_costs: list[OneOffCost] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    climate_exception: ClimateException | None = None
    source: Any = field(default=None, repr=False, compare=False)  # the file as read, with lines

    @property
    def procedure_info(self) -> Procedure | None:
        """The chosen procedure's label, reference and bands (procedures.yaml); None when not chosen."""
        return procedure(self.procedure)

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
        """A Problem pointing at the line of `key` (dotted; a number is a list index) in this tender file."""
        path = [int(step) if step.isdigit() else step for step in key.split(".")]
        return Problem(self.label, line_at(self.source, path), key, message)


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
    check = SchemaCheck(data, SCHEMA, label)
    if isinstance(data, dict):
        _rules(data, check, known_numbers)
    if check.problems:
        raise ValidationError(f"Anbudsfila {label} har feil:", check.problems)
    return _definition(path, data)


# --------------------------------------------------------------------------- rules the schema cannot say


def _rules(d: dict, c: SchemaCheck, known: set[str] | None) -> None:
    """The checks across fields, each on the parts that passed the schema."""
    host = _registered(d, ("host",), c)
    participants = _participants(d, c, known)
    if host and participants and host not in participants:
        c.add(("host",), f"vertskommunen {host} må også stå blant deltakerne (participants)")
    _lots(d, c)
    _criteria(d, c)
    _dates(d, c)
    both = set()
    if c.ok("requirements", "include") and c.ok("requirements", "exclude"):
        both = set(_get(d, "requirements", "include") or []) & set(_get(d, "requirements", "exclude") or [])
    if both:
        c.add(("requirements", "exclude"), f"{', '.join(sorted(both))} står både i include og exclude")
    if not c.problems:
        start, publication = d["contract"]["start"], d["timeline"]["publication"]
        if as_date(start) <= as_date(publication):
            c.add(("contract", "start"), "kontraktsstart må være etter kunngjøringsdatoen (timeline.publication)")


def _get(d: Any, *path: Any) -> Any:
    """The value at `path`, None where the path does not lead (a rule only looks where it can)."""
    for step in path:
        if isinstance(d, dict):
            d = d.get(step)
        elif isinstance(d, list) and isinstance(step, int) and 0 <= step < len(d):
            d = d[step]
        else:
            return None
    return d


def _registered(d: Any, path: tuple, c: SchemaCheck, field_name: str | None = None) -> str | None:
    """The municipality number at `path` when it passed the schema and is in the register."""
    if not c.ok(*path):
        return None
    number = str(_get(d, *path)).strip()
    if register.get(number) is None:
        c.add(path, f"kommunenummer {number} finnes ikke i kommuneregisteret (2025)", field_name)
        return None
    return number


def _participants(d: dict, c: SchemaCheck, known: set[str] | None) -> list[str]:
    out: list[str] = []
    for i, _ in enumerate(d.get("participants") or []):
        nr = _registered(d, ("participants", i), c, "participants")
        if nr is None:
            continue
        if nr in out:
            c.add(("participants", i), f"{nr} står to ganger", "participants")
        elif known is not None and nr not in known:
            c.add(("participants", i), f"kommune {nr} har ingen mappe under municipalities/ i datamappen", "participants")
        out.append(nr)
    return out


def _lots(d: dict, c: SchemaCheck) -> None:
    in_scope = set(_get(d, "scope", "service_areas") or []) | set(_get(d, "scope", "welfare_categories") or [])
    ids: set[str] = set()
    for i, lot in enumerate(d.get("lots") or []):
        if not c.ok("lots", i):
            continue
        lot_id = str(lot["id"]).strip()
        if lot_id in ids:
            c.add(("lots", i, "id"), f"«{lot_id}» er brukt før")
        ids.add(lot_id)
        welfare = lot.get("welfare_categories") or []
        outside = [x for key in ("service_areas", "welfare_categories") for x in lot.get(key) or [] if x not in in_scope]
        if outside and c.ok("scope"):
            c.add(("lots", i, "welfare_categories" if welfare else "service_areas"),
                  f"{', '.join(outside)} står ikke i anbudets scope", "lots")


def _criteria(d: dict, c: SchemaCheck) -> None:
    known = defaults()["award_criteria"]
    codes: set[str] = set()
    for i, item in enumerate(d.get("award_criteria") or []):
        if not c.ok("award_criteria", i, "code") or not c.ok("award_criteria", i, "label"):
            continue
        code = str(item.get("code") or "").strip()
        if code not in known and not item.get("label"):
            c.add(("award_criteria", i, "code"),
                  f"«{code}» er ikke et kjent kriterium ({', '.join(known)}); et eget kriterium trenger label")
        if code in codes:
            c.add(("award_criteria", i, "code"), f"«{code}» står to ganger")
        codes.add(code)
    items = d.get("award_criteria")
    if isinstance(items, list) and items and all(isinstance(x, dict) for x in items):
        # a weight that is no percentage counts as 0, so the sum is still said
        total = sum(item["weight"] if c.ok("award_criteria", i, "weight") else 0 for i, item in enumerate(items))
        if abs(total - 100) > 1e-9:  # the rule's wording, with its reference, from procurement_rules.yaml
            r = rule("vekter_summerer_til_100")
            c.add(("award_criteria",), r["fix"].format(total=formatting.percent_value(total)))


def _dates(d: dict, c: SchemaCheck) -> None:
    """Every date within tender.yaml's years (a mistyped digit), and the timeline in order."""
    span = defaults()["date_years"]
    found: dict[str, dt.date] = {}
    places = [("contract", "start")] + [("timeline", key) for key in TIMELINE_KEYS]
    for path in places:
        value = _get(d, *path)
        if value is None or not c.ok(*path):
            continue
        day = as_date(value)
        if not span["min"] <= day.year <= span["max"]:
            c.add(path, f"{day.isoformat()} ligger utenfor årene {span['min']}–{span['max']}; er et siffer feil?")
        else:
            found[".".join(path)] = day
    timeline = {k.removeprefix("timeline."): v for k, v in found.items() if k.startswith("timeline.")}
    order = [k for k in TIMELINE_ORDER if k in timeline]
    for a, b in zip(order, order[1:], strict=False):
        if timeline[b] < timeline[a]:
            c.add(("timeline", b), f"{timeline[b].isoformat()} er før {a} ({timeline[a].isoformat()})")
    _questions_in_order(timeline, c)
    start, signing = found.get("contract.start"), timeline.get("signing")
    if start and signing and start < signing:
        c.add(("contract", "start"), f"kontraktsstart {start.isoformat()} er før kontraktsinngåelsen "
                                     f"(timeline.signing {signing.isoformat()})")


def _questions_in_order(timeline: dict[str, dt.date], c: SchemaCheck) -> None:
    """Questions are asked after publication and answered before the tender deadline."""
    q = timeline.get("questions_deadline")
    if q is None:
        return
    if "publication" in timeline and q < timeline["publication"]:
        c.add(("timeline", "questions_deadline"), f"{q.isoformat()} er før publication ({timeline['publication'].isoformat()})")
    elif "tender_deadline" in timeline and timeline["tender_deadline"] < q:
        c.add(("timeline", "tender_deadline"),
              f"{timeline['tender_deadline'].isoformat()} er før questions_deadline ({q.isoformat()})")


# --------------------------------------------------------------------------- the checked file as a definition


def _definition(path: Path, d: dict) -> TenderDefinition:
    """The TenderDefinition of a file that passed the schema and the rules."""
    scope, contract, reqs = d["scope"], d["contract"], d.get("requirements") or {}
    status = d.get("status") or "planlagt"
    value = d.get("estimated_value_nok")
    return TenderDefinition(
        path=path, slug=path.stem, title=d["title"].strip(), description=d["description"].strip(),
        host=str(d["host"]).strip(), participants=[str(p).strip() for p in d["participants"]],
        service_areas=list(scope.get("service_areas") or []), welfare_categories=list(scope.get("welfare_categories") or []),
        products=[p.strip() for p in scope.get("products") or []],
        contract_type=contract["type"], years=contract["years"], option_years=contract.get("option_years") or 0,
        contract_start=as_date(contract["start"]),
        award_criteria=_award_criteria(d["award_criteria"], d.get("climate_exception")),
        timeline={k: as_date(v) for k, v in d["timeline"].items() if v is not None},
        reference=(d.get("reference") or "").strip(), rationale=(d.get("rationale") or "").strip(), status=status,
        language=d.get("language"), lots=[_lot(x) for x in d.get("lots") or []],
        estimated_value_nok=float(value) if value is not None else None,
        estimated_value_note=(d.get("estimated_value_note") or "").strip(), cpv=d.get("cpv"),
        include=[x.strip() for x in reqs.get("include") or []], exclude=[x.strip() for x in reqs.get("exclude") or []],
        weights={str(k): float(v) for k, v in (reqs.get("weights") or {}).items()},
        exclude_reasons=_reasons(reqs.get("exclude_reasons") or {}),
        requirement_lots={str(k).strip(): [str(x).strip() for x in v] for k, v in (reqs.get("lots") or {}).items()},
        publication=_publication(d.get("publication") or {}), source=d, **_procurement_terms(d),
    )


def _reasons(items: dict) -> dict[str, str]:
    """Requirement id → reason for excluding it; a blank reason is no reason (the rule then says so)."""
    return {str(k).strip(): str(v).strip() for k, v in items.items() if v is not None and str(v).strip()}


def _procurement_terms(d: dict) -> dict[str, Any]:
    """The keys the procurement rules judge: procedure, framework, one-off costs, quantities, § 7-9."""
    contract = d["contract"]
    framework = contract.get("framework")
    if framework is None:  # a rammeavtale by type is one unless the file says otherwise
        framework = bool(defaults()["contract_types"][contract["type"]].get("framework", False))
    exception = d.get("climate_exception")
    return {
        "procedure": d.get("procedure"), "procedure_ground": d.get("procedure_ground"),
        "procedure_ground_reason": (d.get("procedure_ground_reason") or "").strip(),
        "framework": bool(framework), "framework_reason": (contract.get("framework_reason") or "").strip(),
        "one_off_costs": [OneOffCost(str(x["description"]).strip(), float(x["amount_nok"])) for x in d.get("one_off_costs") or []],
        "quantities": [Quantity(str(x["what"]).strip(), float(x["estimated"]), float(x["maximum"]),
                                str(x.get("unit") or "").strip(), x.get("category")) for x in d.get("quantities") or []],
        "climate_exception": ClimateException(exception["ground"], str(exception["reason"]).strip()) if exception else None,
    }


def _lot(item: dict) -> Lot:
    return Lot(str(item["id"]).strip(), str(item["title"]).strip(), str(item.get("description") or "").strip(),
               tuple(item.get("service_areas") or ()), tuple(item.get("welfare_categories") or ()),
               item.get("contract_type"))


def _award_criteria(items: list[dict], exception: dict | None = None) -> list[AwardCriterion]:
    """The criteria with tender.yaml's labels; the climate one carries the § 7-9 exception's reason."""
    known = defaults()["award_criteria"]
    reason = str((exception or {}).get("reason") or "").strip()
    out = []
    for item in items:
        code = str(item.get("code") or "").strip()
        spec = known.get(code) or {}
        climate = bool(spec.get("climate", False))
        out.append(AwardCriterion(code, str(item.get("label") or spec.get("label") or code), float(item["weight"]),
                                  str(item.get("description") or "").strip(), reason if climate else "",
                                  spec.get("ocds_type", "quality"), climate,
                                  tuple(str(r).strip() for r in item.get("requirements") or ())))
    return out


def _publication(overrides: dict) -> dict:
    """tender.yaml's publication with the file's overrides; the base URL ends in «/»."""
    merged = {**defaults()["publication"], **{k: v for k, v in overrides.items() if v is not None}}
    if not str(merged["base_url"]).endswith("/"):
        merged["base_url"] = str(merged["base_url"]) + "/"
    return merged
