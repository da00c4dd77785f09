"""kravspesifikasjon.docx: the requirements appendix (SSA Bilag 1) as a real Word document.

Built-in heading styles (so Word's navigation pane and the table of contents work), a
TOC field Word updates on opening (its cached text lists the headings, so LibreOffice
and previews show a usable contents page too), tables with repeating header rows, and a
footer with page numbers. Content comes from `content.blocks`.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..assembly import Assembly
from .content import blocks, toc_entries

HEADER_FILL = "D9E2F3"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)


def write_docx(a: Assembly, path: Path) -> Path:
    """Render the assembled tender to `path`."""
    doc = Document()
    _setup(doc, a)
    items = blocks(a)
    toc = toc_entries(items)
    for b in items:
        kind = b[0]
        if kind == "title":
            _title_page(doc, b[1])
        elif kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "heading":
            doc.add_heading(b[2], level=b[1])
        elif kind == "toc":
            _toc(doc, toc)
        elif kind == "para":
            doc.add_paragraph(b[1])
        elif kind == "note":
            doc.add_paragraph().add_run(b[1]).italic = True
        elif kind == "bullets":
            for text in b[1]:
                doc.add_paragraph(text, style="List Bullet")
        elif kind == "table":
            _table(doc, *b[1:])
    doc.save(str(path))
    return path


def _setup(doc, a: Assembly) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nn-NO" if a.nynorsk else "nb-NO")
    rpr.append(lang)
    for level, size in ((1, 16), (2, 13)):
        st = doc.styles[f"Heading {level}"]
        st.font.size = Pt(size)
        st.font.color.rgb = ACCENT
        st.paragraph_format.space_before = Pt(14 if level == 1 else 10)
    for level in (1, 2):
        st = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        st.paragraph_format.space_after = Pt(2)
        if level == 1:
            st.font.bold = True
    props = doc.core_properties
    props.title = a.tender.title
    props.subject = "Bilag 1 – Kundens beskrivelse av behov og krav"
    props.author = f"{a.host_name} kommune"
    props.language = "nn-NO" if a.nynorsk else "nb-NO"
    props.keywords = "kravspesifikasjon; felles anskaffelse; digireform"
    _footer(section, a)
    _update_fields_on_open(doc)


def _footer(section, a: Assembly) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(f"{a.tender.title} – Bilag 1 – side ")
    run.font.size = Pt(8)
    _field(p, "PAGE", "1", size=8)


def _field(paragraph, instruction: str, cached: str, size: float | None = None) -> None:
    """A complex field (w:fldChar begin/separate/end) with cached text."""
    def run_with(child) -> None:
        r = paragraph.add_run()
        if size:
            r.font.size = Pt(size)
        r._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    r = paragraph.add_run(cached)
    if size:
        r.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _toc(doc, entries: list[tuple[int, str]]) -> None:
    """TOC field over heading levels 1–2; the cached result lists the headings (no page numbers)."""
    first = doc.add_paragraph(style="toc 1")
    for tag, value in (("begin", None), ("instr", 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)):
        r = first.add_run()
        if tag == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {value} "
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
            if tag == "begin":
                el.set(qn("w:dirty"), "true")
        r._r.append(el)
    last = first
    for i, (level, text) in enumerate(entries):
        p = first if i == 0 else doc.add_paragraph(style=f"toc {level}")
        if i == 0 and level != 1:
            p.style = doc.styles[f"toc {level}"]
        p.add_run(text)
        last = p
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    last.add_run()._r.append(end)
    note = doc.add_paragraph()
    r = note.add_run("Sidetall i innholdsfortegnelsen oppdateres når dokumentet åpnes i Word (Oppdater felt).")
    r.italic = True
    r.font.size = Pt(8)


def _update_fields_on_open(doc) -> None:
    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.append(el)


def _title_page(doc, info: dict) -> None:
    for _ in range(5):
        doc.add_paragraph()
    p = doc.add_paragraph(info["subtitle"], style="Subtitle")
    p = doc.add_paragraph(info["title"], style="Title")
    for key in ("host", "participants", "reference", "date"):
        if info.get(key):
            p = doc.add_paragraph()
            run = p.add_run(info[key])
            run.font.size = Pt(12)
            if key == "host":
                run.bold = True
    if info.get("example"):
        doc.add_paragraph()
        run = doc.add_paragraph().add_run(info["example"])
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _table(doc, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # w:gridCol, which LibreOffice uses
    _fixed_layout(table)
    hdr = table.rows[0]
    _repeat_header(hdr)
    for cell, text, width in zip(hdr.cells, headers, widths, strict=True):
        cell.width = Cm(width)
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
        _shade(cell, HEADER_FILL)
    for values in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = Cm(width)
            run = cell.paragraphs[0].add_run("" if text is None else str(text))
            run.font.size = Pt(9)
    doc.add_paragraph()


def _fixed_layout(table) -> None:
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)
