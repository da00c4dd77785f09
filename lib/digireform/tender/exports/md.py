"""kravspesifikasjon.md: the same content as the Word file, for review in git diffs."""
from __future__ import annotations

from ..assembly import Assembly
from .content import blocks, toc_entries


def render_markdown(a: Assembly) -> str:
    """The document as GitHub-flavoured Markdown."""
    items = blocks(a)
    lines: list[str] = []
    for b in items:
        kind = b[0]
        if kind == "title":
            info = b[1]
            lines += [f"# {info['title']}", "", f"**{info['subtitle']}**", ""]
            lines += [f"{info[k]}  " for k in ("host", "participants", "reference", "date") if info.get(k)]
            if info.get("example"):
                lines += ["", f"> **{info['example']}**"]
            lines.append("")
        elif kind == "heading":
            if b[2] == "Innhold":
                lines += ["## Innhold", ""]
            else:
                lines += [f"{'#' * (b[1] + 1)} {b[2]}", ""]
        elif kind == "toc":
            lines += [f"{'  ' * (level - 1)}- {text}" for level, text in toc_entries(items)] + [""]
        elif kind == "para":
            lines += [b[1], ""]
        elif kind == "note":
            lines += [f"*{b[1]}*", ""]
        elif kind == "bullets":
            lines += [f"- {t}" for t in b[1]] + [""]
        elif kind == "table":
            lines += _table(b[1], b[2]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: object) -> str:
    return ("" if text is None else str(text)).replace("|", "\\|").replace("\n", " ").replace("\u00a0", " ")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return out
