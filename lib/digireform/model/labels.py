"""What a person reads for a field and a stored value: the one (field, value) → words rule.

Stored files hold keys and codes (`service_area`, `saas`); messages, summaries, forms and
conflict panels meant for people show the Norwegian words instead: the field's header from
schema.yaml (systems.csv, welfare.csv) or its title in `schemas/kommune.schema.yaml`
(kommune.yaml), a code's label from its code list, numbers and dates through
`model.formatting`. Every caller (forms, conflict panel, import summaries, the change list)
uses these functions, so a label is defined once, in the data files.

A key, code or value that the data files do not know is shown as written: a person can
then still see (and fix) exactly what the file says.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from digireform.model import formatting
from digireform.model.schema import Field, code_list, file_spec, package_yaml

EMPTY = "(tom)"

TABLES = ("systems", "welfare")
PROFILE = "profile"  # kommune.yaml
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INDEX = re.compile(r"\[\d*\]")


def joined(items: Iterable[str]) -> str:
    """«A», «A og B», «A, B og C»: a list in a Norwegian sentence."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def table_field(field: str, kind: str | None = None) -> Field | None:
    """The schema.yaml field `field` of `kind` (any table when None); None when unknown."""
    for k in (kind,) if kind in TABLES else TABLES:
        spec = file_spec(k)
        if field in spec.by_key:
            return spec.by_key[field]
    return None


def field_label(field: str, kind: str | None = None) -> str:
    """The Norwegian label of a field: «Antall brukere» (users), «Innbyggere i alt» (population.total).

    `kind` is "systems", "welfare", "profile" (kommune.yaml, dotted paths) or None (a table
    field, else a kommune.yaml key). Unknown fields are returned as written.
    """
    if kind != PROFILE and (f := table_field(field, kind)) is not None:
        return f.header
    if kind in (PROFILE, None) and (node := _profile_node(field)) is not None:
        if node.get("title"):
            return str(node["title"])
        parent, _, last = _INDEX.sub("", field).rpartition(".")  # «population.age_bands.80+» → «Aldersgrupper 80+»
        if parent and (up := _profile_node(parent)) is not None and up.get("title"):
            names = (up.get("propertyNames") or {}).get("x-codes")  # «Digitaliseringsgrad, Sak og arkiv»
            return f"{up['title']}, {code_words(names, last)}" if names else f"{up['title']} {last}"
    return field


def code_words(list_name: str, code: Any, with_code: bool = False) -> str:
    """A code's label («Skytjeneste»), «Skytjeneste (saas)» with `with_code`; unknown codes as written."""
    text = "" if code is None else str(code)
    labels = code_list(list_name)
    if text not in labels:
        return text
    # a label that already names the code («SSA-L (løpende tjenestekjøp)») gets it once
    return f"{labels[text]} ({text})" if with_code and text not in labels[text] else labels[text]


def code_choices(list_name: str) -> str:
    """The valid choices of a code list as a person reads them: «Lokal drift (on_prem), Skytjeneste (saas), …»."""
    return ", ".join(f"{lab} ({code})" for code, lab in code_list(list_name).items())


def choices_in_words(message: str, list_name: str) -> str:
    """A message ending «; gyldige: code, code, …» with the choices as labels (`code_choices`)."""
    head, sep, _codes = message.partition("; gyldige: ")
    return f"{head}{sep}{code_choices(list_name)}" if sep else message


def value_words(field: str, value: Any, kind: str | None = None, with_code: bool = False) -> str:
    """A stored value of `field` in words: code → label, numbers and dates in Norwegian form.

    «saas» → «Skytjeneste», «1200» → «1 200», «45000» in a kroner field → «45 000 kr»,
    «2027-12-31» → «31.12.2027»; an empty value
    is "" and a value that does not read as its type is shown as written. kommune.yaml
    values (`kind` "profile") may be mappings and lists: each part is labelled the same way.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if kind != PROFILE and (f := table_field(field, kind)) is not None:
        return _typed_words(str(value).strip(), f.type if not _is_year(field) else "text", f.codes, with_code,
                            money=f.key.endswith("_nok"))
    if kind in (PROFILE, None) and (node := _profile_node(field)) is not None:
        return _profile_words(field, value, node, with_code)
    return str(value)


def _is_year(field: str) -> bool:
    """Years are written as years («2025»), never with a thousands space («2 025»)."""
    last = field.rsplit(".", 1)[-1]
    return last == "year" or last.endswith("_year")


def _typed_words(text: str, ftype: str, codes: str | None, with_code: bool, money: bool = False) -> str:
    """One cell of a stored table in words (see `value_words`); `money`: a kroner field («45 000 kr»)."""
    try:
        if ftype == "code" and codes:
            return code_words(codes, text, with_code)
        if ftype == "int":
            return formatting.number(int(text))
        if ftype == "number" and money:
            x = float(text)
            return formatting.nok(x, decimals=0 if x.is_integer() else 2)  # øre only when written
        if ftype == "number":
            return formatting.decimal(float(text))
    except ValueError:
        return text
    if ftype == "date" and _ISO_DATE.match(text):
        return formatting.date_no(text)
    if ftype == "id_list":
        return ", ".join(part.strip() for part in text.split(";") if part.strip())
    return text


# --------------------------------------------------------------------------- kommune.yaml


@cache
def _profile_schema() -> dict:
    return package_yaml("schemas/kommune.schema.yaml")


@cache
def _metric_labels() -> dict[str, str]:
    return {code: m["label"] for code, m in package_yaml("target_metrics.yaml")["metrics"].items()}


def _profile_node(field: str) -> dict | None:
    """The JSON Schema node of a kommune.yaml key path («population.total», «targets[].id»)."""
    node: Any = _profile_schema()
    for part in _INDEX.sub("", field).split("."):
        if isinstance(node, dict) and node.get("type") == "array":
            node = node.get("items", {})
        props = node.get("properties", {}) if isinstance(node, dict) else {}
        if part in props:
            node = props[part]
        elif isinstance(node, dict) and isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return node if isinstance(node, dict) else None


def _profile_words(path: str, value: Any, node: dict, with_code: bool) -> str:
    """A kommune.yaml value in words; mappings as «label: words, …», lists joined by «; »."""
    if isinstance(value, list):
        items = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        return "; ".join(_profile_words(path, v, items, with_code) for v in value)
    if isinstance(value, dict):
        props = node.get("properties", {})
        names = (node.get("propertyNames") or {}).get("x-codes")
        rest = node.get("additionalProperties") if isinstance(node.get("additionalProperties"), dict) else {}
        parts = []
        for key, v in value.items():
            sub = props.get(key, rest)
            title = sub.get("title") or (code_words(names, key, with_code) if names else str(key))
            words = _profile_words(f"{path}.{key}", v, sub, with_code)
            parts.append(f"{title}: {words}" if words else f"{title}: (tom)")
        return ", ".join(parts)
    return _profile_scalar(path, value, node, with_code)


def _profile_scalar(path: str, value: Any, node: dict, with_code: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(node.get("x-codes"), str):
        return code_words(node["x-codes"], value, with_code)
    if path.rsplit(".", 1)[-1] == "metric" and str(value) in _metric_labels():
        label = _metric_labels()[str(value)]
        return f"{label} ({value})" if with_code else label
    if isinstance(value, int):
        return str(value) if _is_year(path) else formatting.number(value)
    if isinstance(value, float):
        return formatting.decimal(value, max_decimals=4)
    text = str(value)
    return formatting.date_no(text) if _ISO_DATE.match(text) else text


# --------------------------------------------------------------------------- messages and tables


def field_value(field: str, value: Any, kind: str | None = None, with_code: bool = False) -> str:
    """«Antall brukere: 10», «Driftsform: Skytjeneste (saas)», «Merknad: (tom)»: a field and its value
    as messages and summaries write them (`field_label` and `value_words`)."""
    return f"{field_label(field, kind)}: {value_words(field, value, kind, with_code) or EMPTY}"


def code_list_label(codes: str, kind: str = "systems") -> str:
    """What a code list is called: the labels of the fields that use it («Tjenesteområde»)."""
    heads = [f.header for f in file_spec(kind).fields if f.codes == codes]
    return " / ".join(heads) if heads else codes


def row_title(kind: str, name: str) -> str:
    """A row's name (`model.rows.row_label`) for people: a welfare row's category by its label
    («trygghetsalarm (Careium)» → «Trygghetsalarm (Careium)»); a system ID stays as it is."""
    if kind != "welfare":
        return name
    code, sep, rest = name.partition(" (")
    return code_words("welfare_category", code) + sep + rest


@dataclass(frozen=True)
class Column:
    """How a table shows a column: its Norwegian label and the kind of its values.

    `kind` is one of formatting.CELL_KINDS, or ``code:<list>`` for a code shown by its label.
    """

    key: str
    label: str
    kind: str


def _field_kind(f: Field) -> str:
    """A schema field's display kind: money for the kroner fields, labels for codes."""
    if f.type == "code" and f.codes:
        return f"code:{f.codes}"
    if f.type == "number":
        return "nok" if f.key.endswith("_nok") else "decimal"
    if _is_year(f.key):
        return "year"
    return {"int": "int", "date": "date", "id_list": "id_list"}.get(f.type, "text")


@cache
def _computed() -> dict[str, dict[str, str]]:
    return package_yaml("table_columns.yaml")["columns"]


def column(key: str, kind: str | None = None) -> Column:
    """The label and display kind of a table column: a field of `kind`'s file (schema.yaml) when
    `kind` names one, else a computed column of data/table_columns.yaml. KeyError for a column
    defined nowhere, so a table never shows a key as its header."""
    if kind in TABLES and key in file_spec(kind).by_key:
        f = file_spec(kind).by_key[key]
        return Column(key, f.header, _field_kind(f))
    spec = _computed()[key]
    return Column(key, spec["label"], spec.get("kind", "text"))


def cell(value: Any, kind: str) -> str:
    """One table cell by its column's kind: a code by its label (``code:<list>``), anything
    else by `formatting.cell` (blank when unknown)."""
    if kind.startswith("code:"):
        if value is None or formatting.is_missing(value) or value == "":
            return ""
        return code_words(kind[5:], value)
    return formatting.cell(value, kind)
