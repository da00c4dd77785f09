"""anbudsdokumenter.md: the public Word documents as one text, for review in git diffs.

Every text is data (tender file, requirement library, the municipalities' systems), never
Markdown: it is escaped, so a product named «<script>…» or «*x*» is shown as written and
cannot become HTML, emphasis, a link, a heading, a list or a new table cell.
"""
from __future__ import annotations

import re

from digireform.tender.exports.content import Content, toc_entries

_INLINE = re.compile(r"([\\`*_\[\]#|~])")  # characters with inline meaning in GFM
_LINE_START = re.compile(r"^([+\-=])|^(\d{1,9})([.)])(?=\s|$)")  # list items, rules, «1. » lists


def escape(text: object, line_start: bool = False) -> str:
    """Plain text as Markdown that renders as the same text (one line; HTML as entities).

    `line_start`: the text begins a Markdown line, so a leading «-», «+», «=» or «1.» is
    escaped too (headings and table cells do not need it: «4.1 Krav» stays readable).
    """
    s = " ".join(("" if text is None else str(text)).splitlines()).strip()
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _INLINE.sub(r"\\\1", s)
    if line_start:
        s = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", s, count=1)
    return s


def render_markdown(contents: list[Content]) -> str:
    """The documents as GitHub-flavoured Markdown, one after the other (each its own «#» title)."""
    return "\n---\n\n".join(_document(c.blocks) for c in contents).rstrip() + "\n"


def _document(items: list[tuple]) -> str:
    lines: list[str] = []
    for b in items:
        kind = b[0]
        if kind == "title":
            info = b[1]
            lines += [f"# {escape(info['subtitle'])}: {escape(info['title'])}", ""]
            lines += [f"{escape(info[k], True)}  " for k in ("host", "participants", "reference", "date") if info.get(k)]
            if info.get("example"):
                lines += ["", f"> **{escape(info['example'])}**"]
            lines.append("")
        elif kind == "heading":
            lines += [f"{'#' * (b[1] + 1)} {escape(b[2])}", ""]
        elif kind == "toc":
            lines += [f"{'  ' * (level - 1)}- {escape(text, True)}" for level, text in toc_entries(items)] + [""]
        elif kind == "para":
            lines += [escape(b[1], True), ""]
        elif kind == "note":
            lines += [f"*{escape(b[1])}*", ""]
        elif kind == "bullets":
            lines += [f"- {escape(t, True)}" for t in b[1]] + [""]
        elif kind == "table":
            lines += _table(b[1], b[2]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: object) -> str:
        return escape(text).replace("\u00a0", " ")

    out = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out
