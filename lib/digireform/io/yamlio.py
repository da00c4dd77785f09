"""YAML reading that remembers the line of every mapping key and sequence item.

Every YAML file a person writes by hand (kommune.yaml, the tender definitions, the
requirement library, the product catalogue) is checked with messages `FILE:LINE: felt:
melding`; this is the one place that knows where a value stood. The loader keeps PyYAML's
marks on the resulting containers (`LineDict`, `LineList`), and `line_at` finds the line
of a path of keys and list indexes, falling back to the nearest parent that exists (a
missing key is reported where its mapping starts). `inline_yaml` writes one value back the
way such a file writes it, for the change list and the save conflicts.
"""
from __future__ import annotations

from collections.abc import Sequence
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
        return getattr(self, "key_lines", {}).get(str(key), self.line)


class LineList(list):
    """A list from YAML that knows its own line and the line of each item (1-based)."""

    line: int | None = None
    item_lines: list[int]


class _LineLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader whose mappings are LineDicts and sequences LineLists."""


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


def _construct_seq(loader: yaml.BaseLoader, node: yaml.SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


class InvalidDate(str):
    """A scalar written as a date (2027-02-30) that is no calendar day: kept as text so the
    checker can name its line and field instead of the parser failing on the whole file."""


def _construct_timestamp(loader: yaml.BaseLoader, node: yaml.ScalarNode):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return InvalidDate(loader.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
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


def line_at(data: Any, path: Sequence[Any]) -> int | None:
    """Line of the value at `path` (mapping keys and list indexes) in data read by this module.

    A key gives the line of the key, a list index the line of the item. Where the path leaves
    the data (a missing key, an index past the end, a plain container), the line of the last
    step that exists is returned: a missing key is reported at its mapping. None for data
    that was not read with lines.
    """
    line = getattr(data, "line", None)
    for step in path:
        if isinstance(data, LineDict) and step in data:
            line, data = data.line_of(step), data[step]
        elif isinstance(data, LineList) and isinstance(step, int) and 0 <= step < len(data):
            line, data = data.item_lines[step], data[step]
        else:
            break
    return line


def inline_yaml(value: Any) -> str | None:
    """One value as YAML on one line («{total: 1200, year: 2025}», «[a, b]», «12»); None for None.

    How the change list and the save conflicts show a kommune.yaml value: the notation the
    file itself uses, so a person can find it there.
    """
    if value is None:
        return None
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()
