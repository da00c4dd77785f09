"""Procurement rules checked when a tender is built: breaches stop the build, judgement calls warn.

Every rule is data (`model/data/procurement_rules.yaml`: id, the rule in Norwegian, the
provision, valid_from, source, severity, its numbers and the fix's wording); this module only
applies them to an assembled tender. `check` returns every problem; `enforce` (called by
`tender.build`) raises a ValidationError naming the tender file's line (or the requirement's,
for a requirement text) for the errors and adds the warnings to the assembly. A rule applies in
the value bands its data names (`bands`), so a del III deadline is not asked of a del II
tender; `severity_by_band` makes a rule a warning where the provision is a judgement call.

`scored_requirements` is the evaluation model's mapping from award criteria to the BØR
requirements each gives points for; the documents print it, and the rules check it (no
qualification or SKAL requirement scored, none scored twice).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from digireform.model import formatting
from digireform.model.errors import Problem, ValidationError
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, label
from digireform.tender.assembly import Assembly, SelectedRequirement
from digireform.tender.definition import TenderDefinition, defaults
from digireform.tender.procedures import (
    band_phrase,
    climate,
    climate_minimum,
    evaluation_model,
    ground,
    grounds,
    procedure,
    procedures_for_band,
    rule,
    rules_file,
)
from digireform.tender.requirements import QUALIFICATION

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class RuleProblem:
    """A rule a tender breaks (error) or should look at again (warning)."""

    rule: str  # the rule's id in procurement_rules.yaml
    severity: str  # error | warning
    key: str  # the dotted key in the tender file (or `text` of a requirement) the fix concerns
    message: str  # what is wrong and the fix, in Norwegian
    reference: str  # the provision
    file: str | None = None  # a requirement's library file, when the fix is there
    line: int | None = None

    @property
    def text(self) -> str:
        """The message as a person reads it: what, the fix, and the rule with its provision."""
        return f"{_capital(self.message)}. {self.reference}: {rule(self.rule)['rule']}"


def _and(items: list[str]) -> str:
    """«a», «b» og «c» inside the template's own «»: a», «b» og «c."""
    return "» og «".join(["», «".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- entry points


def check(a: Assembly) -> list[RuleProblem]:
    """Every rule on the assembled tender, in the order of procurement_rules.yaml's checks below."""
    ctx = Context(a)
    out: list[RuleProblem] = []
    for checker in CHECKS:
        out += checker(ctx)
    return out


def enforce(a: Assembly) -> None:
    """Stop on the errors (FILE:LINE messages); add the warnings to `a.warnings` once each."""
    problems = check(a)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise ValidationError(f"Anbudet i {a.tender.label} bryter anskaffelsesreglene; rett det som står under, "
                              "så kan dokumentene lages:", [_as_problem(a.tender, p) for p in errors])
    for p in problems:
        text = p.text
        if text not in a.warnings:
            a.warnings.append(text)


def _as_problem(tender: TenderDefinition, p: RuleProblem) -> Problem:
    if p.file is not None:
        return Problem(p.file, p.line, p.key, p.text)
    return tender.problem(p.key, p.text)


# --------------------------------------------------------------------------- the context a rule sees


class Context:
    """The tender, its value band and its selected requirements, with the rule helpers."""

    def __init__(self, a: Assembly) -> None:
        self.a, self.tender, self.band = a, a.tender, a.threshold.band

    def applies(self, rule_id: str) -> bool:
        bands = rule(rule_id).get("bands")
        return bands is None or self.band in bands

    def severity(self, rule_id: str) -> str:
        r = rule(rule_id)
        return (r.get("severity_by_band") or {}).get(self.band, r["severity"])

    def problem(self, rule_id: str, key: str, template: str = "fix", file: str | None = None,
                line: int | None = None, **values: Any) -> RuleProblem:
        r = rule(rule_id)
        return RuleProblem(rule_id, self.severity(rule_id), key, r[template].format(**values), r["reference"], file, line)


def _day(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


# --------------------------------------------------------------------------- FOA § 7-9


def climate_rule(ctx: Context) -> list[RuleProblem]:
    """Climate and environment weighs at least the minimum, or a § 7-9 exception is stated."""
    if not ctx.applies("klimavekt"):
        return []
    minimum = climate_minimum()
    criteria = [c for c in ctx.tender.award_criteria if c.climate]
    weight = sum(c.weight for c in criteria)
    if weight >= minimum:
        return []
    exception = ctx.tender.climate_exception
    if exception is not None:
        spec = climate()["exceptions"][exception.ground]
        reference = climate()["paragraphs"][spec["paragraph"]]["reference"]
        return [ctx.problem("klimaunntak_vurdering", "climate_exception", weight=formatting.percent_value(weight),
                            reference=reference, reason=_sentence(exception.reason))]
    what = f"vektes {formatting.percent_value(weight)}" if criteria else "er ikke et tildelingskriterium"
    return [ctx.problem("klimavekt", "award_criteria", what=what, minimum=formatting.percent_value(minimum))]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


# --------------------------------------------------------------------------- procedure and value band


def procedure_rules(ctx: Context) -> list[RuleProblem]:
    """One procedure, of the part the value falls in, with its § 13-2 ground where one is needed."""
    t, out = ctx.tender, []
    chosen = procedure(t.procedure)
    valid = ", ".join(p.code for p in procedures_for_band(ctx.band)) or "ingen (prosedyrereglene gjelder ikke)"
    if chosen is None:
        if ctx.applies("prosedyre_valgt"):
            out.append(ctx.problem("prosedyre_valgt", "procedure", valid=valid))
        return out
    if ctx.band not in chosen.bands:
        out.append(ctx.problem("prosedyre_verdi", "procedure", procedure=chosen.label, part=chosen.part,
                               value=formatting.nok(ctx.a.estimated_value_nok), band=band_phrase(ctx.band), valid=valid))
    if chosen.ground_required and ctx.applies("prosedyre_grunnlag") and not (ground(t.procedure_ground)
                                                                           and t.procedure_ground_reason):
        out.append(ctx.problem("prosedyre_grunnlag", "procedure_ground" if t.procedure_ground else "procedure",
                               procedure=chosen.label, valid=", ".join(grounds())))
    return out


# --------------------------------------------------------------------------- the timeline


def deadline_rules(ctx: Context) -> list[RuleProblem]:
    """Minimum periods by procedure (FOA §§ 20-3 to 20-5), counted in calendar days."""
    code = ctx.tender.procedure
    tl, out = ctx.tender.timeline, []
    publication, deadline = tl["publication"], tl["tender_deadline"]
    if _for(ctx, "tilbudsfrist_apen", code):
        out += _minimum(ctx, "tilbudsfrist_apen", "timeline.tender_deadline", publication, deadline,
                        publication=_day(publication))
    if _for(ctx, "foresporselsfrist", code):
        days = int(rule("foresporselsfrist")["days"])
        participation = tl.get("participation_deadline")
        if participation is None:
            out.append(ctx.problem("foresporselsfrist", "timeline", "missing", procedure=procedure(code).label,
                                   earliest=_day(publication + dt.timedelta(days=days))))
        else:
            out += _minimum(ctx, "foresporselsfrist", "timeline.participation_deadline", publication, participation,
                            publication=_day(publication))
    if _for(ctx, "tilbudsfrist_etter_invitasjon", code):
        start = tl.get("invitation") or tl.get("participation_deadline")
        what = "invitasjonen" if "invitation" in tl else "fristen for forespørsel om å delta"
        if start is not None:
            out += _minimum(ctx, "tilbudsfrist_etter_invitasjon", "timeline.tender_deadline", start, deadline,
                            what=what, start=_day(start))
    return out


def _for(ctx: Context, rule_id: str, code: str | None) -> bool:
    return ctx.applies(rule_id) and code in (rule(rule_id).get("procedures") or ())


def _minimum(ctx: Context, rule_id: str, key: str, first: dt.date, last: dt.date, **values: Any) -> list[RuleProblem]:
    """`last` at least the rule's `days` after `first` (a period «from» a day starts the day after)."""
    minimum = int(rule(rule_id)["days"])
    days = (last - first).days
    if days >= minimum:
        return []
    return [ctx.problem(rule_id, key, deadline=_day(last), days=days, minimum=minimum,
                        earliest=_day(first + dt.timedelta(days=minimum)), **values)]


def standstill_rule(ctx: Context) -> list[RuleProblem]:
    """Signing (or, without it, the contract start) after the karensperiode (FOA § 25-2)."""
    award = ctx.tender.timeline.get("award")
    if award is None or not ctx.applies("karensperiode"):
        return []
    signing = ctx.tender.timeline.get("signing")
    key, what, day = ("timeline.signing", "kontraktsinngåelsen", signing) if signing else \
        ("contract.start", "kontraktsstarten", ctx.tender.contract_start)
    days = int(rule("karensperiode")["days"])
    last_day = award + dt.timedelta(days=days)  # counted from the day after the notice
    if day > last_day:
        return []
    return [ctx.problem("karensperiode", key, what=what, field=key, signing=_day(day), award=_day(award),
                        last_day=_day(last_day), earliest=_day(last_day + dt.timedelta(days=1)))]


def offer_validity_rules(ctx: Context) -> list[RuleProblem]:
    """The vedståelsesfrist: stated, after the tender deadline, and lasting until the contract is signed."""
    tl = ctx.tender.timeline
    offer_validity, deadline = tl.get("offer_validity"), tl["tender_deadline"]
    if offer_validity is None:
        return [ctx.problem("vedstaelsesfrist_mangler", "timeline")]
    if offer_validity <= deadline:
        return [ctx.problem("vedstaelsesfrist", "timeline.offer_validity", validity=_day(offer_validity), deadline=_day(deadline))]
    for key, what in (("signing", "kontraktsinngåelsen"), ("award", "tildelingen")):
        day = tl.get(key)
        if day is not None:
            if offer_validity < day:
                return [ctx.problem("vedstaelsesfrist_dekker_kontrakt", "timeline.offer_validity",
                                    validity=_day(offer_validity), what=what, day=_day(day))]
            break
    return []


# --------------------------------------------------------------------------- the contract


def framework_rule(ctx: Context) -> list[RuleProblem]:
    """A rammeavtale at most four years with options unless særlige forhold are stated (FOA § 26-1)."""
    t = ctx.tender
    maximum = int(rule("rammeavtale_varighet")["years"])
    total = t.years + t.option_years
    if not t.framework or total <= maximum or t.framework_reason or not ctx.applies("rammeavtale_varighet"):
        return []
    return [ctx.problem("rammeavtale_varighet", "contract.option_years" if t.option_years else "contract.years",
                        years=total, base=formatting.years(t.years), options=f"{formatting.years(t.option_years)} opsjon",
                        maximum=maximum)]


def contract_type_rule(ctx: Context) -> list[RuleProblem]:
    """Warn when an agreement does not cover what its scope buys (hardware, a staffed service)."""
    t, cfg = ctx.tender, defaults()
    places = [(f"lots.{i}", f"Delkontrakt {lot.id} ({lot.title})", lot.contract_type or t.contract_type,
               lot.scope_codes) for i, lot in enumerate(t.lots)]
    if not places:
        places = [("contract.type", "Anbudet", t.contract_type, (*t.service_areas, *t.welfare_categories))]
    out = []
    for key, where, contract, codes in places:
        covers = set(cfg["contract_types"][contract].get("covers") or ())
        missing: dict[str, list[str]] = {}
        for code in codes:
            for kind in _kinds(code):
                if kind not in covers:
                    missing.setdefault(kind, []).append(_code_label(code))
        if missing:
            labels = cfg["scope_kinds"]["labels"]
            out.append(ctx.problem("avtaletype_omfang", key, where=where, contract=contract,
                                   kinds=" og ".join(labels[k] for k in missing),
                                   categories=", ".join(dict.fromkeys(c for v in missing.values() for c in v))))
    return [_at_lot_line(p, ctx.tender) for p in out]


def _at_lot_line(p: RuleProblem, tender: TenderDefinition) -> RuleProblem:
    """A lot's problem points at the lot (its contract_type when it has one)."""
    if not p.key.startswith("lots."):
        return p
    index = int(p.key.split(".")[1])
    key = f"lots.{index}.contract_type" if tender.lots[index].contract_type else f"lots.{index}.id"
    return RuleProblem(p.rule, p.severity, key, p.message, p.reference, p.file, p.line)


def _kinds(code: str) -> tuple[str, ...]:
    kinds = defaults()["scope_kinds"]
    if code in kinds["welfare"]:
        return tuple(kinds["welfare"][code])
    return tuple(kinds["service_area_default"])


def _code_label(code: str) -> str:
    areas = code_list(SERVICE_AREAS)
    return areas[code] if code in areas else label(WELFARE_CATEGORIES, code)


# --------------------------------------------------------------------------- quantities and value


def quantity_rules(ctx: Context) -> list[RuleProblem]:
    """Estimated and maximum quantities stated (C-23/20), maximum ≥ estimated, estimated ≥ the data's need."""
    t, out = ctx.tender, []
    if not t.quantities:
        return [ctx.problem("mengder", "quantities" if "quantities" in (t.source or {}) else "title",
                            what="anbudet angir ingen anslått og største mengde")]
    for i, q in enumerate(t.quantities):
        if q.maximum < q.estimated:
            out.append(ctx.problem("mengder_maksimum", f"quantities.{i}.maximum", maximum=formatting.decimal(q.maximum),
                                   estimated=formatting.decimal(q.estimated), what=q.what))
    stated = {q.category for q in t.quantities if q.category}
    missing = [c for c in t.welfare_categories if c not in stated]
    if missing and len(stated):
        out.append(ctx.problem("mengder", "quantities", what="mengder mangler for " +
                               ", ".join(label(WELFARE_CATEGORIES, c).lower() for c in missing)))
    needs = _needs(ctx.a)
    for i, q in enumerate(t.quantities):
        need = needs.get(q.category) if q.category else None
        if need is not None and q.estimated < need:
            out.append(ctx.problem("mengder", f"quantities.{i}.estimated",
                                   what=f"anslått mengde {formatting.decimal(q.estimated)} for «{q.what}» er under "
                                        f"behovet i kommunenes data ({formatting.number(need)})"))
    return out


def _needs(a: Assembly) -> dict[str, int]:
    """The participants' joint need per welfare category, where every participant's is known."""
    w = a.welfare
    if w is None or w.empty:
        return {}
    return {str(c): int(rows["needed"].sum()) for c, rows in w.groupby("category", sort=False)
            if rows["needed"].notna().all()}


def value_rule(ctx: Context) -> list[RuleProblem]:
    """Warn when a stated value is below the data's estimate, or when growth could not be valued (FOA § 5-4)."""
    v, out = ctx.a.value, []
    if v is None:
        return out
    if v.stated and v.stated_nok < v.computed_nok:
        out.append(ctx.problem("anslatt_verdi", "estimated_value_nok", what=(
            f"oppgitt verdi {formatting.nok(v.stated_nok)} er lavere enn anslaget fra dataene "
            f"{formatting.nok(v.computed_nok)} (dagens kostnad, økt volum, opsjoner og engangskostnader); "
            "kontroller at den oppgitte verdien er det samlede beløpet kontrakten kan komme til å koste")))
    for note in v.growth.unvalued:
        out.append(ctx.problem("anslatt_verdi", "estimated_value_nok" if v.stated else "title", what=note.rstrip(".")))
    return out


# --------------------------------------------------------------------------- requirement texts


def requirement_text_rules(ctx: Context) -> list[RuleProblem]:
    """Brand names only with «eller tilsvarende» (FOA § 15-2); no accession of new municipalities (C-216/17)."""
    out = []
    for s in ctx.a.requirements:
        r = s.requirement
        texts = [x for x in (r.text, r.text_nn) if x]
        brands = list(dict.fromkeys(b for x in texts for b in brands_without_equivalent(x)))
        if brands:
            out.append(ctx.problem("merkenavn", "text", file=r.file, line=r.line, id=r.id,
                                   brand=_and(brands)))
        phrases = [p for x in texts for p in accession_phrases(x)]
        if phrases:
            out.append(ctx.problem("tiltredelse", "text", file=r.file, line=r.line, id=r.id, phrase=phrases[0]))
    return out


def brands_without_equivalent(text: str) -> list[str]:
    """Brand names in `text` not followed, in the same sentence, by «eller tilsvarende» (or nynorsk).

    Names next to each other («Microsoft Entra») are one name.
    """
    data = rules_file()["brand_names"]
    found: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        lowered = sentence.lower()
        equivalents = [m.start() for e in data["or_equivalent"] for m in re.finditer(re.escape(e), lowered)]
        spans = sorted({m.span() for name in data["names"]
                        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence)})
        for start, end in _joined(spans, sentence):
            name = sentence[start:end]
            if not any(pos >= end for pos in equivalents) and name not in found:
                found.append(name)
    return found


def _joined(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Spans separated only by spaces joined into one («Microsoft» + «Entra»); overlaps merged."""
    out: list[list[int]] = []
    for start, end in spans:
        if out and (start <= out[-1][1] or not text[out[-1][1]:start].strip()):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def accession_phrases(text: str) -> list[str]:
    """Phrases in `text` that open the contract to municipalities not named in the notice."""
    lowered = text.lower()
    return [p for p in rules_file()["accession_phrases"]["phrases"] if p in lowered]


# --------------------------------------------------------------------------- the evaluation model


def scored_requirements(tender: TenderDefinition, selected: Iterable[SelectedRequirement]) -> dict[str, list[str]]:
    """Award criterion code → the ids of the requirements it gives points for.

    A criterion's own list (`award_criteria[].requirements`) is taken as written (the rules then
    refuse what may not be scored). Every other selected BØR requirement counts under the
    criterion evaluation.yaml names for its category (`criterion_categories`, the climate
    criterion for miljo_klima), else under `default_criterion` — when the tender has that
    criterion and has not listed the requirement elsewhere: never under two.
    """
    selected = list(selected)
    model = evaluation_model()
    codes = [c.code for c in tender.award_criteria]
    out: dict[str, list[str]] = {c.code: list(c.requirements) for c in tender.award_criteria}
    listed = {c.code for c in tender.award_criteria if c.requirements}
    claimed = {rid for ids in out.values() for rid in ids}
    by_category = {cat: code for code, cats in (model.get("criterion_categories") or {}).items()
                   if code in codes for cat in cats}
    default = model.get("default_criterion")
    for s in selected:
        if s.requirement.kind != "bor" or s.id in claimed:
            continue
        code = by_category.get(s.requirement.category, default)
        if code in out and code not in listed:
            out[code].append(s.id)
    return out


def scoring_rules(ctx: Context) -> list[RuleProblem]:
    """No qualification or SKAL requirement scored, each scored requirement selected and scored once."""
    by_id = {s.id: s for s in ctx.a.requirements}
    labels = {c.code: c.label for c in ctx.tender.award_criteria}
    scored = scored_requirements(ctx.tender, ctx.a.requirements)
    out, seen = [], {}
    for i, c in enumerate(ctx.tender.award_criteria):
        key = f"award_criteria.{i}.requirements" if c.requirements else f"award_criteria.{i}.code"
        for rid in scored.get(c.code, []):
            seen.setdefault(rid, []).append((c.code, key))
            s = by_id.get(rid)
            if s is None:
                out.append(ctx.problem("vurdert_krav_valgt", key, criterion=c.label, id=rid))
            elif s.requirement.kind == QUALIFICATION:
                out.append(ctx.problem("kvalifikasjon_ikke_tildeling", key, criterion=c.label, id=rid))
            elif s.requirement.kind == "skal":
                out.append(ctx.problem("skal_ikke_tildeling", key, criterion=c.label, id=rid))
    for rid, where in seen.items():
        if len(where) > 1:
            out.append(ctx.problem("dobbel_vurdering", where[-1][1], id=rid,
                                   criteria=" og ".join(f"«{labels[code]}»" for code, _ in where)))
    return out


CHECKS: tuple[Callable[[Context], list[RuleProblem]], ...] = (
    climate_rule, procedure_rules, deadline_rules, standstill_rule, offer_validity_rules, framework_rule,
    contract_type_rule, quantity_rules, value_rule, requirement_text_rules, scoring_rules,
)
