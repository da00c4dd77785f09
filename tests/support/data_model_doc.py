"""docs/data-model.md as data: its tables parsed, and the tables the package data says it should hold.

The document is written by hand, but its tables follow fixed shapes so they can be checked
against the package data (tests/unit/test_data_model_doc.py) and printed from it:

    python -m tests.support.data_model_doc          # every generated table, to paste into the doc

A table belongs to the nearest heading above it; the first `backticked` word of that heading
names the file, code list or key group the table describes.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from digireform.model.schema import Field, file_spec, package_yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"

# Header rows of the table shapes (lower case, as written in the document).
COLUMNS = ("column", "norwegian header", "type", "required", "completeness", "code list", "range",
           "confidential", "meaning")
CODES = ("code", "label", "also accepted on import")
PROFILE = ("key", "norwegian label", "type", "required", "public", "meaning")
CHANNELS = ("key", "norwegian label", "meaning")
METRICS = ("metric", "norwegian label", "unit", "direction", "source")
DATA_FILES = ("file", "what it holds", "source and date")
KEYS = ("key", "norwegian label", "required", "meaning")  # a YAML file's keys (the requirement library)

SURVEY_CHANNELS = "survey.channels"  # the survey.yaml code lists, named so in the document
SURVEY_SERVICES = "survey.services"
NONE = "–"


@dataclass
class Table:
    heading: str  # the text of the nearest heading above the table
    name: str | None  # its first `backticked` word
    header: tuple[str, ...]
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0  # line of the header row in the document

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse(text: str) -> list[Table]:
    """Every Markdown table of the text with the heading it stands under."""
    tables: list[Table] = []
    heading, name = "", None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            m = re.search(r"`([^`]+)`", heading)
            name = m[1] if m else None
        elif line.startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|[\s:|-]+\|?", lines[i + 1].strip()):
            table = Table(heading, name, tuple(c.lower() for c in _cells(line)), line=i + 1)
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                table.rows.append(_cells(lines[i]))
                i += 1
            tables.append(table)
            continue
        i += 1
    return tables


def tables_of(tables: list[Table], header: tuple[str, ...]) -> list[Table]:
    return [t for t in tables if t.header == header]


def unquote(cell: str) -> str:
    """`code` → code (a cell may put a key or code in backticks)."""
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == "`" else cell


def quoted_list(cell: str) -> list[str]:
    """«a», «b, c» → [a, b, c]."""
    return re.findall(r"«([^»]*)»", cell)


# --------------------------------------------------------------------------- what the data says


def value_range(f: Field) -> str:
    def num(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if f.min is not None and f.max is not None:
        return f"{num(f.min)}–{num(f.max)}"
    if f.min is not None:
        return f"≥ {num(f.min)}"
    if f.max is not None:
        return f"≤ {num(f.max)}"
    return NONE


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def schema_files() -> dict[str, str]:
    """schema.yaml `files`: kind → filename."""
    return {kind: spec["filename"] for kind, spec in package_yaml("schema.yaml")["files"].items()}


def expected_columns(kind: str) -> list[dict[str, str]]:
    """The column table of a schema.yaml file as the document must state it (meaning aside)."""
    return [{
        "column": f"`{f.key}`",
        "norwegian header": f.header,
        "type": f.type,
        "required": yes_no(f.required),
        "completeness": yes_no(f.completeness),
        "code list": f"`{f.codes}`" if f.codes else NONE,
        "range": value_range(f),
        "confidential": yes_no(f.confidential),
    } for f in file_spec(kind).fields]


def code_lists() -> dict[str, dict[str, dict]]:
    """Every code list a data file uses: schema.yaml's and survey.yaml's (channels, services)."""
    lists = {name: {str(c): spec for c, spec in codes.items()}
             for name, codes in package_yaml("schema.yaml")["code_lists"].items()}
    survey = package_yaml("survey.yaml")
    lists[SURVEY_CHANNELS] = {str(c): spec for c, spec in survey["channels"].items()}
    lists[SURVEY_SERVICES] = {str(c): {"label": s["label"], "aliases": s.get("keywords", [])}
                              for c, s in survey["services"].items()}
    return lists


def expected_codes(name: str) -> list[dict[str, str]]:
    return [{"code": f"`{code}`", "label": spec["label"],
             "also accepted on import": ", ".join(f"«{a}»" for a in spec.get("aliases", [])) or NONE}
            for code, spec in code_lists()[name].items()]


def expected_channel_keys() -> list[tuple[str, str]]:
    return [(key, label) for key, label in package_yaml("channels.yaml")["labels"].items()]


def expected_metrics() -> list[dict[str, str]]:
    return [{"metric": f"`{key}`", "norwegian label": m["label"], "unit": m["unit"],
             "direction": m["direction"], "source": m["source"]}
            for key, m in package_yaml("target_metrics.yaml")["metrics"].items()]


def schema_keys(node: dict, prefix: str = "") -> dict[str, tuple[str | None, bool]]:
    """A JSON Schema's keys as dotted paths (`[]` for a list's items) → (title, required)."""
    out: dict[str, tuple[str | None, bool]] = {}
    required = set(node.get("required", []))
    for key, sub in node.get("properties", {}).items():
        path = prefix + key
        out[path] = (sub.get("title"), key in required)
        if "properties" in sub:
            out.update(schema_keys(sub, path + "."))
        items = sub.get("items")
        if isinstance(items, dict) and "properties" in items:
            out.update(schema_keys(items, path + "[]."))
    return out


# --------------------------------------------------------------------------- printing


def markdown(header: tuple[str, ...], rows: list[dict[str, str]], titles: tuple[str, ...] | None = None) -> str:
    titles = titles or header
    out = ["| " + " | ".join(titles) + " |", "|" + "|".join(" --- " for _ in titles) + "|"]
    out += ["| " + " | ".join(row.get(h, "") for h in header) + " |" for row in rows]
    return "\n".join(out)


def _meanings(kind_name: str, header: tuple[str, ...], key: str) -> dict[str, str]:
    """The meanings already written in the document, so a reprint keeps them."""
    if not DOC.exists():
        return {}
    return {r[key]: r.get("meaning", "") for t in tables_of(parse(DOC.read_text("utf-8")), header)
            if t.name == kind_name for r in t.records()}


def main() -> int:
    titles = ("column", "Norwegian header", "type", "required", "completeness", "code list", "range",
              "confidential", "meaning")
    for kind, filename in schema_files().items():
        meanings = _meanings(filename, COLUMNS, "column")
        rows = [{**r, "meaning": meanings.get(r["column"], "")} for r in expected_columns(kind)]
        print(f"### `{filename}`\n\n{markdown(COLUMNS, rows, titles)}\n")
    for name in code_lists():
        print(f"#### `{name}`\n\n{markdown(CODES, expected_codes(name))}\n")
    print(markdown(CHANNELS, [{"key": f"`{k}`", "norwegian label": v} for k, v in expected_channel_keys()],
                   ("key", "Norwegian label", "meaning")) + "\n")
    print(markdown(METRICS, expected_metrics(), ("metric", "Norwegian label", "unit", "direction", "source")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
