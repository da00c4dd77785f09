"""`digireform tender build TENDER.yaml [--data DIR] [--out DIR] [--as-of DATE]`.

Loads the data, the requirement library and the tender file (each validated, with
FILE:LINE messages), assembles the tender and writes the files: for suppliers the
konkurransegrunnlag, the requirement bilag (and the service-level bilag when the contract
type has one), the answer matrix, the documents as Markdown and the OCDS package; for the
project group `intern/` with the rationale and the traceability, which is never published.
Every file is written to a temporary name in the output folder and renamed into place, so a
failed build never leaves a half-written document behind. A file that is not what the previous
build wrote (adjusted by hand) is not overwritten unless asked (`tender.manifest`).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from digireform.io.atomic import atomic_write_with
from digireform.io.paths import resolve_data_dir
from digireform.model.errors import DigireformError, ValidationError, display_path, os_reason
from digireform.model.region import Region
from digireform.tender.assembly import Assembly, assemble, nok
from digireform.tender.definition import load_tender
from digireform.tender.manifest import OverwriteRefused, changed_since_build, record
from digireform.tender.requirements import load_library
from digireform.tender.rules import enforce
from digireform.tender.texts import documents
from digireform.validate.region import load

OUT_DIR = Path("procurement") / "out"
TENDERS_DIR = Path("procurement") / "tenders"


@dataclass
class BuildResult:
    assembly: Assembly
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)  # tender_documents.yaml key → path

    @property
    def public_files(self) -> dict[str, Path]:
        """The files for suppliers (not the project group's `intern/`)."""
        specs = documents()
        return {k: p for k, p in self.files.items() if specs[k]["public"]}

    @property
    def warnings(self) -> list[str]:
        return self.assembly.warnings


def find_tender(tender: str | os.PathLike, data_dir: Path) -> Path:
    """The tender file as given, else procurement/tenders/<name>(.yaml) in the data folder."""
    path = Path(tender)
    if path.is_file():
        return path
    for candidate in (data_dir / TENDERS_DIR / path.name, data_dir / TENDERS_DIR / f"{path.name}.yaml"):
        if candidate.is_file():
            return candidate
    raise DigireformError(f"Fant ikke anbudsfila {display_path(path)} (heller ikke under {display_path(data_dir / TENDERS_DIR)}).")


def prepare(tender_path: str | os.PathLike, data_dir: str | os.PathLike | None = None,
            as_of: dt.date | None = None, region: Region | None = None) -> Assembly:
    """Load and validate everything and assemble the tender (no files written)."""
    root = Path(region.data_dir) if region is not None else resolve_data_dir(data_dir)
    path = find_tender(tender_path, root)
    region = region or load(root)
    try:
        tender = load_tender(path, known_numbers=set(region.numbers))
    except ValidationError as exc:  # a participant "without folder" may be one of two folders with its number
        folders = [p for p in region.problems if p.field == "(mappe)"]
        if not folders:
            raise
        raise ValidationError(exc.message, [*exc.problems, *folders]) from None
    problems = _participant_problems(region, tender.participants)
    if problems:
        raise ValidationError("Dataene til deltakerne har feil; rett dem først (se digireform validate):", problems)
    library = load_library(root)
    a = assemble(region, tender, library, as_of=as_of)
    enforce(a)  # the procurement rules: errors stop here, warnings join a.warnings
    return a


def _participant_problems(region: Region, participants: list[str]) -> list:
    folders = {Path(region.municipalities.at[n, "folder"]).name for n in participants}
    return [p for p in region.problems if any(f"{f}/" in p.file.replace(os.sep, "/") or p.file.endswith(f) for f in folders)]


def build_tender(tender_path: str | os.PathLike, data_dir: str | os.PathLike | None = None,
                 out_dir: str | os.PathLike | None = None, as_of: dt.date | None = None,
                 assembly: Assembly | None = None, overwrite: bool = False, internal: bool = True) -> BuildResult:
    """Build the files; `assembly` lets a notebook pass an adjusted assembly.

    OverwriteRefused, before anything is written, when a file there is not what the last
    build wrote (edited by hand since, or not from a build) and `overwrite` is not given.
    `internal=False` leaves out the project group's file (a folder that is served to the public).
    """
    a = assembly or prepare(tender_path, data_dir, as_of)
    if assembly is not None:  # an assembly adjusted in a notebook is held to the same rules
        enforce(a)
    out = output_dir(a, data_dir, out_dir)
    from digireform.tender.exports import content
    from digireform.tender.exports.docx import write_docx
    from digireform.tender.exports.md import render_markdown
    from digireform.tender.exports.ocds import render_ocds, validated_package
    from digireform.tender.exports.xlsx import write_xlsx

    public = content.public_documents(a)  # every text checked before anything is written
    private = [content.intern(a)] if internal else []
    specs = documents()
    names = {c.key: c.file for c in public + private}
    names |= {k: specs[k]["file"] for k in ("kravmatrise", "markdown", "ocds")}
    check_out_dir(out, list(names.values()))
    changed = [] if overwrite else changed_since_build(out, list(names.values()))
    if changed:
        raise OverwriteRefused(out, changed)
    package = validated_package(a, [names[c.key] for c in public] + [names["kravmatrise"], names["markdown"]])
    _make_dir(out)
    if private:
        _make_dir(out / Path(names["intern"]).parent)
    writers: dict[str, Callable[[Path], object]] = {
        **{c.key: (lambda p, c=c: write_docx(a, c, p)) for c in public},
        "kravmatrise": lambda p: write_xlsx(a, p),
        "markdown": lambda p: p.write_text(render_markdown(public), encoding="utf-8"),
        "ocds": lambda p: p.write_text(render_ocds(package), encoding="utf-8"),
        **{c.key: (lambda p, c=c: write_docx(a, c, p)) for c in private},
    }
    result = BuildResult(a, out)
    try:
        for key, write in writers.items():
            result.files[key] = atomic_write_with(out / names[key], write)
    finally:
        record(out, result.files)
    return result


def output_dir(a: Assembly, data_dir: str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None) -> Path:
    """Where the build writes: `out_dir`, else procurement/out/<slug> in the data folder."""
    return Path(out_dir) if out_dir else resolve_data_dir(data_dir) / OUT_DIR / a.tender.slug


def check_out_dir(out: Path, names: list[str]) -> None:
    """Refuse, before anything is written, an output folder that is a file or cannot hold the files."""
    label = display_path(out)
    if out.exists() and not out.is_dir():
        raise DigireformError(f"--out: {label} er en fil, ikke en mappe; oppgi en mappe (den lages om den mangler). "
                              "Ingenting er skrevet.")
    blocker = next((p for p in out.parents if p.exists()), None)
    if not out.exists() and blocker is not None and not blocker.is_dir():
        raise DigireformError(f"--out: {display_path(blocker)} er en fil, så mappen {label} kan ikke lages. "
                              "Ingenting er skrevet.")
    for name in names:
        target = out / name
        if target.exists() and not target.is_file():
            raise DigireformError(f"--out: {display_path(target)} finnes og er ikke en fil; flytt den bort. "
                                  "Ingenting er skrevet.")


def _make_dir(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigireformError(f"--out: mappen {display_path(out)} kan ikke lages ({os_reason(exc)}). "
                              "Ingenting er skrevet.") from exc


def summary(result: BuildResult) -> str:
    """Norwegian summary of a build, for the command line and the notebook."""
    a = result.assembly
    kinds = {k: sum(s.kind == k for s in a.requirements) for k in ("skal", "bor", "kvalifikasjon")}
    counts = f"{kinds['skal']} SKAL, {kinds['bor']} BØR" + (f", {kinds['kvalifikasjon']} kvalifikasjonskrav"
                                                           if kinds["kvalifikasjon"] else "")
    lines = [
        f"{a.tender.title}",
        f"  Vertskommune: {a.host_name}; deltakere: {', '.join(a.names.values())}",
        f"  Krav: {len(a.requirements)} ({counts})",
        f"  Anslått verdi: {nok(a.estimated_value_nok)} – {a.threshold.procedure['part']}: {a.threshold.procedure['label']}",
        *([f"  Prosedyre: {p.label} ({p.reference})"] if (p := a.tender.procedure_info) else []),
        f"  Skrevet til {display_path(result.out_dir)}:",
    ]
    lines += [f"    {display_path(p)}" for p in result.public_files.values()]
    internal = [p for k, p in result.files.items() if k not in result.public_files]
    if internal:
        lines.append("  Bare for prosjektgruppen (publiseres ikke):")
        lines += [f"    {display_path(p)}" for p in internal]
    from digireform.tender.agreement import summary_lines

    lines += summary_lines(a)
    return "\n".join(lines).replace("\u00a0", " ")
