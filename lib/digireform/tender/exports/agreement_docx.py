"""samarbeidsavtale.docx: the partners' draft agreement for one joint tender.

Parties with organisation numbers, the host and its mandate, decision rules, the cost-sharing
key (computed from the data), withdrawal, the GDPR roles and a signature block per partner.
Texts are data (`model/data/agreement.yaml`); numbers come from `tender.agreement`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from digireform.model import formatting
from digireform.tender.agreement import key_table, shared_processing, tender_key, texts


def write_agreement(assembly: Any, path: Path) -> Path:
    """Render the agreement for the assembled tender to `path` (the key must be computable)."""
    t = texts()
    key = tender_key(assembly)
    tender = assembly.tender
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(t["title"], level=0)
    doc.add_paragraph().add_run(f"{tender.title} ({tender.reference})" if tender.reference else tender.title).bold = True
    if assembly.example_data:
        doc.add_paragraph().add_run("Eksempeldata – fiktive tall, ikke en avtale.").bold = True
    doc.add_paragraph().add_run(" ".join(t["draft_note"].split())).italic = True
    _parties(doc, assembly)
    doc.add_heading("2 Formål og omfang", level=1)
    doc.add_paragraph(" ".join(tender.description.split()))
    doc.add_paragraph(
        f"Avtaleperioden er {formatting.years(tender.years)}"
        + (f" med opsjon på {formatting.years(tender.option_years)}" if tender.option_years else "")
        + f". Anslått verdi for hele perioden er {formatting.nok(assembly.estimated_value_nok)}.")
    for lot in tender.lots:
        doc.add_paragraph(f"Delkontrakt {lot.id}: {lot.title}", style="List Bullet")
    doc.add_heading("3 Vertskommunen og fullmakten", level=1)
    doc.add_paragraph(" ".join(t["legal_basis"].split()))
    doc.add_paragraph(f"{assembly.host_name} kommune er vertskommune og skal på vegne av deltakerne:")
    for item in t["host_mandate"]:
        doc.add_paragraph(item, style="List Bullet")
    doc.add_paragraph(" ".join(t["host_limits"].split()))
    doc.add_heading("4 Beslutninger", level=1)
    doc.add_paragraph(" ".join(t["decisions"].split()))
    _key(doc, assembly, key, t)
    doc.add_heading("6 Uttreden", level=1)
    doc.add_paragraph(" ".join(t["withdrawal"].split()))
    _gdpr(doc, assembly, t)
    doc.add_heading("8 Tvister og ikrafttredelse", level=1)
    doc.add_paragraph(" ".join(t["disputes"].split()))
    doc.add_paragraph(t["signature"])
    _signatures(doc, assembly)
    doc.save(str(path))
    return path


def _parties(doc: Any, assembly: Any) -> None:
    doc.add_heading("1 Parter", level=1)
    rows = [[f"{r.name} kommune", formatting.number(int(r.orgnr), 0) if r.orgnr else "",
             "Vertskommune" if r.host else "Deltaker"] for r in assembly.participants.itertuples()]
    _table(doc, ["Kommune", "Organisasjonsnummer", "Rolle"], rows)


def _key(doc: Any, assembly: Any, key: Any, t: dict) -> None:
    from digireform.analysis.cost_sharing import bases
    from digireform.model.schema import package_yaml

    doc.add_heading("5 Kostnader og fordelingsnøkkel", level=1)
    doc.add_paragraph(" ".join(t["costs"].split()))
    doc.add_paragraph(f"Fordelingsnøkkel: {key.label}. "
                      + " ".join(bases()[b]["description"] for b in key.weights))
    headers, rows = key_table(key, assembly)
    _table(doc, headers, rows, numeric_from=1)
    doc.add_paragraph().add_run(" ".join(package_yaml("cost_sharing.yaml")["rounding"].split())).italic = True


def _gdpr(doc: Any, assembly: Any, t: dict) -> None:
    doc.add_heading("7 Personvern", level=1)
    doc.add_paragraph(" ".join(t["gdpr_controller"].split()))
    shared = shared_processing(assembly)
    if shared:
        doc.add_paragraph(" ".join(t["gdpr_joint"].split()).format(shared=", ".join(shared)))
    else:
        doc.add_paragraph(" ".join(t["gdpr_separate"].split()))


def _signatures(doc: Any, assembly: Any) -> None:
    rows = [[f"{r.name} kommune", "", ""] for r in assembly.participants.itertuples()]
    _table(doc, ["Kommune", "Sted og dato", "Kommunedirektørens underskrift"], rows)


def _table(doc: Any, headers: list[str], rows: list[list[str]], numeric_from: int | None = None) -> None:
    """A grid table with a bold header; columns from `numeric_from` on are right-aligned."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for i, (cell, text) in enumerate(zip(table.add_row().cells, row, strict=True)):
            cell.text = str(text)
            if numeric_from is not None and i >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
