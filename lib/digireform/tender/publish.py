"""Publish and agree: the eForms contract notice and the partners' draft agreement, as files.

`build_notice` (`digireform tender notice`) writes eforms-contract-notice.xml only when it
passes the SDK's XSD and schematron rules: a notice TED would refuse is not left where someone
could upload it; what fails is listed with the rule id and a Norwegian explanation.
`build_agreement` (`digireform tender agreement`) writes samarbeidsavtale.docx with the
cost-sharing key, refusing before anything is written when the key cannot be computed.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digireform.io.atomic import atomic_write_with
from digireform.io.paths import resolve_data_dir
from digireform.model.errors import DigireformError, display_path
from digireform.tender.build import OUT_DIR, check_out_dir, prepare
from digireform.tender.eforms_validation import NoticeProblem, check
from digireform.tender.exports.eforms import FILE_NAME, NoticeDataError, NoticeFacts, notice_facts, notice_xml
from digireform.tender.manifest import OverwriteRefused, changed_since_build, record


@dataclass
class NoticeResult:
    path: Path
    facts: NoticeFacts
    procedure_label: str = ""
    warnings: list[str] = field(default_factory=list)


class NoticeRefused(DigireformError):
    """The notice breaks eForms rules; `findings` are the rules it breaks (all in the message)."""

    def __init__(self, findings: list[NoticeProblem]) -> None:
        lines = "\n".join(f"  {p}" for p in findings[:40])
        more = f"\n  … og {len(findings) - 40} til" if len(findings) > 40 else ""
        super().__init__(f"Kunngjøringen bryter {len(findings)} eForms-regler; ingenting er skrevet:\n{lines}{more}")
        self.findings = findings


def _guard(out: Path, name: str, overwrite: bool) -> None:
    """Refuse, before anything is written, to replace a file edited since the build that wrote it."""
    check_out_dir(out, [name])
    changed = [] if overwrite else changed_since_build(out, [name])
    if changed:
        raise OverwriteRefused(out, changed)


def build_notice(tender_path: str | os.PathLike, data_dir: str | os.PathLike | None = None,
                 out_dir: str | os.PathLike | None = None, as_of: dt.date | None = None,
                 overwrite: bool = False) -> NoticeResult:
    """Assemble the tender, write eforms-contract-notice.xml when it validates, else refuse."""
    assembly = prepare(tender_path, data_dir, as_of)
    root = resolve_data_dir(data_dir)
    out = Path(out_dir) if out_dir else root / OUT_DIR / assembly.tender.slug
    _guard(out, FILE_NAME, overwrite)
    try:
        facts = notice_facts(assembly)
    except NoticeDataError as exc:
        raise DigireformError("Kunngjøringen kan ikke lages før dataene er fullstendige:\n"
                              + "\n".join(f"  {p}" for p in exc.problems)) from None
    xml = notice_xml(facts)
    problems = check(xml)
    if problems:
        raise NoticeRefused(problems)
    out.mkdir(parents=True, exist_ok=True)
    path = atomic_write_with(out / FILE_NAME, lambda p: p.write_bytes(xml))
    record(out, {"notice": Path(path)})
    info = assembly.tender.procedure_info
    return NoticeResult(Path(path), facts, info.label if info else "", placeholder_warnings(assembly))


def placeholder_warnings(assembly: Any) -> list[str]:
    """Warnings while the notice's addresses are the shipped placeholders (tender.yaml publication)."""
    from digireform.tender.definition import defaults

    base = assembly.tender.publication.get("base_url")
    if base and base == defaults()["publication"]["base_url"]:
        return [f"Adressen til konkurransedokumentene ({base}) er en plassholder: skriv den virkelige adressen i "
                "anbudsfila (publication.base_url) og adressen for innlevering (notice.submission_url) "
                "før kunngjøringen sendes."]
    return []


def summary(result: NoticeResult) -> str:
    """What was written, in Norwegian: notice type, procedure, deadline, lots, estimated value."""
    from digireform.model import formatting
    from digireform.tender.exports.eforms import settings, two_stage

    f = result.facts
    deadline = (f"frist for forespørsel om å delta {formatting.date_long(f.participation_deadline)}"
                if two_stage(f.procedure) else f"tilbudsfrist {formatting.date_long(f.tender_deadline)}")
    lines = [
        f"Skrev {display_path(result.path)}: {settings()['subtypes'][f.subtype]['label']}.",
        f"Gyldig etter eForms SDK {settings()['sdk_version']} (XSD og schematron).",
        f"Prosedyre: {result.procedure_label or f.procedure}; {deadline}; anslått verdi {formatting.nok(f.value_nok)}.",
        f"Oppdragsgivere: {', '.join(b.name for b in f.buyers)} "
        f"({next(b.name for b in f.buyers if b.group_lead)} kunngjør på vegne av de andre).",
    ]
    lines += [f"  Delkontrakt {lot.internal_id}: {lot.title} – {formatting.nok(lot.value_nok)}" for lot in f.lots]
    lines += [f"Advarsel: {w}" for w in result.warnings]
    return "\n".join(lines)


def build_agreement(tender_path: str | os.PathLike, data_dir: str | os.PathLike | None = None,
                    out_dir: str | os.PathLike | None = None, overwrite: bool = False) -> tuple[Path, str]:
    """Write samarbeidsavtale.docx for the tender; returns its path and the key as text lines."""
    from digireform.tender.agreement import key_lines, tender_key, texts
    from digireform.tender.exports.agreement_docx import write_agreement

    assembly = prepare(tender_path, data_dir)
    key = tender_key(assembly)  # refused before anything is written
    out = Path(out_dir) if out_dir else resolve_data_dir(data_dir) / OUT_DIR / assembly.tender.slug
    _guard(out, texts()["file"], overwrite)
    out.mkdir(parents=True, exist_ok=True)
    path = atomic_write_with(out / texts()["file"], lambda p: write_agreement(assembly, p))
    record(out, {"agreement": Path(path)})
    lines = key_lines(key, assembly)
    return path, "\n".join(lines)
