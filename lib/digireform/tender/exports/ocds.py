"""ocds-release-package.json: the tender as an OCDS 1.1 release package, validated.

Validation uses the schema vendored in data/ocds (OCDS 1.1.5, Apache-2.0): the package
schema refers to the release schema by URL, which a local `referencing.Registry`
resolves, so nothing is fetched. Formats (date-time, uri) are checked. Lots follow the
OCDS lots extension 1.1.5, declared in `extensions` by URL and validated with its own schema
(vendored in data/ocds/lots-extension, merged into the release schema as OCDS does). Every date is a
full date-time with the Norwegian offset; every URL is absolute, under the configured
base URL. Participants are buyers identified by organisation number (scheme NO-BRC)
when kommune.yaml has it, with the organisation's postal address and shared mailbox
(kommune.yaml `office`, never a person); the host is also the procuring entity, and the review
body (KOFA) is a party. The procedure is the tender file's; lots carry their estimated value
(tender.lot_values). While the ocid prefix is the placeholder, the build warns.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from digireform.model import formatting
from digireform.model.errors import DigireformError
from digireform.model.resources import read_data_text
from digireform.tender.assembly import Assembly, item_cpv
from digireform.tender.definition import defaults
from digireform.tender.texts import documents

RELEASE_URI = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
DEADLINE_HOUR = 12  # tender deadlines at noon, local time


def _schema(name: str) -> dict:
    return json.loads(read_data_text("ocds", name))


@cache
def validator():
    """Draft 4 validator (the schema's own draft) for release packages, with format checking."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = merge_patch(_schema("release-schema.json"), _schema("lots-extension/release-schema.json"))
    package = _schema("release-package-schema.json")
    registry = Registry().with_resources([
        (RELEASE_URI, Resource.from_contents(release, default_specification=DRAFT4)),
        (package["id"], Resource.from_contents(package, default_specification=DRAFT4)),
    ])
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: how OCDS extensions (here the lots extension) extend the schema."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def validation_errors(package: dict) -> list[str]:
    """Readable schema errors (path: message); empty when valid."""
    errors = sorted(validator().iter_errors(package), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(rot)'}: {e.message}" for e in errors]


def when(day: dt.date, tz: str, hour: int = 0) -> str:
    """A date as a full date-time with the zone's offset on that day: 2027-01-15T00:00:00+01:00."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(tz)).isoformat()


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def party_id(number: str, orgnr: str | None) -> str:
    return f"NO-BRC-{orgnr}" if orgnr else f"kommune-{number}"


def build_package(a: Assembly, files: list[str] | None = None) -> dict[str, Any]:
    """The release package as a dict (not yet validated); `files` are the published documents' names."""
    t, pub = a.tender, a.tender.publication
    tz = pub["timezone"]
    base = f"{pub['base_url']}{t.slug}/"
    cfg = defaults()
    published = when(a.as_of, tz)
    release = {
        "ocid": f"{pub['ocid_prefix']}-{t.slug}",
        "id": f"{t.slug}-{a.as_of.strftime('%Y%m%d')}-{'tender' if t.status != 'planlagt' else 'planning'}",
        "date": published,
        "tag": ["planning"] if t.status == "planlagt" else (["tenderCancellation"] if t.status == "avlyst" else ["tender"]),
        "initiationType": "tender",
        "language": "nn" if a.nynorsk else "nb",
        "parties": _parties(a),
        "buyer": _ref(a, t.host),
        "tender": _tender(a, base, tz, cfg, published, files or []),
    }
    return {
        "uri": f"{base}{documents()['ocds']['file']}",
        "version": "1.1",
        "extensions": [pub["lots_extension"]],
        "publishedDate": published,
        "publisher": {"name": pub["publisher"]},
        "license": pub["license"],
        "releases": [release],
    }


def _ref(a: Assembly, number: str) -> dict[str, str]:
    row = a.participants.set_index("number").loc[number]
    return {"id": party_id(number, row["orgnr"]), "name": f"{row['name']} kommune"}


def _parties(a: Assembly) -> list[dict[str, Any]]:
    from digireform.tender.exports.eforms import review_body

    out = []
    for _, r in a.participants.iterrows():
        party: dict[str, Any] = {
            "id": party_id(r["number"], r["orgnr"]),
            "name": f"{r['name']} kommune",
            "roles": ["buyer", "procuringEntity"] if r["host"] else ["buyer"],
            "address": _address(a.offices.get(r["number"], {})),
        }
        if r["orgnr"]:
            party["identifier"] = {"scheme": "NO-BRC", "id": r["orgnr"], "legalName": f"{r['name']} kommune"}
        contact = _contact(a.offices.get(r["number"], {}))
        if contact:
            party["contactPoint"] = contact
        out.append(party)
    kofa = review_body()
    out.append({
        "id": f"NO-BRC-{kofa['orgnr']}", "name": kofa["name"], "roles": ["reviewBody"],
        "identifier": {"scheme": "NO-BRC", "id": kofa["orgnr"], "legalName": kofa["name"]},
        "address": _address({"address": kofa["address"], "postal_zone": kofa["postal_zone"], "city": kofa["city"]}),
        "contactPoint": _contact(kofa),
    })
    return out


def _address(office: dict) -> dict[str, str]:
    address = {"countryName": "Norge"}
    for ocds, key in (("streetAddress", "address"), ("postalCode", "postal_zone"), ("locality", "city")):
        if office.get(key):
            address[ocds] = str(office[key])
    return address


def _contact(office: dict) -> dict[str, str]:
    """The organisation's shared mailbox and switchboard (never a person: contacts stay out)."""
    contact = {}
    for ocds, key in (("email", "mailbox"), ("telephone", "switchboard"), ("url", "url")):
        if office.get(key):
            contact[ocds] = office[key]
    return contact


def _tender(a: Assembly, base: str, tz: str, cfg: dict, published: str, files: list[str]) -> dict[str, Any]:
    t = a.tender
    status = cfg["statuses"][t.status]["ocds"]
    end = _add_years(t.contract_start, t.years) - dt.timedelta(days=1)
    max_end = _add_years(t.contract_start, t.years + t.option_years) - dt.timedelta(days=1)
    description = t.description
    if a.example_data:
        description = "EKSEMPELDATA (fiktive kommunedata). " + description
    tender: dict[str, Any] = {
        "id": t.reference or t.slug,
        "title": t.title,
        "description": description,
        "status": status,
        "procuringEntity": _ref(a, t.host),
        "items": _items(a),
        "value": {"amount": round(a.estimated_value_nok, 2), "currency": t.publication["currency"]},
        **_method(a),
        "mainProcurementCategory": cfg["contract_types"][t.contract_type]["ocds_category"],
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "; ".join(f"{c.label}: {formatting.percent_value(c.weight)}" for c in t.award_criteria),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": when(t.date, tz),
                         "endDate": when(t.timeline["tender_deadline"], tz, DEADLINE_HOUR)},
        "contractPeriod": {"startDate": when(t.contract_start, tz), "endDate": when(end, tz),
                           "maxExtentDate": when(max_end, tz)},
        "hasEnquiries": False,
        "documents": _documents(a, base, published, files),
    }
    if "questions_deadline" in t.timeline:
        tender["enquiryPeriod"] = {"startDate": when(t.date, tz),
                                   "endDate": when(t.timeline["questions_deadline"], tz, DEADLINE_HOUR)}
    if "award" in t.timeline:
        tender["awardPeriod"] = {"startDate": when(t.timeline["award"], tz)}
    if t.lots:
        values = _lot_values(a)
        tender["lots"] = [{"id": lot.id, "title": lot.title, "description": lot.description or lot.title,
                           "status": status, **({"value": {"amount": float(v), "currency": t.publication["currency"]}}
                                                if v is not None else {})}
                          for lot, v in zip(t.lots, values, strict=True)]
    return tender


def _method(a: Assembly) -> dict[str, str]:
    """The tender file's procedure (one, checked by the rules); the value band's when none is chosen."""
    info = a.tender.procedure_info
    if info is None:
        band = a.threshold.procedure
        return {"procurementMethod": band["ocds_method"], "procurementMethodDetails": f"{band['part']}: {band['label']}"}
    label = info.label_nn if a.nynorsk else info.label
    return {"procurementMethod": info.ocds_method, "procurementMethodDetails": f"{label} ({info.reference})"}


def _items(a: Assembly) -> list[dict[str, Any]]:
    """One item per welfare category (with the joint number of units needed) or per replaced product."""
    t = a.tender
    lot_of = {c: lot.id for lot in t.lots for c in (*lot.welfare_categories, *lot.service_areas)}
    items = []
    # no quantity when a participant's need is unknown: the known part is not the joint need
    needed = (a.welfare.groupby("category")["needed"].agg(lambda s: s.sum() if s.notna().all() else None)
              if len(a.welfare) else {})
    from digireform.model.schema import WELFARE_CATEGORIES, label

    for i, cat in enumerate(t.welfare_categories, start=1):
        cpv = item_cpv(cat)
        item: dict[str, Any] = {
            "id": str(i), "description": label(WELFARE_CATEGORIES, cat),
            "classification": {"scheme": "CPV", "id": cpv["code"], "description": cpv["label"]},
        }
        n = needed.get(cat) if len(a.welfare) else None
        if not formatting.is_missing(n):
            item["quantity"] = int(n)
            item["unit"] = {"name": "enhet"}
        if cat in lot_of:
            item["relatedLot"] = lot_of[cat]
        items.append(item)
    products = list(dict.fromkeys(a.systems["product_canonical"])) if len(a.systems) else list(t.products)
    for product in products:
        rows = a.systems[a.systems["product_canonical"] == product] if len(a.systems) else a.systems
        code = next((c for c in rows["cpv"].dropna()), None) if len(rows) else None
        cpv = {"code": code, "label": ""} if code else item_cpv(None)
        item = {"id": str(len(items) + 1), "description": f"Erstatning for {product}",
                "classification": {"scheme": "CPV", "id": cpv["code"]}}
        if cpv.get("label"):
            item["classification"]["description"] = cpv["label"]
        users = rows["users"].sum(min_count=1) if len(rows) else None
        if users is not None and users == users:
            item["quantity"] = int(users)
            item["unit"] = {"name": "bruker"}
        area = rows["service_area"].iloc[0] if len(rows) else None
        if area in lot_of:
            item["relatedLot"] = lot_of[area]
        items.append(item)
    if not items:
        cpv = a.cpv
        items.append({"id": "1", "description": t.title,
                      "classification": {"scheme": "CPV", "id": cpv["code"], "description": cpv.get("label") or t.title}})
    return items


def _documents(a: Assembly, base: str, published: str, files: list[str]) -> list[dict[str, Any]]:
    """The published documents (never the project group's internal file), by their file names."""
    specs = {spec["file"]: spec for spec in documents().values() if spec["public"]}
    lang = "nn" if a.nynorsk else "nb"
    out = []
    for name in files:
        spec = specs.get(name) or next(s for s in specs.values() if _matches(s["file"], name))
        out.append({"id": name.rsplit(".", 1)[0], "documentType": spec["ocds_type"], "title": _title(a, spec, name),
                    "url": f"{base}{name}", "format": spec["format"], "language": lang, "datePublished": published})
    return out


def _matches(pattern: str, name: str) -> bool:
    head, _, tail = pattern.partition("{number}")
    return name.startswith(head) and name.endswith(tail)


def _title(a: Assembly, spec: dict, name: str) -> str:
    if "title" in spec:
        return a.words.of(spec["title"])
    from digireform.tender.exports.content import bilag_name

    return bilag_name(a, spec["bilag"])


def _lot_values(a: Assembly) -> list:
    """Each lot's estimated value, or None for all when the data cannot split the estimate."""
    from digireform.tender.lot_values import LotValueError, lot_values

    try:
        return lot_values(a)
    except LotValueError:
        return [None] * len(a.tender.lots)


def placeholder_warnings(a: Assembly) -> list[str]:
    """A warning while the OCDS prefix is the shipped placeholder (tender.yaml)."""
    prefix = a.tender.publication.get("ocid_prefix")
    if prefix == defaults()["publication"]["ocid_prefix"]:
        return [f"OCDS-prefikset «{prefix}» er en plassholder: registrer et eget prefiks hos Open Contracting "
                "Partnership og skriv det i anbudsfila (publication.ocid_prefix) før OCDS-filen publiseres."]
    return []


def validated_package(a: Assembly, files: list[str]) -> dict[str, Any]:
    """Build and validate; DigireformError (nothing written) when the package breaks the schema."""
    package = build_package(a, files)
    for warning in placeholder_warnings(a):
        if warning not in a.warnings:
            a.warnings.append(warning)
    errors = validation_errors(package)
    if errors:  # a bug or bad configuration (e.g. base_url), not user data: say what
        raise DigireformError("OCDS-pakken er ikke gyldig mot OCDS 1.1-skjemaet; ingenting er skrevet:\n" + "\n".join(errors))
    return package


def render_ocds(package: dict[str, Any]) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"
