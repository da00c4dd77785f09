"""The tender document as a list of blocks, shared by the Word and Markdown renderers.

Blocks are plain tuples so that a renderer is a short loop: ("title", dict),
("heading", level, text), ("para", text), ("bullets", [text]), ("table", headers, rows,
widths_cm), ("note", text), ("toc",), ("pagebreak",). Everything here is public: the
systems frame has confidential fields blanked and contacts are never part of an Assembly.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from digireform.model import formatting
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, label
from digireform.tender.assembly import Assembly, nok
from digireform.tender.definition import defaults

TIMELINE_LABELS = {
    "publication": "Kunngjøring",
    "questions_deadline": "Frist for spørsmål",
    "participation_deadline": "Frist for forespørsel om å delta",
    "invitation": "Invitasjon til å levere tilbud",
    "tender_deadline": "Tilbudsfrist",
    "offer_validity": "Vedståelsesfrist",
    "award": "Meddelelse av tildeling (planlagt)",
    "signing": "Kontraktsinngåelse (planlagt)",
}
REQ_HEADERS = ["ID", "Krav", "SKAL/BØR", "Vekt", "Referanse"]
REQ_WIDTHS = [2.4, 7.9, 1.5, 1.2, 4.0]


def short_date(day: Any) -> str:
    """«31.03.2028» for tables; «–» for missing."""
    return formatting.date_no(day)


def count(x: Any) -> str:
    """A whole number with non-breaking thousands separators («1 200»); «–» when unknown."""
    return formatting.number(x, 0, formatting.NBSP)


def units(x: Any) -> str:
    """A number of welfare units, «ukjent» when unknown (an unknown need is said, not guessed)."""
    return "ukjent" if formatting.is_missing(x) else count(x)


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


def blocks(a: Assembly) -> list[tuple]:
    """The whole document, in order (text cleaned for XML)."""
    out: list[tuple] = [("title", title_info(a)), ("pagebreak",), ("heading", 1, "Innhold"), ("toc",), ("pagebreak",)]
    out += _introduction(a) + _background(a) + _scope(a) + requirement_blocks(a) + _award(a) + _timeline(a)
    out += _appendix_systems(a) + _appendix_trace(a)
    return [_clean_all(b) for b in number_headings(out)]


def number_headings(items: list[tuple]) -> list[tuple]:
    """Prefix chapter numbers («2», «2.1») to headings; not to «Innhold» and the appendices."""
    out, chapter, section, numbering = [], 0, 0, False
    for b in items:
        if b[0] == "heading":
            level, text = b[1], b[2]
            if level == 1:
                numbering = text != "Innhold" and not text.startswith("Vedlegg")
                if numbering:
                    chapter, section = chapter + 1, 0
                    b = ("heading", 1, f"{chapter} {text}")
            elif numbering:
                section += 1
                b = ("heading", level, f"{chapter}.{section} {text}")
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


def title_info(a: Assembly) -> dict[str, Any]:
    t = a.tender
    names = a.names
    return {
        "subtitle": defaults()["documents"]["docx"]["title"],
        "title": t.title,
        "host": f"Vertskommune: {a.host_name} kommune",
        "participants": "Deltakende kommuner: " + ", ".join(f"{names[n]} ({n})" for n in t.participants),
        "reference": f"Saksnummer: {t.reference}" if t.reference else "",
        "date": f"Dato: {formatting.date_long(a.as_of)}",
        "example": "EKSEMPELDATA – fiktive kommunedata, ikke til bruk i en reell konkurranse" if a.example_data else "",
    }


def _introduction(a: Assembly) -> list[tuple]:
    t = a.tender
    out: list[tuple] = [("heading", 1, "Innledning"), ("para", t.description)]
    if t.rationale:
        out += [("heading", 2, "Bakgrunn for felles anskaffelse"), ("para", t.rationale)]
    out += [
        ("para", f"{a.host_name} kommune er vertskommune og gjennomfører konkurransen på vegne av "
                 f"{len(t.participants)} kommuner. Kravene i kapittel 4 er felles for alle deltakerne."),
        ("para", "SKAL-krav er absolutte: et tilbud som ikke oppfyller dem, vil bli avvist. BØR-krav vektes "
                 "ved evalueringen etter vekten som er oppgitt. Leverandøren besvarer hvert krav i kravmatrisen "
                 "(kravmatrise.xlsx) og beskriver løsningen i Bilag 2."),
        ("note", a.language_note),
    ]
    return out


def _background(a: Assembly) -> list[tuple]:
    out: list[tuple] = [("heading", 1, "Dagens situasjon og volum"), ("heading", 2, "Deltakende kommuner")]
    p = a.participants
    has_systems, has_welfare = len(a.systems) > 0, len(a.welfare) > 0
    headers = ["Kommune", "Innbyggere"]
    widths = [4.5, 2.5]
    if has_systems:
        headers += ["Systemer som erstattes", "Brukere"]
        widths += [3.5, 2.5]
    if has_welfare:
        headers += ["Økt behov velferdsteknologi (enheter)"]
        widths += [4.0]
    rows = []
    for _, r in p.iterrows():
        row = [f"{r['name']}{' (vertskommune)' if r['host'] else ''}", count(r["population"])]
        if has_systems:
            row += [count(r["systems_replaced"]), count(r["users"])]
        if has_welfare:
            row += [units(r["welfare_gap"])]
        rows.append(row)
    out.append(("table", headers, rows, widths))
    if has_systems:
        out += [("heading", 2, "Systemer som skal erstattes"),
                ("para", "Tabellen viser produktene som er i bruk i dag og som den nye avtalen skal erstatte. "
                         "Fullstendig liste per kommune står i vedlegg A.")]
        g = a.systems.groupby("product_canonical", sort=True).agg(
            munis=("name", lambda s: ", ".join(dict.fromkeys(s))), n=("system_id", "size"),
            users=("users", lambda s: s.sum(min_count=1)))
        out.append(("table", ["Produkt", "Kommuner", "Installasjoner", "Brukere"],
                    [[str(i), r["munis"], count(r["n"]), count(r["users"])] for i, r in g.iterrows()],
                    [4.5, 7.5, 2.5, 2.5]))
    if has_welfare:
        out += _welfare_tables(a)
    return out


def _welfare_tables(a: Assembly) -> list[tuple]:
    w = a.welfare
    out: list[tuple] = [
        ("heading", 2, "Behov for velferdsteknologi"),
        ("para", "Enheter i bruk i dag (i drift og utprøving) og samlet behov innen målåret, per kommune. "
                 "Økningen er det partnerne trenger i tillegg til dagens enheter."),
        ("table", ["Kategori", "Kommune", "I bruk", "Behov", "Økning", "Målår"],
         [[label(WELFARE_CATEGORIES, r["category"]), r["name"], units(r["in_use"]), units(r["needed"]),
           units(r["gap"]), year(r["target_year"])] for _, r in w.iterrows()],
         [4.5, 3.5, 2.0, 2.0, 2.0, 2.0]),
    ]
    y = a.welfare_per_year
    if len(y):
        out += [("heading", 2, "Felles volum per år"),
                ("para", "Samlet behov for alle deltakerne, fordelt på målåret kommunene har satt."
                 + _unknown_need_note(w)),
                ("table", ["Kategori", "Målår", "Enheter", "I bruk", "Økning", "Kommuner"],
                 [[label(WELFARE_CATEGORIES, r["category"]), str(r["year"]), count(r["units"]), units(r["in_use"]),
                   units(r["gap"]), count(r["municipalities"])] for _, r in y.iterrows()],
                 [4.5, 2.0, 2.0, 2.0, 2.0, 2.0])]
    return out


def _unknown_need_note(w: Any) -> str:
    """« Ukjent behov, ikke med: …» per category whose need a participant has not given; else ""."""
    rows = w[w["needed"].isna()]
    if not len(rows):
        return ""
    found = [f"{label(WELFARE_CATEGORIES, r['category'])} ({r['name']})" for _, r in rows.iterrows()]
    return " Ukjent behov, ikke med i volumet: " + ", ".join(found) + "."


def _scope(a: Assembly) -> list[tuple]:
    t = a.tender
    ctype = defaults()["contract_types"][t.contract_type]["label"]
    items = []
    if t.service_areas:
        items.append("Tjenesteområder: " + ", ".join(code_list(SERVICE_AREAS)[c] for c in t.service_areas))
    if t.welfare_categories:
        items.append("Velferdsteknologi: " + ", ".join(label(WELFARE_CATEGORIES, c) for c in t.welfare_categories))
    if t.products:
        items.append("Produkter som erstattes: " + ", ".join(t.products))
    out: list[tuple] = [("heading", 1, "Omfang, delkontrakter og avtale"), ("heading", 2, "Omfang"), ("bullets", items)]
    if t.lots:
        out += [("heading", 2, "Delkontrakter"),
                ("para", "Leverandører kan gi tilbud på én eller flere delkontrakter."),
                ("table", ["Nr.", "Delkontrakt", "Omfatter", "Beskrivelse"],
                 [[lot.id, lot.title, ", ".join([code_list(SERVICE_AREAS)[c] for c in lot.service_areas]
                                                + [label(WELFARE_CATEGORIES, c) for c in lot.welfare_categories]),
                   lot.description] for lot in t.lots],
                 [1.2, 4.5, 5.0, 6.3])]
    th = a.threshold
    th_line = (f"{th.crossed.label}: {nok(th.crossed.amount_nok)}. Kilde: {th.crossed.source}" if th.crossed
               else "Under alle terskelverdier.")
    out += [
        ("heading", 2, "Avtale og varighet"),
        ("bullets", [
            f"Avtaletype: {ctype}",
            f"Varighet: {t.years} år fra {formatting.date_long(t.contract_start)}, med opsjon på forlengelse i "
            f"inntil {t.option_years} år (samlet inntil {t.years + t.option_years} år)",
            f"Hovedkode (CPV): {a.cpv['code']}{' ' + a.cpv['label'] if a.cpv.get('label') else ''}",
        ]),
        ("heading", 2, "Anslått verdi og prosedyre"),
        ("bullets", [
            f"Anslått samlet verdi (eks. mva): {nok(a.estimated_value_nok)}",
            f"Grunnlag: {a.value_basis}",
            f"Terskelverdi: {th_line}",
            f"Regelverk og prosedyre: {th.procedure['part']} – {th.procedure['label']}",
            f"Kunngjøring: {th.procedure['announcement']}",
        ]),
    ]
    if a.confidential_left_out:
        out.append(("note", f"{a.confidential_left_out} av dagens systemer er unntatt offentlighet. Kostnad og "
                            "avtaledata for disse er ikke vist og ikke tatt med i anslaget."))
    return out


def requirement_blocks(a: Assembly) -> list[tuple]:
    out: list[tuple] = [
        ("heading", 1, "Krav"),
        ("para", f"Kapitlet har {len(a.requirements)} krav: "
                 f"{sum(s.requirement.kind == 'skal' for s in a.requirements)} SKAL-krav og "
                 f"{sum(s.requirement.kind == 'bor' for s in a.requirements)} BØR-krav. "
                 "Vedlegg B viser hvilke kommuner, systemer og behov som ligger bak hvert krav."),
    ]
    for category, reqs in a.by_category():
        out.append(("heading", 2, a.library.category_label(category)))
        rows = [[s.id, a.text(s), s.requirement.kind_label, weight_text(s.weight), s.requirement.reference] for s in reqs]
        out.append(("table", REQ_HEADERS, rows, REQ_WIDTHS))
    return out


def _award(a: Assembly) -> list[tuple]:
    cfg = defaults()
    rows = [[c.label, formatting.percent_value(c.weight), " ".join(x for x in (c.description, c.reason and f"Begrunnelse: {c.reason}") if x)]
            for c in a.tender.award_criteria]
    out: list[tuple] = [
        ("heading", 1, "Tildelingskriterier"),
        ("para", "Kontrakt tildeles det tilbudet som har best forhold mellom pris eller kostnad og kvalitet, "
                 "vurdert etter kriteriene og vektene nedenfor (summen er 100 %)."),
        ("table", ["Kriterium", "Vekt", "Hva som vurderes"], rows, [5.0, 2.0, 10.0]),
        ("note", f"Klima og miljø: {cfg['climate_rule']}."),
    ]
    return out


def _timeline(a: Assembly) -> list[tuple]:
    t = a.tender
    rows = [[TIMELINE_LABELS[k], formatting.date_long(v)] for k, v in t.timeline.items()]
    rows.append(["Kontraktsstart", formatting.date_long(t.contract_start)])
    return [("heading", 1, "Tidsplan"), ("table", ["Milepæl", "Dato"], rows, [8.0, 6.0])]


def _appendix_systems(a: Assembly) -> list[tuple]:
    out: list[tuple] = [("pagebreak",), ("heading", 1, "Vedlegg A: Dagens systemer og velferdsteknologi")]
    if len(a.systems):
        out.append(("para", "Systemene som er i bruk hos deltakerne i dag innenfor anskaffelsens omfang. "
                            "Avtaledata for systemer som er unntatt offentlighet, er ikke vist."))
        rows = [[r["name"], r["system_id"], r["product_canonical"], r["vendor"] or "", r["function"] or "",
                 count(r["users"]), short_date(r["contract_end"])] for _, r in a.systems.iterrows()]
        out.append(("table", ["Kommune", "ID", "Produkt", "Leverandør", "Funksjon", "Brukere", "Avtale utløper"],
                    rows, [2.3, 1.8, 2.9, 2.7, 3.4, 1.7, 2.2]))
    if len(a.welfare):
        out.append(("para", "Velferdsteknologi i bruk og meldt behov, per kommune og kategori, står i kapittel 2."))
    if not len(a.systems) and not len(a.welfare):
        out.append(("para", "Ingen av deltakernes registrerte systemer faller inn under omfanget."))
    return out


def _appendix_trace(a: Assembly) -> list[tuple]:
    names = a.names
    rows = [[s.id, s.trace.summary(names)] for s in a.requirements]
    return [("heading", 1, "Vedlegg B: Sporbarhet"),
            ("para", "Hvorfor hvert krav er med: omfanget det hører til, og kommunene, systemene og behovene "
                     "som trekker det inn."),
            ("table", ["ID", "Hentet inn av"], rows, [2.5, 14.5])]
