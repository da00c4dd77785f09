"""YAML reading that remembers where each mapping and key stood, for FILE:LINE messages.

The requirement library and the tender definitions are hand-written YAML; a user who
mistypes a key must be told the line. PyYAML's composed nodes carry the marks, so the
map constructor here keeps them on the resulting dicts (`LineDict.line`, `.key_lines`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from digireform.io import textio
from digireform.model.errors import Problem, display_path, os_reason
from digireform.model.schema import refuse_repeated_keys, yaml_problem

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A dict from YAML that knows its own line and the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        """Line of `key` when present, else the line of the mapping itself."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class _LineLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader whose mappings are LineDicts."""


def _construct_map(loader: yaml.BaseLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    refuse_repeated_keys(node)  # before flattening: a key taken in by `<<` may be overridden
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:  # a list or mapping as key: a YAML error with its line, as PyYAML says
            raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark,
                                                    "found unhashable key", key_node.start_mark) from None
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[str(key)] = key_node.start_mark.line + 1


class InvalidDate(str):
    """A scalar written as a date (2027-02-30) that is no calendar day: kept as text so the
    checker can name its line and field instead of the parser failing on the whole file."""


def _construct_timestamp(loader: yaml.BaseLoader, node: yaml.ScalarNode):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return InvalidDate(loader.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_with_lines(path: Path, problems: list[Problem]) -> Any:
    """Parse a YAML file; on a syntax error append a Problem with its line and return None."""
    label = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, "(fil)", f"kan ikke leses: {os_reason(exc)}"))
        return None
    text = textio.decode_stored(raw, label, problems)
    return None if text is None else load_text_with_lines(text, label, problems)


def load_text_with_lines(text: str, label: str, problems: list[Problem]) -> Any:
    """Parse YAML text (see load_with_lines)."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - safe loader subclass
    except yaml.YAMLError as exc:
        problems.append(yaml_problem(exc, label))
        return None


def line_of(obj: Any, key: str | None = None) -> int | None:
    """Line of a LineDict (or of one of its keys); None for other objects."""
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key else obj.line
    return None


def inline_yaml(value: Any) -> str | None:
    """One value as YAML on one line («{total: 1200, year: 2025}», «[a, b]», «12»); None for None.

    How the change list and the save conflicts show a kommune.yaml value: the notation the
    file itself uses, so a person can find it there.
    """
    if value is None:
        return None
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()
