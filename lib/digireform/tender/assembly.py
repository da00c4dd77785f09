"""Tender assembly: which requirements, for whom, how much, under which procedure.

Joins the requirement library to the municipalities' data. A requirement is selected
when it applies to all procurements, when its `applies_to` meets the tender's scope
(service areas, welfare categories) or when the tender includes it by id; excludes win.
Each selected requirement carries a trace of the participants, systems and welfare needs
that pulled it in, so a procurement officer can defend every line of the document.

Only public data is used (`privacy.public_systems`): costs of confidential systems are
left out of the estimate and the number left out is stated. Contacts are never read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from digireform.analysis.value import EstimatedValue, estimate, welfare_growth
from digireform.model import formatting
from digireform.model.errors import Problem, ValidationError
from digireform.model.privacy import is_confidential, public_region, public_systems
from digireform.model.region import Region
from digireform.model.rules import WELFARE_IN_USE_STATUSES, welfare_totals
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, label, normalise_token
from digireform.model.thresholds import ThresholdResult, classify
from digireform.tender.definition import Lot, TenderDefinition, defaults
from digireform.tender.requirements import (
    QUALIFICATION,
    Library,
    Requirement,
    sami_participants,
    selection_problems,
)
from digireform.tender.texts import Words, bilag_of, category_role
from digireform.validate.thresholds import group_thresholds

SYSTEM_COLUMNS = [
    "municipality", "name", "system_id", "product", "product_canonical", "vendor", "service_area",
    "function", "users", "annual_cost_nok", "contract_end", "contract_type", "confidential", "cpv",
]


@dataclass
class Trace:
    """Why a requirement is in the tender."""

    reasons: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)  # municipality numbers
    systems: list[str] = field(default_factory=list)  # "Narvik: Visma Flyt Skole (NAR-031)"
    welfare: list[str] = field(default_factory=list)  # "Narvik: Trygghetsalarm (behov 420)"

    def summary(self, names: dict[str, str], limit: int = 4) -> str:
        """One line for tables: reasons; participants; the first few systems / needs."""
        parts = list(self.reasons)
        if self.participants and len(self.participants) == len(names):
            parts.append("alle deltakerne")
        elif self.participants:
            parts.append("kommuner: " + ", ".join(names.get(n, n) for n in self.participants))
        items = self.welfare + self.systems
        if items:
            more = f" (+{len(items) - limit} til)" if len(items) > limit else ""
            parts.append("; ".join(items[:limit]) + more)
        return " – ".join(parts)


@dataclass
class SelectedRequirement:
    requirement: Requirement
    weight: float | None
    trace: Trace
    lots: list[str] = field(default_factory=list)  # ids of the lots it binds (every lot's id when general)

    @property
    def id(self) -> str:
        return self.requirement.id

    @property
    def kind(self) -> str:
        return self.requirement.kind


@dataclass
class Assembly:
    """Everything the exports need, computed once."""

    tender: TenderDefinition
    library: Library
    as_of: dt.date
    participants: pd.DataFrame  # number, name, population, orgnr, language, systems_replaced, users
    requirements: list[SelectedRequirement]
    systems: pd.DataFrame  # systems to be replaced (public fields only)
    welfare: pd.DataFrame  # per participant × category: in_use, needed, gap, target_year
    welfare_per_year: pd.DataFrame  # joint volumes per category × target year
    annual_cost_nok: float
    estimated_value_nok: float
    value_basis: str
    confidential_left_out: int
    threshold: ThresholdResult
    nynorsk: bool
    language_note: str
    cpv: dict[str, str]
    example_data: bool
    warnings: list[str] = field(default_factory=list)
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)  # kommune.yaml `office` per participant
    value: EstimatedValue | None = None  # the estimate and its parts (analysis.value); its total is estimated_value_nok

    @property
    def host_name(self) -> str:
        return str(self.participants.set_index("number").at[self.tender.host, "name"])

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.participants["number"], self.participants["name"], strict=True))

    @property
    def words(self) -> Words:
        """The document texts in this tender's language form."""
        return Words(self.nynorsk)

    def by_category(self, items: list[SelectedRequirement] | None = None) -> list[tuple[str, list[SelectedRequirement]]]:
        """Selected requirements (or `items`) grouped by category, in the library's category order."""
        groups: dict[str, list[SelectedRequirement]] = {}
        for s in self.requirements if items is None else items:
            groups.setdefault(s.requirement.category, []).append(s)
        order = list(self.library.categories)
        return [(c, groups[c]) for c in sorted(groups, key=lambda c: order.index(c) if c in order else len(order))]

    def text(self, s: SelectedRequirement) -> str:
        """The requirement in the document's form (a nynorsk build has checked every text_nn)."""
        return s.requirement.text_in(self.nynorsk)

    def documentation(self, s: SelectedRequirement) -> str:
        """What the tenderer submits to show a qualification requirement is met, in the document's form."""
        return s.requirement.documentation_in(self.nynorsk) or ""

    @property
    def qualification(self) -> list[SelectedRequirement]:
        """Requirements on the tenderer (konkurransegrunnlaget), never in a bilag or the award."""
        return [s for s in self.requirements if s.kind == QUALIFICATION]

    def in_bilag(self, role: str) -> list[SelectedRequirement]:
        """Requirements on the offer that belong to the bilag with `role` (requirements | service_levels).

        A category belongs to its bilag when the contract type has that bilag; otherwise
        (a contract type without a service-level bilag in the data) it stays in the specification.
        """
        roles = {b.role for b in bilag_of(self.tender.contract_type, self.nynorsk)[0]}
        def role_of(s: SelectedRequirement) -> str:
            r = category_role(s.requirement.category)
            return r if r in roles else "requirements"
        return [s for s in self.requirements if s.kind != QUALIFICATION and role_of(s) == role]

    @property
    def answerable(self) -> list[SelectedRequirement]:
        """The requirements the tenderer answers in the matrix: every one on the offer."""
        return [s for s in self.requirements if s.kind != QUALIFICATION]

    def lot_label(self, s: SelectedRequirement) -> str:
        """«Alle» for a requirement binding every lot, else the lot ids («1, 2»)."""
        if not self.tender.lots:
            return self.words("lots.whole")
        if len(s.lots) == len(self.tender.lots):
            return self.words("lots.all")
        return ", ".join(s.lots)


# --------------------------------------------------------------------------- entry point


def assemble(region: Region, tender: TenderDefinition, library: Library, as_of: dt.date | None = None) -> Assembly:
    """Compute the tender; ValidationError (with tender-file lines) for unknown requirement ids."""
    as_of = as_of or dt.date.today()
    _check_requirement_ids(tender, library)
    region = public_region(region)  # the documents are public: blanked systems, no contacts
    participants = _participants(region, tender)
    systems = systems_to_replace(region, tender)
    welfare = welfare_needs(region, tender)
    per_year = _joint_volumes(region, tender)
    requirements = select_requirements(tender, library, systems, welfare)
    _check_lots(tender, requirements)
    annual, confidential_left_out = _annual_cost(region, tender, systems)
    value = estimate_value(tender, annual, confidential_left_out, welfare)
    threshold = classify(value.total_nok, on=tender.date, extra=group_thresholds(region.data_dir))
    nynorsk, note = language(tender, participants)
    if nynorsk:
        _check_nynorsk(tender, requirements)
    participants = _participant_volumes(participants, systems, welfare)
    warnings = list(threshold.warnings)  # the procurement rules' warnings: tender.rules, at build
    warnings += _orgnr_warnings(participants) + _lot_warnings(tender, requirements) + _bilag_warnings(tender, requirements)
    if confidential_left_out:
        warnings.append(f"{confidential_left_out} system(er) er unntatt offentlighet; kostnaden deres er holdt utenfor anslaget.")
    return Assembly(
        tender=tender, library=library, as_of=as_of, participants=participants, requirements=requirements,
        systems=systems, welfare=welfare, welfare_per_year=per_year, annual_cost_nok=annual,
        estimated_value_nok=value.total_nok, value_basis=value.basis, value=value, confidential_left_out=confidential_left_out,
        threshold=threshold, nynorsk=nynorsk, language_note=note, cpv=main_cpv(tender, systems),
        example_data=bool(region.municipalities.loc[tender.participants, "example_data"].any()), warnings=warnings,
        offices={n: dict(region.profiles.get(n, {}).get("office") or {}) for n in tender.participants},
    )


def _check_requirement_ids(tender: TenderDefinition, library: Library) -> None:
    """The tender's requirement choice against the library (`requirements.selection_problems`), and
    `requirements.lots` naming known requirements."""
    problems = selection_problems(tender, library)
    unknown = [i for i in requirement_lots(tender) if i not in library.by_id]
    if unknown:
        problems.append(tender.problem("requirements.lots",
                                       f"ukjent krav-ID {', '.join(unknown)} (finnes ikke i kravbiblioteket)"))
    if problems:
        raise ValidationError(f"Anbudsfila {tender.label} har feil:", problems)


def _participants(region: Region, tender: TenderDefinition) -> pd.DataFrame:
    m = region.municipalities.loc[tender.participants]
    return pd.DataFrame({
        "number": list(m["number"]), "name": list(m["name"]),
        "population": [None if pd.isna(v) else int(v) for v in m["population"]],
        "orgnr": pd.Series([v if isinstance(v, str) and v else None for v in m["orgnr"]], dtype=object),
        "language": list(m["language"]), "host": [n == tender.host for n in m["number"]],
    })


# --------------------------------------------------------------------------- data volumes


def _canonical(region: Region, systems: pd.DataFrame) -> pd.DataFrame:
    """Systems with `product_canonical` and `cpv` from the product catalogue."""
    from digireform.analysis.catalogue import canonical_products, load_catalogue

    return canonical_products(systems, load_catalogue(region.data_dir))


def systems_to_replace(region: Region, tender: TenderDefinition) -> pd.DataFrame:
    """Participants' systems in use that the tender replaces (public fields only).

    With `scope.products` the products named there (matched through the catalogue);
    otherwise every system in the scope's service areas.
    """
    in_use = region.in_use_systems()
    lifecycles = defaults()["replaced_lifecycles"]  # planned systems are not replaced
    rows = in_use[in_use["municipality"].isin(tender.participants) & in_use["lifecycle"].isin(lifecycles)]
    if tender.products:
        rows = _canonical(region, rows)
        from digireform.analysis.catalogue import load_catalogue

        catalogue = load_catalogue(region.data_dir)
        wanted = set()
        for p in tender.products:
            hit = catalogue.match(p)
            wanted.add(normalise_token(hit.name if hit else p))
        keep = rows["product_canonical"].map(lambda p: normalise_token(p) in wanted)
        rows = rows[keep.astype(bool)]
    elif tender.service_areas:
        rows = _canonical(region, rows[rows["service_area"].isin(tender.service_areas)])
    else:
        rows = _canonical(region, rows.iloc[0:0])
    confidential = is_confidential(rows) if len(rows) else pd.Series(dtype=bool)
    out = public_systems(rows).assign(
        name=rows["municipality"].map(region.name) if len(rows) else pd.Series(dtype=object),
        confidential=confidential.to_numpy() if len(rows) else [],
    )
    order = {n: i for i, n in enumerate(tender.participants)}
    out = out.assign(_o=out["municipality"].map(order)).sort_values(["_o", "system_id"]).drop(columns="_o")
    return out[SYSTEM_COLUMNS].reset_index(drop=True)


def welfare_needs(region: Region, tender: TenderDefinition) -> pd.DataFrame:
    """Per participant × scope welfare category: units in use, needed by the target year, gap.

    in_use, needed and gap are `rules.welfare_totals`, as in the report: units in use only
    on rows in use or piloting, the gap what is still to be bought, never below zero, and
    an unknown need left unknown (the documents say «ukjent»; it is never taken to be
    what is in use). The annual cost is that of the rows in use or piloting.
    """
    cols = ["municipality", "name", "category", "in_use", "needed", "gap", "target_year", "annual_cost_nok"]
    w = region.welfare
    w = w[w["municipality"].isin(tender.participants) & w["category"].isin(tender.welfare_categories)]
    if w.empty:
        return pd.DataFrame(columns=cols)
    keys = ["municipality", "category"]
    w = w.assign(category=w["category"].astype(object),
                 _cost=w["annual_cost_nok"].where(w["status"].isin(WELFARE_IN_USE_STATUSES)))
    grouped = w.groupby(keys, sort=False)
    g = welfare_totals(w, keys)[["in_use", "needed", "gap"]]
    g["target_year"] = grouped["target_year"].max()
    g["annual_cost_nok"] = grouped["_cost"].sum(min_count=0)
    g = g.reset_index()
    g["name"] = g["municipality"].map(region.name)
    order_m = {n: i for i, n in enumerate(tender.participants)}
    order_c = {c: i for i, c in enumerate(code_list(WELFARE_CATEGORIES))}
    g = g.assign(_m=g["municipality"].map(order_m), _c=g["category"].map(order_c)).sort_values(["_c", "_m"])
    for c in ("in_use", "needed", "gap"):
        g[c] = g[c].astype("Int64")
    return g[cols].reset_index(drop=True)


def _joint_volumes(region: Region, tender: TenderDefinition) -> pd.DataFrame:
    """Units needed per category and target year over all participants (welfare module)."""
    from digireform.analysis.welfare import joint_volumes

    w = region.welfare[region.welfare["category"].isin(tender.welfare_categories)]
    return joint_volumes(w, municipalities=tender.participants)


def _participant_volumes(p: pd.DataFrame, systems: pd.DataFrame, welfare: pd.DataFrame) -> pd.DataFrame:
    n_sys = systems.groupby("municipality").size()
    users = systems.groupby("municipality")["users"].sum(min_count=1)
    # a participant's increase is unknown when any of its categories has an unknown need:
    # a sum of the known ones would pass for the whole
    gap = (welfare.groupby("municipality")["gap"].agg(lambda s: s.sum() if s.notna().all() else pd.NA)
           if len(welfare) else pd.Series(dtype="Int64"))
    return p.assign(
        systems_replaced=[int(n_sys.get(n, 0)) for n in p["number"]],
        users=[None if pd.isna(users.get(n)) else int(users.get(n)) for n in p["number"]],
        welfare_gap=[None if pd.isna(gap.get(n, None)) else int(gap.get(n)) for n in p["number"]],
    )


def _annual_cost(region: Region, tender: TenderDefinition, systems: pd.DataFrame) -> tuple[float, int]:
    """Public current annual cost of what the tender replaces; number of confidential systems left out."""
    total = float(systems["annual_cost_nok"].sum(min_count=1) or 0) if len(systems) else 0.0
    total = 0.0 if pd.isna(total) else total
    w = region.welfare
    w = w[w["municipality"].isin(tender.participants) & w["category"].isin(tender.welfare_categories)
          & w["status"].isin(WELFARE_IN_USE_STATUSES)]
    wcost = w["annual_cost_nok"].sum(min_count=1)
    total += 0.0 if pd.isna(wcost) else float(wcost)
    return total, int(systems["confidential"].sum()) if len(systems) else 0


def estimate_value(tender: TenderDefinition, annual_cost: float, confidential_left_out: int = 0,
                   welfare: pd.DataFrame | None = None) -> EstimatedValue:
    """FOA § 5-4 by `analysis.value.estimate`: today's cost, the welfare growth, options, one-off costs."""
    notes = [f"{confidential_left_out} system(er) unntatt offentlighet er ikke med i grunnlaget."] if confidential_left_out else []
    growth = welfare_growth(welfare) if welfare is not None else None
    return estimate(annual_cost, tender.years, tender.option_years, growth,
                    [(c.description, c.amount_nok) for c in tender.one_off_costs],
                    tender.estimated_value_nok, tender.estimated_value_note, notes)


# --------------------------------------------------------------------------- requirement selection


def select_requirements(tender: TenderDefinition, library: Library, systems: pd.DataFrame,
                        welfare: pd.DataFrame) -> list[SelectedRequirement]:
    """Requirements by scope, plus include, minus exclude; each with its trace and effective weight."""
    scope = tender.scope_codes
    by_code_systems, by_code_munis = _index_systems(systems)
    by_code_welfare, by_code_wmunis = _index_welfare(welfare)
    include, exclude = set(tender.include), set(tender.exclude)
    lots_by_code = _lots_by_code(tender)
    sami = sami_participants(tender.participants, tender.date)
    out = []
    for req in library.requirements:
        if req.id in exclude or (req.sami and not sami and req.id not in include):
            continue
        matched = [c for c in req.applies_to if c in scope]
        if not (req.selected_by(scope) or req.id in include):
            continue
        trace = Trace()
        if req.applies_to_all:
            trace.reasons.append("gjelder alle anskaffelser")
            trace.participants = list(tender.participants)
        if matched:
            trace.reasons.append("omfang: " + ", ".join(_code_label(c) for c in matched))
            munis: set[str] = set()
            for c in matched:
                trace.systems += by_code_systems.get(c, [])
                trace.welfare += by_code_welfare.get(c, [])
                munis |= by_code_munis.get(c, set()) | by_code_wmunis.get(c, set())
            if not req.applies_to_all:
                trace.participants = [n for n in tender.participants if n in munis]
        if req.sami and sami:
            trace.reasons.append("deltaker i forvaltningsområdet for samisk språk")
            trace.participants = [n for n in trace.participants if n in sami] or sami
        if req.id in include:
            trace.reasons.append("tatt med i anbudsdefinisjonen (include)")
            if not trace.participants:
                trace.participants = list(tender.participants)
        weight = tender.weights.get(req.id, req.weight) if req.kind == "bor" else None
        out.append(SelectedRequirement(req, weight, trace, _lots_of(tender, req, matched, lots_by_code)))
    order = list(library.categories)
    out.sort(key=lambda s: order.index(s.requirement.category) if s.requirement.category in order else len(order))
    return out


def _code_label(code: str) -> str:
    areas = code_list(SERVICE_AREAS)
    return areas[code] if code in areas else label(WELFARE_CATEGORIES, code)


def _index_systems(systems: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    labels: dict[str, list[str]] = {}
    munis: dict[str, set[str]] = {}
    for area, name, product, sid, nr in zip(systems["service_area"].astype(object), systems["name"],
                                            systems["product_canonical"], systems["system_id"],
                                            systems["municipality"], strict=True):
        labels.setdefault(area, []).append(f"{name}: {product} ({sid})")
        munis.setdefault(area, set()).add(nr)
    return labels, munis


def _index_welfare(welfare: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Per welfare category one line: joint need, increase and how many partners."""
    labels: dict[str, list[str]] = {}
    munis: dict[str, set[str]] = {}
    for cat, rows in welfare.groupby("category", sort=False):
        unknown = rows[rows["needed"].isna()]
        if len(unknown):  # the joint need is not the sum of the known ones: say whose is unknown
            parts = ["behov ukjent for " + ", ".join(dict.fromkeys(unknown["name"].astype(str)))]
        else:
            needed, gap = rows["needed"].sum(), rows["gap"].sum(min_count=1)
            parts = [f"behov {int(needed)} enheter", f"økning {int(gap)}" if not pd.isna(gap) and gap else ""]
        parts.append(f"{rows['municipality'].nunique()} kommuner")
        labels[cat] = [f"{label(WELFARE_CATEGORIES, cat)}: " + ", ".join(x for x in parts if x)]
        munis[cat] = set(rows["municipality"])
    return labels, munis


def requirement_lots(tender: TenderDefinition) -> dict[str, list[str]]:
    """The tender file's `requirements.lots`: requirement id → the lot ids it binds."""
    return dict(getattr(tender, "requirement_lots", None) or {})


def _lots_of(tender: TenderDefinition, req: Requirement, matched: list[str],
             lots_by_code: dict[str, list[str]]) -> list[str]:
    """The lots a requirement binds, in the tender's lot order.

    The tender file's `requirements.lots` when it names the requirement; else every lot for a
    general requirement (`applies_to: all`), one pulled in by `include` only, or one whose scope
    no lot covers; else the lots whose scope meets the requirement's `applies_to`. So a
    requirement for alarms binds the alarm lot, never the lot for door locks.
    """
    every = [lot.id for lot in tender.lots]
    explicit = requirement_lots(tender).get(req.id)
    if explicit is not None:
        return [i for i in every if i in explicit]
    if req.applies_to_all or not matched:
        return every
    hit = {lot for c in matched for lot in lots_by_code.get(c, [])}
    return [i for i in every if i in hit] or every


def _check_lots(tender: TenderDefinition, selected: list[SelectedRequirement]) -> None:
    """`requirements.lots` names selected requirements and known lots, each within the requirement's scope."""
    explicit = requirement_lots(tender)
    if not explicit:
        return
    chosen = {s.id: s for s in selected}
    lots = {lot.id: lot for lot in tender.lots}
    problems: list[Problem] = []
    for rid, ids in explicit.items():
        key = f"requirements.lots.{rid}"
        if not tender.lots:
            problems.append(tender.problem(key, "anbudet har ingen delkontrakter (lots); ta bort requirements.lots"))
            break
        s = chosen.get(rid)
        if s is None:
            problems.append(tender.problem(key, f"{rid} er ikke med i anbudet (utenfor omfanget eller tatt ut)"))
            continue
        unknown = [i for i in ids if i not in lots]
        if unknown:
            problems.append(tender.problem(key, f"ukjent delkontrakt {', '.join(unknown)}; delkontraktene er "
                                                f"{', '.join(lots)}"))
        if not ids:
            problems.append(tender.problem(key, f"{rid} må gjelde minst én delkontrakt"))
        problems += [tender.problem(key, msg) for i in ids if i in lots
                     for msg in _outside_lot(s, lots[i], tender)]
    if problems:
        raise ValidationError(f"Anbudsfila {tender.label} har feil:", problems)


def _outside_lot(s: SelectedRequirement, lot: Lot, tender: TenderDefinition) -> list[str]:
    """Why `s` cannot bind `lot` (its scope and the lot's do not meet); [] when it can.

    A general requirement can bind any lot, and so can one the tender file includes by id
    beyond its scope (the file has overridden the library's scope already).
    """
    req = s.requirement
    if req.applies_to_all or not set(req.applies_to) & tender.scope_codes:
        return []
    lot_codes = {*lot.service_areas, *lot.welfare_categories}
    if set(req.applies_to) & lot_codes:
        return []
    return [f"{req.id} gjelder {', '.join(_code_label(c) for c in req.applies_to)} og kan ikke gjelde "
            f"delkontrakt {lot.id} «{lot.title}» ({', '.join(_code_label(c) for c in sorted(lot_codes)) or 'uten omfang'})"]


def _lot_warnings(tender: TenderDefinition, selected: list[SelectedRequirement]) -> list[str]:
    """A requirement in the scope that no lot covers binds every lot: say so (a judgement call)."""
    if not tender.lots:
        return []
    covered = {c for lot in tender.lots for c in (*lot.service_areas, *lot.welfare_categories)}
    explicit = requirement_lots(tender)
    loose = [s.id for s in selected if not s.requirement.applies_to_all and s.id not in explicit
             and set(s.requirement.applies_to) & tender.scope_codes
             and not set(s.requirement.applies_to) & covered]
    if not loose:
        return []
    return [f"{', '.join(loose)} gjelder en del av omfanget som ingen delkontrakt dekker, og er lagt til alle "
            "delkontraktene; angi delkontraktene i requirements.lots om det er feil."]


def _bilag_warnings(tender: TenderDefinition, selected: list[SelectedRequirement]) -> list[str]:
    """Requirements that belong in a bilag the contract type has none of stay in the specification: say so."""
    roles = {b.role for b in bilag_of(tender.contract_type, False)[0]}
    missing = sorted({category_role(s.requirement.category) for s in selected if s.kind != QUALIFICATION} - roles)
    if not missing:
        return []
    cats = sorted({s.requirement.category for s in selected if category_role(s.requirement.category) in missing})
    return [f"Avtaletypen {tender.contract_type} har ikke noe eget bilag for kravene i {', '.join(cats)} i "
            "tender_documents.yaml; de står i kravspesifikasjonen (Bilag 1)."]


def _check_nynorsk(tender: TenderDefinition, selected: list[SelectedRequirement]) -> None:
    """A nynorsk tender needs every selected requirement (and documentation requirement) in nynorsk."""
    problems = []
    for s in selected:
        r = s.requirement
        if not r.text_nn:
            problems.append(Problem(r.file, r.line, "text_nn", f"{r.id} mangler nynorsk tekst (text_nn)"))
        if r.is_qualification and r.documentation and not r.documentation_nn:
            problems.append(Problem(r.file, r.line, "documentation_nn",
                                    f"{r.id} mangler nynorsk dokumentasjonskrav (documentation_nn)"))
    if problems:
        raise ValidationError(f"Anbudet {tender.label} skal skrives på nynorsk, men {len(problems)} krav mangler "
                              "nynorsk tekst; skriv den inn i kravbiblioteket eller velg language: bokmal:", problems)


def _lots_by_code(tender: TenderDefinition) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lot in tender.lots:
        for c in (*lot.service_areas, *lot.welfare_categories):
            out.setdefault(c, []).append(lot.id)
    return out


# --------------------------------------------------------------------------- checks and labels


def _orgnr_warnings(participants: pd.DataFrame) -> list[str]:
    missing = [n for n, o in zip(participants["name"], participants["orgnr"], strict=True) if not o]
    if not missing:
        return []
    return [f"Organisasjonsnummer mangler i kommune.yaml for {', '.join(missing)}; OCDS-partene får ingen identifikator."]


def language(tender: TenderDefinition, participants: pd.DataFrame) -> tuple[bool, str]:
    """Nynorsk when asked for, or when the host's official language form is Nynorsk; the note says which.

    The note is in the document's own form (tender_texts.yaml), as is everything else.
    """
    host_lang = participants.set_index("number").at[tender.host, "language"]
    nynorsk = tender.language == "nynorsk" or (tender.language is None and host_lang == "Nynorsk")
    w = Words(nynorsk)
    own = "Nynorsk" if nynorsk else "Bokmål"
    form = w.label("language_form", host_lang) if host_lang in ("Bokmål", "Nynorsk", "Nøytral") else w("language.unknown")
    if host_lang == own:
        return nynorsk, w("language.by_host")
    if tender.language is not None:
        return nynorsk, w("language.by_choice", form=form)
    return nynorsk, w("language.other_form", form=form)


def main_cpv(tender: TenderDefinition, systems: pd.DataFrame) -> dict[str, str]:
    """Main CPV: the tender's own, else the welfare category's, else the replaced products', else software."""
    cfg = defaults()["cpv"]
    if tender.cpv:
        return {"code": tender.cpv, "label": ""}
    if tender.welfare_categories:
        return dict(cfg["welfare"][tender.welfare_categories[0]])
    codes = systems["cpv"].dropna() if "cpv" in systems else pd.Series(dtype=object)
    if len(codes):
        return {"code": str(codes.mode().iloc[0]), "label": ""}
    return dict(cfg["default_system"])


def item_cpv(category: str | None) -> dict[str, str]:
    cfg = defaults()["cpv"]
    return dict(cfg["welfare"].get(category, cfg["default_system"])) if category else dict(cfg["default_system"])


def nok(x: Any) -> str:
    """Norwegian money format with non-breaking spaces: «1 300 000 kr»."""
    return formatting.nok(x, formatting.NBSP)
