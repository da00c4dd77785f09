"""Checking a hand-written YAML file against its JSON Schema, with Norwegian `FILE:LINE: felt: melding`.

The shapes of kommune.yaml, the tender definitions, the requirement library and the product
catalogue are JSON Schema documents (Draft 2020-12) kept as data in
`model/data/schemas/<name>.schema.yaml`, with Norwegian titles and descriptions: they are
the files' documentation. `jsonschema` finds what is wrong; this module says it the way a
person editing the file needs it: the line (from `yamlio.line_at`), the field as a dotted
path without list indexes (`award_criteria.weight`), and a Norwegian message: the
property's own `x-message`, else the keyword's from `model/data/schema_messages.yaml`.

What the data means for the schemas, in YAML terms:
* a key without a value, or with a blank text, counts as absent where the property is free
  text (`type: string` or no type, without `format`/`enum`/`x-codes`/`pattern`) or is not
  described; a required key so left «mangler»; anywhere else (a number, a yes/no, a date, an
  organisation number, a code, a value of `age_bands`/`digitalisation`/`timeline`) a written
  but empty value is refused («har ingen verdi; …», `empty` in schema_messages.yaml: absent
  would silently mean something else), and a blank text where a list or table belongs is an
  error (`channels: ""`); an empty list or table is a value whose type is checked
  (`channels: {}` is no list), and `minItems`/`minProperties` say where an empty one is not
  enough;
* `integer` is a YAML integer (not 4.0, not true); `number` is a finite number (YAML's .nan
  and .inf are no amounts);
* `format: date` is a calendar day (a YAML date, or text ÅÅÅÅ-MM-DD); `format: orgnr` an
  organisation number with its mod-11 check digit; `format: email` an address a@b.c;
* `x-codes` fills `enum` from a code list of data/schema.yaml (`service_area`) or from a
  package data file (`tender.yaml#contract_types`: the keys of a table, the `code` of each
  item of a list), so a code list is written once.
Rules across fields (dates in order, weights summing to 100, ids used twice, numbers in the
municipality register) are the callers' Python checks, run on the parts `SchemaCheck.ok` says
passed the schema.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from digireform.io.yamlio import InvalidDate, line_at
from digireform.model.errors import Problem, Scope
from digireform.model.labels import code_choices
from digireform.model.resources import read_data_text
from digireform.model.schema import code_list, load_yaml_text, orgnr_valid, package_yaml


@contextmanager
def _hidden(module: str) -> Iterator[None]:
    """Hide an optional module from a library that probes for it at import (None in sys.modules)."""
    added = module not in sys.modules
    if added:
        sys.modules[module] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if added and sys.modules.get(module) is None:
            del sys.modules[module]


# jsonschema registers its «iri» format when `rfc3987_syntax` can be imported, and that import
# builds a grammar for about a second: every `digireform` command and every region load would
# pay it. No schema of ours (nor the OCDS schema) uses «iri»; other users can still import it.
with _hidden("rfc3987_syntax"):
    import jsonschema

Path = tuple[Any, ...]

_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- schemas


@cache
def schema(name: str) -> dict:
    """The schema `name` (kommune, tender, requirements, catalogue) with its `x-codes` filled in."""
    text = read_data_text("schemas", f"{name}.schema.yaml")
    raw = load_yaml_text(text)
    return _fill_codes(_inline_refs(raw, raw.get("$defs", {})))


def _inline_refs(node: Any, defs: dict) -> Any:
    """`node` with every local `$ref` (#/$defs/x) replaced by the definition it names.

    The same schema, only faster to check: jsonschema resolves a `$ref` on every value, and a
    kommune.yaml is checked each time a region is loaded. The schemas have no recursion.
    """
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        out = {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **out}
    elif ref is not None:
        out["$ref"] = ref
    return out


def _fill_codes(node: Any) -> Any:
    """A copy of `node` where every `x-codes` has become (or extended) an `enum`."""
    if isinstance(node, list):
        return [_fill_codes(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _fill_codes(v) for k, v in node.items()}
    if "x-codes" in out:
        sources = out["x-codes"] if isinstance(out["x-codes"], list) else [out["x-codes"]]
        out["enum"] = [*out.get("enum", []), *(c for s in sources for c in codes_from(s))]
    return out


@cache
def codes_from(source: str) -> tuple[str, ...]:
    """The codes of an `x-codes` source: a schema.yaml code list, or `file.yaml#key/key`."""
    if "#" not in source:
        return tuple(code_list(source))
    name, pointer = source.split("#", 1)
    value = package_yaml(name)
    for step in filter(None, pointer.split("/")):
        value = value[step]
    if isinstance(value, dict):
        return tuple(map(str, value))
    return tuple(str(v["code"] if isinstance(v, dict) else v) for v in value)


def _is_integer(_checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(_checker: Any, value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)
_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date")
def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return not isinstance(value, dt.datetime)
    return isinstance(value, str) and not isinstance(value, InvalidDate) and bool(_DATE_RE.fullmatch(value)) \
        and as_date(value) is not None


@_FORMATS.checks("orgnr")
def _is_orgnr(value: Any) -> bool:
    return not isinstance(value, bool) and orgnr_valid(str(value))


@_FORMATS.checks("email")
def _is_email(value: Any) -> bool:
    return bool(_EMAIL_RE.fullmatch(str(value)))


def as_date(value: Any) -> dt.date | None:
    """A value that passed `format: date` as a date (None for anything else)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    return _Validator(schema(name), format_checker=_FORMATS)


@cache
def _messages() -> dict[str, Any]:
    return package_yaml("schema_messages.yaml")


# --------------------------------------------------------------------------- checking


def _is_absent(value: Any) -> bool:
    """None or a blank text: what a key written without a value reads as."""
    return value is None or (isinstance(value, str) and not value.strip())


def _child(sub: dict, key: Any) -> dict:
    """The schema of the value under `key` of a mapping checked against `sub`."""
    props = sub.get("properties", {})
    if key in props:
        return props[key]
    for pattern, inner in sub.get("patternProperties", {}).items():
        if re.search(pattern, str(key)):
            return inner
    extra = sub.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def _wants_container(sub: dict) -> bool:
    """True when `sub` takes a list or a table and no text (so a blank text there is an error)."""
    types = sub.get("type")
    types = set(types) if isinstance(types, list) else {types} if isinstance(types, str) else set()
    return bool(types & {"array", "object"}) and "string" not in types


def _is_free_text(sub: dict) -> bool:
    """True when `sub` takes any text (or anything): `type: string` or none, no format, code or pattern."""
    if any(k in sub for k in ("format", "enum", "const", "x-codes", "pattern")):
        return False
    types = sub.get("type")
    types = set(types) if isinstance(types, list) else {types} if isinstance(types, str) else set()
    return types <= {"string"}


def without_empty(value: Any, sub: dict | None = None, empties: list[tuple[Path, dict]] | None = None,
                  path: Path = ()) -> Any:
    """`value` without the keys that count as absent, for the check against schema `sub`.

    Absent is None or a blank text where the property is free text or not described, or the
    key is required (it «mangler»). A blank text stays where the schema takes a list or a
    table (`channels: ""` is no list). Any other written-but-empty value (a number, a date, a
    code, ...) is left out too and its path and schema added to `empties`, to be refused
    («har ingen verdi»). An empty list or table is a value: its type is checked (`{}` where a
    list belongs is an error), and the schema's `minItems`/`minProperties` say where empty is
    not enough.
    """
    sub = sub if isinstance(sub, dict) else {}
    if isinstance(value, dict):
        required = set(sub.get("required", ()))
        out = {}
        for k, v in value.items():
            inner = _child(sub, k)
            if _is_absent(v) and _wants_container(inner):
                if v is None or k in required:
                    continue
            elif _is_absent(v):
                if k not in required and not _is_free_text(inner) and empties is not None:
                    empties.append((path + (k,), inner))
                continue
            out[k] = without_empty(v, inner, empties, path + (k,))
        return out
    if isinstance(value, list):
        items = sub.get("items")
        return [without_empty(v, items, empties, path + (i,)) for i, v in enumerate(value)]
    return value


def field_name(path: Iterable[Any]) -> str:
    """The field as messages name it: the keys of the path, dotted, without list indexes."""
    return ".".join(str(step) for step in path if not isinstance(step, int))


class SchemaCheck:
    """One file's data checked against schema `name`; `problems` has every message with its line.

    `lines` gives the data as read by `yamlio` (for the line numbers) when `data` itself is a
    plain dict, as the kommune.yaml editor's is; it is called only when there is a problem.
    """

    def __init__(self, data: Any, name: str, label: str, lines: Callable[[], Any] | None = None,
                 scope: Scope = "cell"):
        self.data, self.label, self.scope = data, label, scope
        self._lines_from = lines
        self._lines: Any = None if lines else data
        self.problems: list[Problem] = []
        self.failed: set[Path] = set()
        self._schema = schema(name)
        empties: list[tuple[Path, dict]] = []
        errors = validator(name).iter_errors(without_empty(data, self._schema, empties))
        for found in _merge(f for e in errors for f in self._translate(e)):
            self._add(found.path, found.field, found.text())
        for path, sub in empties:
            found = _Found(path, sub.get("x-field", field_name(path)), _template(sub, "empty"), None,
                           str(path[-1]), sub)
            self._add(path, found.field, found.text())
        self.problems.sort(key=lambda p: p.line if p.line is not None else 0)

    def ok(self, *path: Any) -> bool:
        """True when nothing at `path`, above it or below it failed the schema."""
        n = len(path)
        return not any(f[:n] == path or path[:len(f)] == f for f in self.failed)

    def add(self, path: Path, message: str, field: str | None = None) -> None:
        """A problem found by a rule check, at the line of `path` (the field defaults to its keys)."""
        self._add(path, field if field is not None else field_name(path), message)

    def _add(self, path: Path, field: str, message: str) -> None:
        if self._lines_from is not None:
            self._lines, self._lines_from = self._lines_from(), None
        line = line_at(self._lines, path) or (1 if not path else None)  # an empty file: its first line
        problem = Problem(self.label, line, field or "(fil)", message, scope=self.scope)
        self.failed.add(path)
        if problem not in self.problems:
            self.problems.append(problem)

    def _translate(self, error: jsonschema.ValidationError) -> list[_Found]:
        """What one jsonschema error says; `required` and unknown keys give one per key."""
        path, keyword, sub = tuple(error.absolute_path), error.validator, error.schema
        if keyword == "required":
            return [_Found(path + (k,), field_name(path + (k,)),
                           _template(sub.get("properties", {}).get(k, {}), "required"), None, str(k), sub)
                    for k in error.validator_value if k not in error.instance]
        if keyword == "additionalProperties":
            known = set(sub.get("properties", {}))
            extra = [k for k in error.instance if k not in known
                     and not any(re.search(p, str(k)) for p in sub.get("patternProperties", {}))]
            return [_Found(path + (k,), field_name(path + (k,)), _template(sub, keyword), k, str(k), sub)
                    for k in extra]
        if "propertyNames" in error.relative_schema_path:
            key = error.instance
            return [_Found(path + (key,), sub.get("x-field", field_name(path)), _template(sub, "propertyNames"),
                           key, str(key), sub)]
        key = next((str(s) for s in reversed(path) if not isinstance(s, int)), "")
        if _is_absent(error.instance) and path and isinstance(path[-1], int):  # never «None»
            return [_Found(path, sub.get("x-field", field_name(path)), _messages()["empty"]["item"], None, key, sub)]
        return [_Found(path, sub.get("x-field", field_name(path)),
                       _template(sub, keyword, error.instance, error.validator_value), error.instance, key, sub)]


@dataclass
class _Found:
    """One message before it is written out: where, which template, and what fills it in."""

    path: Path
    field: str
    template: str
    value: Any
    key: str
    schema: dict
    values: list[Any] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        sub = self.schema
        valid = sub.get("enum") or ([sub["const"]] if "const" in sub else list(sub.get("properties", {})))
        codes = sub.get("x-codes")
        valid_text = (code_choices(codes) if isinstance(codes, str) and "#" not in codes and "enum" in sub
                      and list(sub["enum"]) == list(code_list(codes)) else ", ".join(map(str, valid)))
        fill = {"value": str(self.value), "key": self.key, "valid": valid_text,
                "values": ", ".join(f"«{v}»" for v in (self.values or [self.value]))}
        text = self.template
        for name, value in fill.items():
            text = text.replace("{" + name + "}", value)
        return text


def _template(sub: dict, keyword: str, value: Any = None, argument: Any = None) -> str:
    """The property's `x-message` for `keyword`, else the default of schema_messages.yaml.

    A single `x-message` text is said for every keyword but `required` (a missing key
    «mangler» unless the property says otherwise in a table `{required: …}`) and `empty`
    (a written-but-empty value «har ingen verdi», unless a table says `{empty: …}`).
    """
    keys = [keyword]
    if keyword == "empty":  # a written-but-empty value: by its format, its codes, else its type
        types = sub.get("type")
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        keys = ([f"empty.format.{sub['format']}"] if "format" in sub else []) \
            + (["empty.enum"] if "enum" in sub or "const" in sub else []) \
            + [f"empty.{t}" for t in types if t != "string"] + ["empty", "empty.default"]
    elif keyword == "type" and isinstance(argument, str):
        keys = [f"type.{argument}", "type"]
    elif keyword == "format":
        keys = [f"format.{argument}.calendar"] if isinstance(value, InvalidDate) else []
        keys += [f"format.{argument}", "format"]
    own = sub.get("x-message")
    if isinstance(own, str) and keyword not in ("required", "empty"):
        return own
    table = own if isinstance(own, dict) else {}
    defaults = _messages()
    own_text = next((table[k] for k in keys if k in table), None)
    return own_text or table.get("default") or next((t for k in keys if (t := _nested(defaults, k))), defaults["default"])


def _nested(table: dict, key: str) -> str | None:
    """schema_messages.yaml lookup: `type.string` is table["type"]["string"], `format.date` a flat key."""
    if isinstance(table.get(key), str):
        return table[key]
    head, _, rest = key.partition(".")
    inner = table.get(head)
    return inner.get(rest) if isinstance(inner, dict) else None


def _merge(found: Iterable[_Found]) -> list[_Found]:
    """One message per value (the first keyword that failed), and one per list for a message
    that names the list's bad items (`{values}`: «ukjent kode «a», «b»», at the list's line)."""
    out: list[_Found] = []
    seen: set[Path] = set()
    lists: dict[tuple[Path, str], _Found] = {}
    for f in found:
        if f.path in seen:
            continue
        seen.add(f.path)
        if "{values}" in f.template and f.path and isinstance(f.path[-1], int):
            group = lists.get((f.path[:-1], f.template))
            if group is not None:
                group.values.append(f.value)
                continue
            f = _Found(f.path[:-1], f.field, f.template, f.value, f.key, f.schema, [f.value])
            lists[(f.path, f.template)] = f
        out.append(f)
    return out
