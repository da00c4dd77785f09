"""Field definitions and code lists, read from data/schema.yaml (labels in Norwegian)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from digireform.model.errors import Problem
from digireform.model.resources import read_data_text

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlLoader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader (C parser where available) that refuses a key written twice in one mapping.

    PyYAML keeps the last of two equal keys without a word; in kommune.yaml a second
    `number:` would silently win, and the problem would be reported at line 1.
    """

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            refuse_repeated_keys(node)
        return super().construct_mapping(node, deep=deep)


def refuse_repeated_keys(node: yaml.MappingNode) -> None:
    """ConstructorError at the second of two equal scalar keys (merge keys `<<` may repeat).

    Keys are compared as keys, not by line, so two on one line (`{a: 1, a: 2}`, as kommune.yaml's
    targets and contacts are written) are caught too; the first key's line is for the message only.
    Call it before `flatten_mapping`: a key taken in by `<<` may be overridden. One rule for every
    YAML reader (io/yamlio.py calls it too).
    """
    first_line: dict[tuple[str, str], int] = {}  # the keys seen, with the line each was first written on
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
            continue
        ident = (key.tag, key.value)
        line = key.start_mark.line + 1
        if ident in first_line:
            first = first_line[ident]
            where = f"på linje {line}" if first == line else f"(linje {first} og {line})"
            raise yaml.constructor.ConstructorError(
                None, None, f"nøkkelen «{key.value}» står to ganger {where}", key.start_mark)
        first_line[ident] = line


def load_yaml_text(text: str) -> Any:
    """Parse YAML with the fast C loader where available; a repeated key is a YAMLError."""
    return yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a SafeLoader subclass


def yaml_problem(exc: Exception, label: str) -> Problem:
    """A YAML parse error as a Problem: the line of the error and PyYAML's text in Norwegian.

    One place for the kommune.yaml, tender and catalogue readers (data/yaml_messages.yaml).
    """
    mark = getattr(exc, "problem_mark", None)
    what = str(getattr(exc, "problem", None) or exc)
    for start, norwegian in package_yaml("yaml_messages.yaml").items():
        if what.startswith(start):
            what = norwegian
            break
    return Problem(label, mark.line + 1 if mark else None, "(fil)", f"ugyldig YAML: {what}", scope="file")


@cache
def package_yaml(name: str) -> Any:
    """A YAML data file shipped in the package (data/<name>)."""
    return load_yaml_text(read_data_text(name))


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    type: str
    required: bool = False
    completeness: bool = False
    confidential: bool = False
    codes: str | None = None
    min: float | None = None
    max: float | None = None
    header_aliases: tuple[str, ...] = ()
    help: str | None = None  # Norwegian explanation for the template's instructions
    example: str | None = None  # example value as a user would type it


@dataclass(frozen=True)
class FileSpec:
    kind: str
    filename: str
    fields: tuple[Field, ...]
    key: str | None = None
    by_key: dict[str, Field] = field(default_factory=dict, compare=False)

    @property
    def columns(self) -> list[str]:
        return [f.key for f in self.fields]


@cache
def _raw() -> dict:
    return package_yaml("schema.yaml")


@cache
def file_spec(kind: str) -> FileSpec:
    """Spec of `systems` or `welfare`."""
    raw = _raw()["files"][kind]
    fields = tuple(
        Field(**{**f, "header_aliases": tuple(f.get("header_aliases", ()))}) for f in raw["fields"]
    )
    return FileSpec(kind, raw["filename"], fields, raw.get("key"), {f.key: f for f in fields})


@cache
def completeness_fields() -> list[str]:
    """The systems.csv fields whose filling makes a municipality's inventory complete."""
    return [f.key for f in file_spec("systems").fields if f.completeness]


def code_list(name: str) -> dict[str, str]:
    """Code → Norwegian label, in the file's order."""
    return {str(code): spec["label"] for code, spec in _raw()["code_lists"][name].items()}


def label(list_name: str, code: Any) -> str:
    """Norwegian label for a code; the code itself when unknown."""
    return code_list(list_name).get(str(code), str(code))


def normalise_token(text: str) -> str:
    """Lower case, collapsed whitespace, en dash → hyphen: how user spellings are compared."""
    return re.sub(r"\s+", " ", str(text).replace("–", "-").replace("\u00a0", " ")).strip().casefold()


@cache
def code_lookup(name: str) -> dict[str, str]:
    """Every accepted spelling (code, label, aliases; case-insensitive) → code."""
    out: dict[str, str] = {}
    for code, spec in _raw()["code_lists"][name].items():
        for spelling in [code, spec["label"], *spec.get("aliases", [])]:
            out[normalise_token(spelling)] = str(code)
    return out


SERVICE_AREAS = "service_area"
WELFARE_CATEGORIES = "welfare_category"
DIGITALISATION_LEVELS = "digitalisation_level"


def orgnr_valid(value: str) -> bool:
    """Norwegian organisation number: 9 digits, mod-11 check digit (weights 3,2,7,6,5,4,3,2)."""
    if not re.fullmatch(r"\d{9}", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], (3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(value[8])
