"""«Anbud»: the joint tenders, their timeline and the documents built for this data version."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from digireform.dashboard import common as c
from digireform.dashboard.pages.base import DOCS_ENV, DOCS_URL, Context, html_block, selections


def build(ctx: Context, page: dict[str, Any]) -> None:
    tenders = _tenders(ctx)
    if not tenders:
        page["blocks"].append(html_block({"*": c.section("Anbud", c.notice("Ingen anbud er definert ennå."))}))
        return
    for t in tenders:
        page["blocks"].append(html_block({s: _tender_html(ctx, t, s) for s in selections(ctx)}))


def _tenders(ctx: Context) -> list[dict[str, Any]]:
    """Each tender in procurement/tenders, assembled by the tender module (public fields only)."""
    folder = ctx.data_dir / "procurement" / "tenders"
    out = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        out.append(_tender_summary(ctx, path))
    return out


def _tender_summary(ctx: Context, path: Path) -> dict[str, Any]:
    """What the page can say about one tender.

    The tender file is read on its own first: whenever it is readable its title, host and
    participants are shown, even when the participants' data have errors (then the
    figures that need the data, and the documents, are left out with one calm sentence).
    """
    from digireform.model.errors import DigireformError
    from digireform.tender.build import prepare
    from digireform.tender.definition import load_tender

    try:
        tender = load_tender(path)  # the file itself, not checked against the data folder
    except DigireformError:
        return {"slug": path.stem, "title": "Anbud", "error": "tender", "participants": None}
    base = {
        "slug": tender.slug, "title": tender.title, "description": tender.description, "status": tender.status,
        "host": _any_name(ctx, tender.host), "participants": list(tender.participants),
        "scope": _scope_labels(tender),
        "timeline": [[k, v.isoformat()] for k, v in sorted(tender.timeline.items(), key=lambda kv: kv[1])],
        "contract": f"{tender.contract_type}, {tender.years} år + {tender.option_years} års opsjon, "
                    f"fra {c.fmt_date(tender.contract_start.isoformat())}",
    }
    try:
        a = prepare(path, region=ctx.region, as_of=ctx.as_of)
    except DigireformError:
        return {**base, "error": "data"}
    cats = a.library.categories
    return {
        **base, **_notice_fields(a), "sharing": _sharing(a),
        "host": a.host_name, "participants": list(a.participants["number"]),
        "value": a.estimated_value_nok, "value_basis": a.value_basis, "threshold": a.threshold.as_dict(),
        "requirements": [[cats.get(code, code), len(items), sum(s.requirement.kind == "skal" for s in items)]
                         for code, items in a.by_category()],
        "documents": _documents(a.tender.slug),
    }


def _notice_fields(a: Any) -> dict[str, Any]:
    """The notice's key fields as the eForms notice states them: type, procedure, deadline, lots with values."""
    from digireform.tender.exports.eforms import settings, two_stage
    from digireform.tender.lot_values import LotValueError, lot_values

    cfg = settings()
    info = a.tender.procedure_info
    code = cfg["procedures"].get(a.tender.procedure or "", "")
    staged = bool(code) and two_stage(code)
    deadline_key = "participation_deadline" if staged else "tender_deadline"
    subtype = next((k for k, v in cfg["subtypes"].items() if a.threshold.band in v["bands"]), None)
    try:
        values: list[Any] = [float(v) for v in lot_values(a)]
    except LotValueError:
        values = [None] * max(1, len(a.tender.lots))
    lots = [[lot.id, lot.title, v] for lot, v in zip(a.tender.lots, values, strict=False)] if a.tender.lots else []
    deadline = a.tender.timeline.get(deadline_key)
    return {"notice": {
        "type": cfg["subtypes"][subtype]["label"] if subtype else "",
        "procedure": f"{info.label} ({info.reference})" if info else "",
        "deadline_label": TIMELINE_LABELS[deadline_key], "deadline": deadline.isoformat() if deadline else None,
        "lots": lots,
    }}


def _sharing(a: Any) -> dict[str, Any] | None:
    """The partners' cost-sharing table (as in samarbeidsavtale.docx), or why it cannot be shown."""
    from digireform.model.errors import DigireformError
    from digireform.model.schema import package_yaml
    from digireform.tender.agreement import cost_sharing_spec, key_table, tender_key

    if cost_sharing_spec(a.tender) is None:
        return None
    try:
        key = tender_key(a)
    except DigireformError as exc:
        return {"error": str(exc)}
    headers, rows = key_table(key, a)
    return {"label": key.label, "headers": headers, "rows": rows,
            "rounding": " ".join(package_yaml("cost_sharing.yaml")["rounding"].split())}


def _any_name(ctx: Context, nr: str | None) -> str:
    """A municipality's name even when its data are left out (the register's name then)."""
    from digireform.dashboard.datacheck import municipality_name

    return municipality_name(ctx.region, nr) if nr else ""


def _scope_labels(tender) -> list[str]:
    from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, label

    return ([label(SERVICE_AREAS, s) for s in tender.service_areas]
            + [label(WELFARE_CATEGORIES, w) for w in tender.welfare_categories])


TIMELINE_LABELS = {"publication": "Kunngjøring", "questions_deadline": "Frist for spørsmål",
                   "participation_deadline": "Frist for forespørsel om å delta",
                   "invitation": "Invitasjon til å levere tilbud", "tender_deadline": "Tilbudsfrist",
                   "offer_validity": "Vedståelsesfrist", "award": "Tildeling", "signing": "Kontraktsinngåelse",
                   "contract_signature": "Kontraktsignering", "contract_start": "Kontraktstart"}


DOCUMENT_LABELS = {"konkurransegrunnlag.docx": "Konkurransegrunnlag (Word)",
                   "bilag-{n}-kravspesifikasjon.docx": "Bilag {n}: Kravspesifikasjon (Word)",
                   "bilag-{n}-tjenesteniva.docx": "Bilag {n}: Tjenestenivå (Word)",
                   "kravmatrise.xlsx": "Kravmatrise (Excel)", "anbudsdokumenter.md": "Anbudsdokumentene (tekst)",
                   "ocds-release-package.json": "OCDS-kunngjøring (JSON)"}
_BILAG = re.compile(r"bilag-(\d{1,2})-([a-z]+)\.docx")


def _document_label(name: str) -> tuple[int, str] | None:
    """(place in the list, label) of a public document's file name; None for any other file."""
    match = _BILAG.fullmatch(name)
    key = f"bilag-{{n}}-{match[2]}.docx" if match else name
    if key not in DOCUMENT_LABELS:
        return None
    return list(DOCUMENT_LABELS).index(key), DOCUMENT_LABELS[key].format(n=match[1] if match else "")


def _documents(slug: str) -> list[list[str]]:
    """Links to the tender's public documents, when the server has built them (see serve), in reading order."""
    folder = os.environ.get(DOCS_ENV)
    if not folder or not (Path(folder) / slug).is_dir():
        return []
    found = sorted((_document_label(p.name), p.name) for p in (Path(folder) / slug).iterdir()
                   if p.is_file() and _document_label(p.name))
    return [[label, f"{DOCS_URL}/{slug}/{name}"] for (_, label), name in found]


def _download_name(url: str) -> str:
    """/dokumenter/<slug>/<file> → «<slug>-<file>» (as the server's Content-Disposition says)."""
    slug, name = url.rsplit("/", 2)[-2:]
    return f"{slug}-{name}"


TENDER_TEXTS = {
    "tender": "Anbudet kan ikke vises ennå fordi anbudsfila har feil; prosjektgruppen retter den.",
    "data": "Anbudsdokumentene er ikke oppdatert fordi dataene har feil; prosjektgruppen retter dem.",
}


def _tender_html(ctx: Context, t: dict[str, Any], sel: str) -> str:
    if t.get("error") == "tender":
        return c.section(t["title"], c.notice(TENDER_TEXTS["tender"], "warning"))
    if sel != c.ALL and sel not in t["participants"]:  # the tender file says so
        return c.section(t["title"], c.notice(f"{_any_name(ctx, sel)} er ikke med i dette anbudet."))
    names = ", ".join(_any_name(ctx, n) for n in t["participants"])
    participants = {"key": "tender_participants", "label": "Deltakere", "value": len(t["participants"]),
                    "text": c.fmt_int(len(t["participants"])), "note": f"vertskommune {t['host']}"}
    facts = c.facts([["Status", t["status"]], ["Deltakere", names], ["Vertskommune", t["host"]],
                     ["Omfang", ", ".join(t["scope"])], ["Avtale", t["contract"]],
                     *([["Prosedyre", t["notice"]["procedure"] or t["threshold"].get("procedure", "")]]
                       if t.get("threshold") else [])])
    timeline = c.table(["Milepæl", "Dato"], [[TIMELINE_LABELS.get(k, k), c.fmt_date(v)] for k, v in t["timeline"]])
    intro = f'<p class="dr-intro">{c.esc(t.get("description", ""))}</p>'
    if t.get("error") == "data":
        body = (f'{intro}{c.notice(TENDER_TEXTS["data"], "warning")}{c.kpi_cards([participants])}{facts}'
                f'{c.section("Tidsplan", timeline)}')
        return c.section(t["title"], body)
    th = t["threshold"]
    kpis = c.kpi_cards([
        {"key": "tender_value", "label": "Anslått verdi", "value": t["value"], "text": c.fmt_nok_short(t["value"]),
         "note": t["value_basis"]},
        participants,
        {"key": "tender_requirements", "label": "Krav", "value": sum(r[1] for r in t["requirements"]),
         "text": c.fmt_int(sum(r[1] for r in t["requirements"])),
         "note": f"{sum(r[2] for r in t['requirements'])} SKAL-krav"},
        {"key": "tender_procedure", "label": "Terskelverdi og prosedyre", "value": th.get("band"),
         "text": th.get("part", ""), "note": th.get("announcement", "")},
    ])
    reqs = c.table(["Kategori", "Krav", "Herav SKAL"], t["requirements"], numeric=(1, 2))
    docs = ("<ul class='dr-docs'>" + "".join(f'<li><a href="{c.esc(u)}" download="{c.esc(_download_name(u))}">'
                                             f'{c.esc(n)}</a></li>' for n, u in t["documents"]) + "</ul>"
            if t["documents"] else c.notice("Dokumentene er ikke tilgjengelige ennå."))
    body = (f'{intro}{kpis}{facts}'
            f'<div class="dr-columns"><div>{c.section("Krav per kategori", reqs)}</div>'
            f'<div>{c.section("Tidsplan", timeline)}{c.section("Dokumenter", docs)}</div></div>'
            f'{c.section("Kunngjøring", _notice_html(t["notice"]))}{_sharing_html(t.get("sharing"))}')
    return c.section(t["title"], body)


def _notice_html(n: dict[str, Any]) -> str:
    facts = c.facts([["Kunngjøringstype", n["type"]], ["Prosedyre", n["procedure"]],
                     [n["deadline_label"], c.fmt_date(n["deadline"]) if n["deadline"] else "ikke satt"]])
    if not n["lots"]:
        return facts
    rows = [[lot_id, title, c.fmt_nok(value) if value is not None else ""] for lot_id, title, value in n["lots"]]
    return facts + c.table(["Delkontrakt", "Innhold", "Anslått verdi"], rows, numeric=(2,))


def _sharing_html(sharing: dict[str, Any] | None) -> str:
    if sharing is None:
        return ""
    if "error" in sharing:
        return c.section("Fordeling av kostnadene", c.notice(sharing["error"], "warning"))
    numeric = tuple(range(1, len(sharing["headers"])))
    body = (f'<p>Fordelingsnøkkel: {c.esc(sharing["label"])} (anslått verdi per år).</p>'
            f'{c.table(sharing["headers"], sharing["rows"], numeric=numeric)}'
            f'<p class="dr-note">{c.esc(sharing["rounding"])}</p>')
    return c.section("Fordeling av kostnadene", body)
