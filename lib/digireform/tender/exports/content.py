"""The tender documents as lists of blocks, shared by the Word and Markdown renderers.

Three kinds of document, kept apart because they go to different readers:

- `konkurransegrunnlag`: the rules of the competition (buyers, procedure, value, lots, the
  bilag, qualification requirements with their documentation, rejection and reservations,
  award criteria with the evaluation model, timeline);
- the requirement bilag (`bilag_krav`: needs and requirements, per chapter and lot, and the
  service-level bilag `bilag_tjenesteniva` when the contract type has one): what the supplier
  must deliver, nothing about how offers are judged;
- `intern`: the rationale, the basis of the estimate and the traceability, for the project
  group only — never published.

Blocks are plain tuples so that a renderer is a short loop: ("title", dict),
("heading", level, text, numbered), ("para", text), ("bullets", [text]), ("table", headers,
rows, widths_cm), ("note", text), ("toc",), ("pagebreak",). Every word comes from
tender_texts.yaml in the tender's language form. Everything here is public except `intern`:
the systems frame has confidential fields blanked and contacts are never part of an Assembly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from digireform.model import formatting
from digireform.tender.assembly import Assembly, SelectedRequirement, nok
from digireform.tender.definition import TenderDefinition
from digireform.tender.texts import Bilag, Words, answers, bilag_of, documents, evaluation

REQ_WIDTHS = [2.5, 7.0, 1.5, 1.1, 1.9, 3.0]  # cm, 17 in all: the A4 page within its margins
REQ_WIDTHS_NO_LOTS = [2.5, 8.7, 1.5, 1.1, 3.2]


@dataclass
class Content:
    """One document: its output key, the file name, the footer text and the blocks."""

    key: str
    file: str
    footer: str
    blocks: list[tuple]


def short_date(day: Any) -> str:
    """«31.03.2028» for tables; «–» for missing."""
    return formatting.date_no(day)


def count(x: Any) -> str:
    """A whole number with non-breaking thousands separators («1 200»); «–» when unknown."""
    return formatting.number(x, 0, formatting.NBSP)


def units(x: Any, w: Words | None = None) -> str:
    """A number of welfare units, «ukjent» when unknown (an unknown need is said, not guessed)."""
    return (w or Words(False))("unit.unknown") if formatting.is_missing(x) else count(x)


def year(x: Any) -> str:
    return "–" if x is None or pd.isna(x) else str(int(x))


def weight_text(w: float | None) -> str:
    """A requirement's weight as shown: «5», «2,5»; empty when it has none."""
    return "" if w is None else formatting.decimal(w)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: Any) -> Any:
    """Text without the control characters XML (docx, xlsx) cannot hold; other values unchanged.

    A stray control character in a product name or tender title would otherwise stop the
    Word and Excel writers; it carries no meaning, so it is dropped.
    """
    return _XML_INVALID.sub("", text) if isinstance(text, str) else text


def _clean_all(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean_all(v) for v in value)
    if isinstance(value, dict):
        return {k: _clean_all(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- the documents


def public_documents(a: Assembly) -> list[Content]:
    """The documents for suppliers, in the order they are listed: konkurransegrunnlag, the bilag."""
    out = [konkurransegrunnlag(a), bilag_krav(a)]
    sla = bilag_tjenesteniva(a)
    return out + ([sla] if sla else [])


def bilag_file(a: Assembly, key: str) -> str | None:
    """The file name of a bilag document (tender_documents.yaml, with the contract's bilag number)."""
    spec = documents()[key]
    b = bilag_with_role(a, spec["bilag"])
    return spec["file"].format(number=b.number) if b else None


def bilag_with_role(a: Assembly, role: str) -> Bilag | None:
    return next((b for b in bilag_of(a.tender.contract_type, a.nynorsk)[0] if b.role == role), None)


def bilag_name(a: Assembly, role: str) -> str:
    """«Bilag 2: Leverandørens beskrivelse av tjenesten»."""
    b = bilag_with_role(a, role)
    return a.words("kg.docs.bilag", number=b.number, title=b.title) if b else ""


def konkurransegrunnlag(a: Assembly) -> Content:
    w = a.words
    items = _front(a, w("kg.subtitle"))
    items += _kg_intro(a) + _kg_scope(a) + _kg_documents(a) + _kg_qualification(a) + _kg_rejection(a)
    items += _kg_award(a) + _kg_timeline(a)
    return _content(a, "konkurransegrunnlag", documents()["konkurransegrunnlag"]["file"],
                    w("kg.footer"), items)


def bilag_krav(a: Assembly) -> Content:
    b = bilag_with_role(a, "requirements")
    assert b is not None  # every bilag structure has the specification (tender_documents.yaml)
    w = a.words
    name = w("kg.docs.bilag", number=b.number, title=b.title)
    items = _front(a, name)
    items += _b1_need(a) + _b1_scope(a) + _b1_requirements(a) + _b1_appendix(a)
    return _content(a, "bilag_krav", bilag_file(a, "bilag_krav") or "", w("b1.footer", number=b.number), items)


def bilag_tjenesteniva(a: Assembly) -> Content | None:
    """The service-level bilag, when the contract type has one and requirements belong in it."""
    b = bilag_with_role(a, "service_levels")
    reqs = a.in_bilag("service_levels")
    if b is None or not reqs:
        return None
    w = a.words
    name = w("kg.docs.bilag", number=b.number, title=b.title)
    items = _front(a, name, toc=False)
    items += [("heading", 1, w("sla.heading"), True),
              ("para", w("sla.text", total=len(reqs), skal=_n(reqs, "skal"), bor=_n(reqs, "bor"),
                         bilag=bilag_name(a, "requirements")))]
    items += _requirement_tables(a, reqs)
    return _content(a, "bilag_tjenesteniva", bilag_file(a, "bilag_tjenesteniva") or "",
                    w("b1.footer", number=b.number), items)


def intern(a: Assembly) -> Content:
    """The project group's file: rationale, basis of the estimate, build notes and traceability."""
    w = a.words
    t = a.tender
    items = _front(a, w("intern.subtitle"), toc=False)
    if t.rationale:
        items += [("heading", 1, w("intern.rationale.heading"), True), ("para", t.rationale)]
    items += [("heading", 1, w("intern.value.heading"), True),
              ("para", w("intern.value.text", value=nok(a.estimated_value_nok))), ("para", a.value_basis)]
    if a.confidential_left_out:
        items.append(("note", w("intern.confidential", count=a.confidential_left_out)))
    if a.warnings:
        items += [("heading", 1, w("intern.warnings.heading"), True), ("bullets", list(a.warnings))]
    names = a.names
    headers = [w("table.id"), w("intern.trace.why")] + ([w("intern.trace.lots")] if t.lots else [])
    rows = [[s.id, s.trace.summary(names)] + ([a.lot_label(s)] if t.lots else []) for s in a.requirements]
    items += [("heading", 1, w("intern.trace.heading"), True), ("para", w("intern.trace.text")),
              ("table", headers, rows, [2.5, 12.0, 2.5] if t.lots else [2.5, 14.5])]
    return _content(a, "intern", documents()["intern"]["file"], w("intern.footer"), items)


def _content(a: Assembly, key: str, file: str, footer: str, items: list[tuple]) -> Content:
    return Content(key, file, clean(f"{a.tender.title} – {footer}"), [_clean_all(b) for b in number_headings(items)])


def _front(a: Assembly, subtitle: str, toc: bool = True) -> list[tuple]:
    """Title page (and the table of contents)."""
    out: list[tuple] = [("title", title_info(a, subtitle)), ("pagebreak",)]
    if toc:
        out += [("heading", 1, a.words("toc.heading"), False), ("toc",), ("pagebreak",)]
    return out


def number_headings(items: list[tuple]) -> list[tuple]:
    """Prefix chapter numbers («2», «2.1») to the numbered headings (not the contents or appendices)."""
    out, chapter, section, numbering = [], 0, 0, False
    for b in items:
        if b[0] == "heading":
            level, text, numbered = b[1], b[2], b[3]
            if level == 1:
                numbering = numbered
                if numbering:
                    chapter, section = chapter + 1, 0
                    b = ("heading", 1, f"{chapter} {text}", True)
            elif numbering and numbered:
                section += 1
                b = ("heading", level, f"{chapter}.{section} {text}", True)
        out.append(b)
    return out


def toc_entries(items: list[tuple]) -> list[tuple[int, str]]:
    """(level, text) of the headings after the table of contents, for its cached content."""
    after = False
    out = []
    for b in items:
        if b[0] == "toc":
            after = True
        elif after and b[0] == "heading" and b[1] <= 2:
            out.append((b[1], b[2]))
    return out


def title_info(a: Assembly, subtitle: str) -> dict[str, Any]:
    t, w = a.tender, a.words
    names = a.names
    return {
        "subtitle": subtitle,
        "title": t.title,
        "host": w("title.host", host=a.host_name),
        "participants": w("title.participants", names=", ".join(f"{names[n]} ({n})" for n in t.participants)),
        "reference": w("title.reference", reference=t.reference) if t.reference else "",
        "date": w("title.date", date=formatting.date_long(a.as_of)),
        "example": w("title.example") if a.example_data else "",
    }


def _n(reqs: list[SelectedRequirement], kind: str) -> int:
    return sum(s.kind == kind for s in reqs)


# --------------------------------------------------------------------------- konkurransegrunnlaget


def _kg_intro(a: Assembly) -> list[tuple]:
    t, w = a.tender, a.words
    rows = [[f"{r['name']} kommune", r["number"], r["orgnr"] or "–",
             w("kg.buyers.host") if r["host"] else w("kg.buyers.participant")] for _, r in a.participants.iterrows()]
    return [
        ("heading", 1, w("kg.intro.heading"), True), ("para", t.description),
        ("heading", 2, w("kg.buyers.heading"), True),
        ("para", w("kg.buyers.text", host=a.host_name, count=len(t.participants))),
        ("table", [w("kg.buyers.name"), w("kg.buyers.number"), w("kg.buyers.orgnr"), w("kg.buyers.role")],
         rows, [5.0, 3.2, 4.0, 4.8]),
        ("note", a.language_note),
    ]


def scope_bullets(t: TenderDefinition, w: Words) -> list[str]:
    items = []
    if t.service_areas:
        items.append(w("scope.service_areas", items=", ".join(w.label("service_area", c) for c in t.service_areas)))
    if t.welfare_categories:
        items.append(w("scope.welfare", items=", ".join(w.label("welfare_category", c) for c in t.welfare_categories)))
    if t.products:
        items.append(w("scope.products", items=", ".join(t.products)))
    return items


def lots_table(t: TenderDefinition, w: Words) -> tuple:
    rows = [[lot.id, lot.title, ", ".join([w.label("service_area", c) for c in lot.service_areas]
                                          + [w.label("welfare_category", c) for c in lot.welfare_categories]),
             lot.description] for lot in t.lots]
    return ("table", [w("lots.table.number"), w("lots.table.title"), w("lots.table.covers"),
                      w("lots.table.description")], rows, [1.2, 4.5, 5.0, 6.3])


def _kg_scope(a: Assembly) -> list[tuple]:
    t, w = a.tender, a.words
    out: list[tuple] = [("heading", 1, w("kg.scope.heading"), True), ("heading", 2, w("kg.scope.scope"), True),
                        ("bullets", scope_bullets(t, w)),
                        ("para", w("kg.scope.volumes", bilag=bilag_name(a, "requirements")))]
    if t.lots:
        out += [("heading", 2, w("kg.lots.heading"), True), ("para", w("kg.lots.text")), lots_table(t, w)]
    duration = (w("kg.contract.duration", years=t.years, start=formatting.date_long(t.contract_start),
                  options=t.option_years, total=t.years + t.option_years) if t.option_years
                else w("kg.contract.duration_fixed", years=t.years, start=formatting.date_long(t.contract_start)))
    cpv = a.cpv["code"] + (f" {a.cpv['label']}" if a.cpv.get("label") and not a.nynorsk else "")
    out += [("heading", 2, w("kg.contract.heading"), True),
            ("bullets", [w("kg.contract.type", label=w.label("contract_type", t.contract_type)), duration,
                         w("kg.contract.cpv", code=cpv)])]
    return out + _kg_value(a)


def _kg_value(a: Assembly) -> list[tuple]:
    w, th = a.words, a.threshold
    items = [w("kg.value.value", value=nok(a.estimated_value_nok))]
    if th.crossed:
        label = w.label("threshold", th.crossed.id) if a.nynorsk else th.crossed.label
        items.append(w("kg.value.threshold", label=label, amount=nok(th.crossed.amount_nok)))
    else:
        items.append(w("kg.value.below"))
    items.append(w("kg.value.part", part=th.procedure["part"]))
    procedure = procedure_of(a)
    if procedure:
        items.append(w("kg.value.procedure", label=procedure[0], reference=procedure[1]))
    return [("heading", 2, w("kg.value.heading"), True), ("bullets", items)]


def procedure_of(a: Assembly) -> tuple[str, str] | None:
    """(label, FOA reference) of the tender's procedure, when the tender definition names one.

    The procedure, its labels and reference are the tender definition's (`procedure_info`, from
    procedures.yaml, checked at build time); a definition without one gets no procedure line
    rather than a guess.
    """
    p = getattr(a.tender, "procedure_info", None)
    if p is None:
        return None
    return p.label_in(a.nynorsk), p.reference


def _kg_documents(a: Assembly) -> list[tuple]:
    w = a.words
    bilag, listed, _ = bilag_of(a.tender.contract_type, a.nynorsk)
    files = {"requirements": bilag_file(a, "bilag_krav"), "service_levels": bilag_file(a, "bilag_tjenesteniva")
             if a.in_bilag("service_levels") else None}
    rows = []
    for b in (b for b in bilag if b.number in listed):
        content = w("kg.docs.file", file=files[b.role]) if files.get(b.role) else ""
        by = (w("kg.docs.attached") if content else w("kg.docs.customer")) if b.by == "customer" else w("kg.docs.supplier")
        rows.append([w("kg.docs.bilag", number=b.number, title=b.title), content, by])
    matrix = documents()["kravmatrise"]["file"]
    rows.append([w("kg.docs.matrix"), w("kg.docs.matrix_lots" if a.tender.lots else "kg.docs.matrix_content",
                                        file=matrix), w("kg.docs.supplier")])
    return [("heading", 1, w("kg.docs.heading"), True),
            ("para", w("kg.docs.text", contract=w.label("contract_type", a.tender.contract_type))),
            ("table", [w("kg.docs.document"), w("kg.docs.content"), w("kg.docs.by")], rows, [6.5, 6.5, 4.0])]


def _kg_qualification(a: Assembly) -> list[tuple]:
    w = a.words
    reqs = a.qualification
    out: list[tuple] = [("heading", 1, w("kg.qual.heading"), True)]
    if not reqs:
        return out + [("para", w("kg.qual.none"))]
    out += [("para", w("kg.qual.text")), ("para", w("kg.qual.espd" if a.threshold.band == "eea" else "kg.qual.direct"))]
    headers = [w("table.id"), w("table.requirement"), w("table.documentation")]
    lots = bool(a.tender.lots)
    rows = [[s.id, a.text(s), a.documentation(s)] + ([a.lot_label(s)] if lots else []) for s in reqs]
    if lots:
        headers.append(w("table.lots"))
    return out + [("table", headers, rows, [2.2, 6.8, 5.8, 2.2] if lots else [2.4, 8.1, 6.5])]


def _rejection(a: Assembly, which: str) -> str:
    refs = _texts_rejection()
    entry = refs.get(a.threshold.band) or refs["default"]
    return a.words.of(entry[which])


def _texts_rejection() -> dict:
    from digireform.model.schema import package_yaml

    return package_yaml("tender_texts.yaml")["rejection"]


def _kg_rejection(a: Assembly) -> list[tuple]:
    w, t = a.words, a.tender
    items = [w("kg.reject.skal", reference=_rejection(a, "material")), w("kg.reject.bor"),
             w("kg.reject.reservations", reference=_rejection(a, "material")),
             w("kg.reject.late", reference=_rejection(a, "late"))]
    validity = t.timeline.get("offer_validity")
    if validity:
        items.append(w("kg.reject.validity", date=formatting.date_long(validity)))
    return [("heading", 1, w("kg.reject.heading"), True), ("bullets", items)]


def criterion_requirements(a: Assembly) -> dict[str, list[SelectedRequirement]]:
    """The BØR requirements each award criterion scores, by the one rule (`tender.rules.scored_requirements`:
    the tender file's own lists, else evaluation.yaml's category → criterion): each under exactly one."""
    from digireform.tender.rules import scored_requirements

    by_id = {s.id: s for s in a.requirements}
    return {code: [by_id[i] for i in ids if i in by_id]
            for code, ids in scored_requirements(a.tender, a.requirements).items() if ids}


def _kg_award(a: Assembly) -> list[tuple]:
    w, t = a.words, a.tender
    scored = criterion_requirements(a)
    price_bilag = bilag_name(a, "price")
    rows = []
    for c in t.award_criteria:
        label = w.label("award_criterion", c.code) if a.nynorsk and c.code in _known_criteria() else c.label
        what = [c.description] if c.description else []
        if c.ocds_type in ("price", "cost"):
            what += [w("kg.award.price", bilag=price_bilag)] if price_bilag else []
        if c.code in scored:
            cats = [w.category(code) for code, _ in a.by_category(scored[c.code])]
            what.append(w("kg.award.bor_in", categories=", ".join(cats)))
        if c.reason:
            what.append(w("kg.award.reason", reason=c.reason))
        rows.append([label, formatting.percent_value(c.weight), " ".join(what)])
    out: list[tuple] = [("heading", 1, w("kg.award.heading"), True),
                        ("para", w("kg.award.text") + (" " + w("kg.award.lots") if t.lots else "")),
                        ("table", [w("kg.award.criterion"), w("kg.award.weight"), w("kg.award.what")], rows,
                         [4.5, 1.8, 10.7])]
    climate = sum(c.weight for c in t.award_criteria if c.climate)
    if climate:
        out.append(("note", w("kg.award.climate", weight=formatting.percent_value(climate))))
    return out + _kg_evaluation(a, scored)


def _known_criteria() -> set[str]:
    from digireform.tender.definition import defaults

    return set(defaults()["award_criteria"])


def _kg_evaluation(a: Assembly, scored: dict[str, list[SelectedRequirement]]) -> list[tuple]:
    w = a.words
    model = evaluation()
    top = model["max_points"]
    form = w.form
    rows = [[str(x[form]), w("kg.eval.share", share=formatting.percent_value(float(x["score"]) * 100))]
            for x in model["answers"]["bor"]]
    out: list[tuple] = [("heading", 2, w("kg.eval.heading"), True), ("para", w("kg.eval.points", max=top)),
                        ("table", [w("kg.eval.answer"), w("kg.eval.score")], rows, [6.0, 8.0]),
                        ("para", w("kg.eval.quality", max=top))]
    if any(c.ocds_type in ("price", "cost") for c in a.tender.award_criteria):
        out.append(("para", w("kg.eval.price_model", max=top)))
    described = [c for c in a.tender.award_criteria if c.ocds_type not in ("price", "cost") and c.code not in scored]
    if described:
        out.append(("para", w("kg.eval.described", bilag=bilag_name(a, "solution"))))
    return out


def _kg_timeline(a: Assembly) -> list[tuple]:
    w, t = a.words, a.tender
    rows = [[w(f"timeline.{k}"), formatting.date_long(v)]  # a date without a label is an error, never a code
            for k, v in sorted(t.timeline.items(), key=lambda kv: kv[1])]
    rows.append([w("timeline.contract_start"), formatting.date_long(t.contract_start)])
    return [("heading", 1, w("kg.timeline.heading"), True),
            ("table", [w("kg.timeline.milestone"), w("kg.timeline.date")], rows, [8.0, 6.0]),
            ("para", w("kg.timeline.note"))]


# --------------------------------------------------------------------------- the requirement bilag


def _b1_need(a: Assembly) -> list[tuple]:
    t, w = a.tender, a.words
    names = ", ".join(a.names[n] for n in t.participants)
    out: list[tuple] = [("heading", 1, w("b1.need.heading"), True), ("para", t.description),
                        ("para", w("b1.need.common", count=len(t.participants), names=names))]
    return out + _participants_table(a) + _systems_table(a) + (_welfare_tables(a) if len(a.welfare) else [])


def _participants_table(a: Assembly) -> list[tuple]:
    w = a.words
    has_systems, has_welfare = len(a.systems) > 0, len(a.welfare) > 0
    headers, widths = [w("b1.participants.name"), w("b1.participants.population")], [4.5, 2.5]
    if has_systems:
        headers += [w("b1.participants.systems"), w("b1.participants.users")]
        widths += [3.5, 2.5]
    if has_welfare:
        headers += [w("b1.participants.welfare")]
        widths += [4.0]
    rows = []
    for _, r in a.participants.iterrows():
        row = [w("b1.participants.host", name=r["name"]) if r["host"] else r["name"], count(r["population"])]
        if has_systems:
            row += [count(r["systems_replaced"]), count(r["users"])]
        if has_welfare:
            row += [units(r["welfare_gap"], w)]
        rows.append(row)
    return [("heading", 2, w("b1.participants.heading"), True), ("table", headers, rows, widths)]


def _systems_table(a: Assembly) -> list[tuple]:
    if not len(a.systems):
        return []
    w = a.words
    g = a.systems.groupby("product_canonical", sort=True).agg(
        munis=("name", lambda s: ", ".join(dict.fromkeys(s))), n=("system_id", "size"),
        users=("users", lambda s: s.sum(min_count=1)))
    return [("heading", 2, w("b1.systems.heading"), True), ("para", w("b1.systems.text")),
            ("table", [w("b1.systems.product"), w("b1.systems.municipalities"), w("b1.systems.installations"),
                       w("b1.systems.users")],
             [[str(i), r["munis"], count(r["n"]), count(r["users"])] for i, r in g.iterrows()], [4.5, 7.5, 2.5, 2.5])]


def _welfare_tables(a: Assembly) -> list[tuple]:
    w, wf = a.words, a.welfare
    cat = lambda c: w.label("welfare_category", c)  # noqa: E731
    out: list[tuple] = [
        ("heading", 2, w("b1.welfare.heading"), True), ("para", w("b1.welfare.text")),
        ("table", [w("b1.welfare.category"), w("b1.welfare.municipality"), w("b1.welfare.in_use"),
                   w("b1.welfare.needed"), w("b1.welfare.gap"), w("b1.welfare.year")],
         [[cat(r["category"]), r["name"], units(r["in_use"], w), units(r["needed"], w), units(r["gap"], w),
           year(r["target_year"])] for _, r in wf.iterrows()],
         [4.5, 3.5, 2.0, 2.0, 2.0, 2.0]),
    ]
    y = a.welfare_per_year
    if len(y):
        unknown = wf[wf["needed"].isna()]
        note = (" " + w("b1.volume.unknown", items=", ".join(f"{cat(r['category'])} ({r['name']})"
                                                             for _, r in unknown.iterrows()))) if len(unknown) else ""
        out += [("heading", 2, w("b1.volume.heading"), True), ("para", w("b1.volume.text") + note),
                ("table", [w("b1.welfare.category"), w("b1.welfare.year"), w("b1.welfare.units"),
                           w("b1.welfare.in_use"), w("b1.welfare.gap"), w("b1.welfare.count")],
                 [[cat(r["category"]), str(r["year"]), count(r["units"]), units(r["in_use"], w), units(r["gap"], w),
                   count(r["municipalities"])] for _, r in y.iterrows()],
                 [4.5, 1.8, 1.8, 1.8, 1.8, 2.3])]
    return out


def _b1_scope(a: Assembly) -> list[tuple]:
    t, w = a.tender, a.words
    out: list[tuple] = [("heading", 1, w("b1.scope.heading"), True), ("bullets", scope_bullets(t, w))]
    return out + ([lots_table(t, w)] if t.lots else [])


def _b1_requirements(a: Assembly) -> list[tuple]:
    w = a.words
    reqs = a.in_bilag("requirements")
    text = w("b1.reqs.text", total=len(reqs), skal=_n(reqs, "skal"), bor=_n(reqs, "bor"),
             solution=bilag_name(a, "solution"))
    if a.tender.lots:
        text += " " + w("b1.reqs.lots")
    if a.in_bilag("service_levels"):
        text += " " + w("b1.reqs.sla", bilag=bilag_name(a, "service_levels"))
    return [("heading", 1, w("b1.reqs.heading"), True), ("para", text)] + _requirement_tables(a, reqs)


def _requirement_tables(a: Assembly, reqs: list[SelectedRequirement]) -> list[tuple]:
    """One table per category: ID, text, SKAL/BØR, weight, (lots,) reference."""
    w = a.words
    lots = bool(a.tender.lots)
    headers = [w("table.id"), w("table.requirement"), w("table.kind"), w("table.weight")]
    headers += [w("table.lots")] if lots else []
    headers.append(w("table.reference"))
    out: list[tuple] = []
    for category, items in a.by_category(reqs):
        rows = [[s.id, a.text(s), w.kind(s.kind), weight_text(s.weight)] + ([a.lot_label(s)] if lots else [])
                + [s.requirement.reference] for s in items]
        out += [("heading", 2, w.category(category), True),
                ("table", headers, rows, REQ_WIDTHS if lots else REQ_WIDTHS_NO_LOTS)]
    return out


def _b1_appendix(a: Assembly) -> list[tuple]:
    """Vedlegg A: the systems in use today, per municipality (none when the scope replaces no system)."""
    if not len(a.systems):
        return []
    w = a.words
    title = f"{w('appendix.prefix')} A: {w('b1.appendix.heading')}"
    rows = [[r["name"], r["system_id"], r["product_canonical"], r["vendor"] or "", r["function"] or "",
             count(r["users"]), short_date(r["contract_end"])] for _, r in a.systems.iterrows()]
    return [("pagebreak",), ("heading", 1, title, False), ("para", w("b1.appendix.text")),
            ("table", [w("b1.appendix.municipality"), w("b1.appendix.id"), w("b1.appendix.product"),
                       w("b1.appendix.vendor"), w("b1.appendix.function"), w("b1.appendix.users"),
                       w("b1.appendix.contract_end")], rows, [2.3, 1.8, 2.9, 2.7, 3.4, 1.7, 2.2])]


def answer_options(kind: str, nynorsk: bool) -> list[str]:
    """The answers of the matrix for a requirement kind (evaluation.yaml)."""
    return answers(kind, nynorsk)
