"""Check an eForms notice the way TED and Doffin do: the SDK's XSD, then its schematron rules.

The XSD (UBL 2.3 with the eForms extensions) runs in lxml. The schematron rules are the SDK's
static ones, XSLT 2.0 (queryBinding xslt2), for the two notice subtypes the project writes;
SchXslt (MIT, vendored beside the SDK) compiles them to XSLT, which Saxon (saxonche) runs. The
compiled stylesheet is cached on disk, keyed by the vendored files, because compiling takes
seconds; Saxon's own compilation of it happens once per process.

Every failed rule becomes a `NoticeProblem` with the rule id (e.g. BR-BT-00005-0022), the field
it concerns (BT-05(a)-notice), where in the notice, and a Norwegian explanation: a rule that
requires a field says it is missing, one that forbids a field says it must not be there, one
that lists codes says the code is unknown. Field names are Norwegian for the fields the project
writes (`model/data/eforms_fields.yaml`) and the SDK's id otherwise.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from digireform.model.resources import data_file as _data_file
from digireform.model.schema import package_yaml

SDK = ("eforms", "sdk")
SCHXSLT = ("eforms", "schxslt")
MAIN_SCHEMATRON = "contract-notice.sch"
SVRL = "http://purl.oclc.org/dsdl/svrl"


def data_file(*parts: str) -> Path:
    """A vendored eForms file as a real path (Saxon and lxml read files by name)."""
    return Path(str(_data_file(*parts)))


@dataclass(frozen=True)
class NoticeProblem:
    """One finding: `stage` is «XSD» or «schematron»; `rule` the rule id or the XSD's message kind."""

    stage: str
    rule: str
    field: str
    location: str
    message: str
    severity: str = "ERROR"

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.rule}: {self.message}{where}"


# --------------------------------------------------------------------------- XSD


@lru_cache(maxsize=1)
def _xsd() -> etree.XMLSchema:
    path = data_file(*SDK, "schemas", "maindoc", "UBL-ContractNotice-2.3.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


def check_xsd(xml: bytes) -> list[NoticeProblem]:
    """The notice against the SDK's UBL ContractNotice schema; line numbers from lxml."""
    schema = _xsd()
    document = etree.fromstring(xml)
    if schema.validate(document):
        return []
    return [
        NoticeProblem("XSD", "XSD", "", f"linje {e.line}",
                      f"bryter XML-skjemaet for eForms (UBL 2.3): {e.message}")
        for e in schema.error_log
    ]


# --------------------------------------------------------------------------- schematron


def _sources() -> list[Path]:
    folders = [data_file(*SDK, "schematrons"), data_file(*SCHXSLT)]
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "digireform"


def compiled_schematron() -> Path:
    """The schematron compiled to XSLT by SchXslt, cached under ~/.cache/digireform by content hash."""
    digest = hashlib.sha256()
    for path in _sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    target = _cache_dir() / f"eforms-contract-notice-{digest.hexdigest()[:16]}.xsl"
    if target.exists():
        return target
    text = _compile_schematron(data_file(*SDK, "schematrons", MAIN_SCHEMATRON))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return target


def _compile_schematron(schematron: Path) -> str:
    xslt = _processor().new_xslt30_processor()
    pipeline = xslt.compile_stylesheet(stylesheet_file=str(data_file(*SCHXSLT, "pipeline-for-svrl.xsl")))
    return pipeline.transform_to_string(source_file=str(schematron))


@lru_cache(maxsize=1)
def _processor() -> Any:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@lru_cache(maxsize=1)
def _validator() -> Any:
    xslt = _processor().new_xslt30_processor()
    return xslt.compile_stylesheet(stylesheet_file=str(compiled_schematron()))


def check_schematron(xml: bytes) -> list[NoticeProblem]:
    """The SDK's schematron rules for the notice's subtype (the rules select on it themselves)."""
    processor = _processor()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = _validator().transform_to_string(xdm_node=node)
    return _problems(etree.fromstring(report.encode("utf-8")))


def _problems(svrl: etree._Element) -> list[NoticeProblem]:
    rules = _rules()
    found = []
    for failed in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        rule_id = failed.get("id", "")
        info = rules.get(rule_id, {})
        field = info.get("field", "") or _field_from_rule(rule_id)
        found.append(NoticeProblem(
            "schematron", rule_id, field, _short_location(failed.get("location", "")),
            explain(info.get("test", ""), field), failed.get("role", info.get("role", "ERROR")),
        ))
    return found


@lru_cache(maxsize=1)
def _rules() -> dict[str, dict[str, str]]:
    """Every assert of the vendored patterns: id → field (the SDK's diagnostics id), test, role."""
    rules: dict[str, dict[str, str]] = {}
    folder = data_file(*SDK, "schematrons")
    for path in sorted(folder.glob("validation-stage-*.sch")):
        for node in etree.parse(str(path)).iter("{http://purl.oclc.org/dsdl/schematron}assert"):
            rules[node.get("id", "")] = {
                "field": _field_id(node.get("diagnostics", "")),
                "test": node.get("test", ""),
                "role": node.get("role", "ERROR"),
            }
    return rules


def _field_id(diagnostics: str) -> str:
    """«BT-05_a_-notice» (the SDK's diagnostics id) → «BT-05(a)-notice» (its field id)."""
    if not diagnostics:
        return ""
    field = diagnostics.split()[0]
    field = re.sub(r"^ND-[A-Za-z]+_(?=(BT|OPT|OPP|OPA)-)", "", field)  # «ND-Company_BT-501-…»: node + field
    return re.sub(r"_([a-z])_", r"(\1)", field)


def _field_from_rule(rule_id: str) -> str:
    """«BR-BT-00500-0304» → «BT-500»: a business rule's id names the field it is about."""
    m = re.match(r"BR-(BT|OPT|OPP|OPA)-(\d{5})-\d{4}$", rule_id)
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else ""


def _short_location(location: str) -> str:
    """SVRL's XPath without namespace noise: /*:ContractNotice[...]/*:X → /ContractNotice/X."""
    return re.sub(r"Q\{[^}]*\}|\*:", "", location)


def field_name(field: str) -> str:
    """The Norwegian name of an eForms field the project writes, else the SDK's field id."""
    names = package_yaml("eforms_fields.yaml")["fields"]
    base = re.sub(r"-(Procedure|Lot|Part|LotsGroup|notice|Organization|Company).*$", "", field)
    name = names.get(field) or names.get(base)
    return f"{name} ({field})" if name else field or "et felt"


def explain(test: str, field: str) -> str:
    """A Norwegian sentence for a failed rule, from the shape of its test.

    The SDK's rules come in a few shapes: «count(X) > 0» (the field is required), «count(X) = 0»
    (forbidden), either of those «or not(…)»/«or (…)» (required or forbidden under a condition,
    e.g. the procedure), and «normalize-space(.) = ('a', 'b', …)» (a code list).
    """
    name = field_name(field)
    compact = re.sub(r"\s+", "", test.replace("&gt;", ">"))
    if re.fullmatch(r"count\(.+\)>0", compact):
        return f"{name} mangler; feltet er påkrevd i denne kunngjøringstypen"
    if re.fullmatch(r"count\(.+\)=0", compact):
        return f"{name} skal ikke være med i denne kunngjøringstypen"
    if re.match(r"count\([^()]*(\([^()]*\))*[^()]*\)>0or", compact):
        return f"{name} mangler; feltet er påkrevd for denne prosedyren eller med de andre opplysningene"
    if re.match(r"count\([^()]*(\([^()]*\))*[^()]*\)=0or", compact):
        return f"{name} skal ikke være med for denne prosedyren eller med de andre opplysningene"
    if re.match(r"(normalize-space\(\.\)|\.)=\('", compact):
        return f"{name} har en kode som ikke finnes i eForms-kodelisten"
    return f"{name} oppfyller ikke eForms-regelen (se regelen i eForms SDK 1.15.1)"


def check(xml: bytes) -> list[NoticeProblem]:
    """XSD first; the schematron only for a notice the XSD accepts (its rules assume the structure)."""
    problems = check_xsd(xml)
    return problems or check_schematron(xml)
