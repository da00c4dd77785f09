"""The requirement library: procurement/requirements/*.yaml, loaded and validated.

Each file is a YAML list of requirements (docs/data-model.md, "Procurement files"), its
shape the JSON Schema `model/data/schemas/requirements.schema.yaml`. The library is checked
as a whole because ids must be unique across files; every problem names the file and the
line of the offending key, so a procurement officer editing YAML by hand can find it.
Categories come from data/requirement_categories.yaml. What the schema cannot say is
checked here after it (`_rules`): ids unique across files, a weight for BØR and none for
SKAL or kvalifikasjon, documentation for kvalifikasjon and for no other kind, «all» alone.

Three kinds: SKAL and BØR are requirements on the offer (Bilag 1; BØR scored under the
award criteria), kvalifikasjon a requirement on the tenderer with the documentation it
submits (konkurransegrunnlag; checked before evaluation, never scored). Requirements marked
`sami: true` apply only when a participant is in the administrative area for Sami
languages (data/sami_language_area.yaml, `sami_participants`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from digireform.io.yamlio import line_at, load_with_lines
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.schema import package_yaml
from digireform.validate.schema import SchemaCheck, schema

if TYPE_CHECKING:  # pragma: no cover
    from digireform.tender.definition import TenderDefinition

KINDS = {"skal": "SKAL", "bor": "BØR", "kvalifikasjon": "Kvalifikasjonskrav"}
QUALIFICATION = "kvalifikasjon"
MANDATORY = ("skal", QUALIFICATION)  # absolute, never weighted: left out of a tender only with a reason
ALL = "all"
SCHEMA = "requirements"
KEYS = tuple(schema(SCHEMA)["items"]["properties"])  # the schema's, in its order
REQUIRED = tuple(schema(SCHEMA)["items"]["required"])
LIBRARY_DIR = Path("procurement") / "requirements"


@dataclass(frozen=True)
class Requirement:
    """One requirement of the library, with where it was written."""

    id: str
    category: str
    kind: str  # skal | bor | kvalifikasjon
    text: str
    applies_to: tuple[str, ...]  # ("all",) or service-area / welfare-category codes
    reference: str = ""
    text_nn: str | None = None
    weight: float | None = None
    file: str = ""
    line: int | None = None
    documentation: str | None = None  # kvalifikasjon only: what the tenderer submits
    documentation_nn: str | None = None
    sami: bool = False  # applies only with a participant in the Sami-language area

    @property
    def applies_to_all(self) -> bool:
        return ALL in self.applies_to

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def is_qualification(self) -> bool:
        """A requirement on the tenderer: konkurransegrunnlag, never Bilag 1 or the scoring."""
        return self.kind == QUALIFICATION

    def selected_by(self, scope: set[str]) -> bool:
        """Whether a tender's scope alone selects it: it applies to all, or to a code in the scope."""
        return self.applies_to_all or any(c in scope for c in self.applies_to)

    def text_in(self, nynorsk: bool) -> str:
        """Nynorsk text when asked for and written, else bokmål."""
        return self.text_nn if nynorsk and self.text_nn else self.text

    def documentation_in(self, nynorsk: bool) -> str | None:
        """The documentation a qualification requirement asks for, nynorsk when asked and written."""
        return self.documentation_nn if nynorsk and self.documentation_nn else self.documentation


@dataclass
class Library:
    """All requirements in file order, plus the category labels in document order."""

    requirements: list[Requirement]
    categories: dict[str, str]  # code → label, in document order
    by_id: dict[str, Requirement] = field(default_factory=dict)
    categories_nn: dict[str, str] = field(default_factory=dict)  # code → nynorsk label

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.requirements}

    def __len__(self) -> int:
        return len(self.requirements)

    def category_label(self, code: str, nynorsk: bool = False) -> str:
        if nynorsk and code in self.categories_nn:
            return self.categories_nn[code]
        return self.categories.get(code, code)


@cache
def categories() -> dict[str, str]:
    """Requirement category code → bokmål label, in the order of the document."""
    return {str(c["code"]): str(c["label"]) for c in package_yaml("requirement_categories.yaml")}


@cache
def categories_nn() -> dict[str, str]:
    """Requirement category code → nynorsk label (bokmål where none is written)."""
    return {str(c["code"]): str(c.get("label_nn") or c["label"]) for c in package_yaml("requirement_categories.yaml")}


def library_dir(data_dir: Path) -> Path:
    return Path(data_dir) / LIBRARY_DIR


def load_library(data_dir: Path, folder: Path | None = None) -> Library:
    """Read and validate every *.yaml in the library folder; ValidationError lists all problems."""
    folder = Path(folder) if folder else library_dir(data_dir)
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        raise ValidationError(f"Fant ingen kravfiler (*.yaml) i {display_path(folder)}.")
    problems: list[Problem] = []
    reqs: list[Requirement] = []
    seen: dict[str, str] = {}
    for path in files:
        data = load_with_lines(path, problems)
        if data is None:
            continue
        check = SchemaCheck(data, SCHEMA, display_path(path))
        if isinstance(data, list):
            for i, item in enumerate(data):
                if _rules(data, i, check, seen):
                    reqs.append(_requirement(item, check.label, line_at(data, (i,))))
        problems += check.problems
    if problems:
        raise ValidationError("Kravbiblioteket har feil:", problems)
    return Library(reqs, categories(), categories_nn=categories_nn())


def _rules(data: list, i: int, c: SchemaCheck, seen: dict[str, str]) -> bool:
    """The checks the schema cannot say for requirement `i`; True when it is usable.

    `seen` maps each id met so far in the library to where it stood (FILE:LINE).
    """
    before = len(c.problems)
    item = data[i]
    if not isinstance(item, dict):
        return False
    rid = str(item.get("id") or "").strip()
    if rid and c.ok(i, "id"):
        if rid in seen:
            c.add((i, "id"), f"«{rid}» er brukt før ({seen[rid]})")
        else:
            seen[rid] = f"{c.label}:{line_at(data, (i, 'id'))}"
    _kind_rules(item, i, c)
    applies = item.get("applies_to")
    if isinstance(applies, list) and ALL in applies and len(applies) > 1:
        c.add((i, "applies_to"), "«all» kan ikke kombineres med andre koder")
    return len(c.problems) == before and c.ok(i)


def _kind_rules(item: dict, i: int, c: SchemaCheck) -> None:
    """Weight only for BØR; documentation for kvalifikasjon and for no other kind.

    A qualification requirement describes the tenderer, so it is met or not before the offers
    are evaluated (FOA kap. 16): it is never weighted, and without the documentation asked
    for the tenderer cannot show it is met.
    """
    kind, has_weight = item.get("kind"), item.get("weight") is not None
    has_doc = bool(str(item.get("documentation") or "").strip())
    if kind == "bor" and not has_weight:
        c.add((i, "weight"), "mangler; et BØR-krav skal ha en vekt (et positivt tall)")
    elif kind == "skal" and has_weight:
        c.add((i, "weight"), "bare BØR-krav kan ha vekt; et SKAL-krav er absolutt og vektes ikke")
    elif kind == QUALIFICATION and has_weight:
        c.add((i, "weight"), "et kvalifikasjonskrav vektes ikke; det gjelder leverandøren og er oppfylt eller ikke")
    if kind == QUALIFICATION and not has_doc:
        c.add((i, "documentation"), "mangler; et kvalifikasjonskrav skal si hva leverandøren legger fram som dokumentasjon")
    for key in ("documentation", "documentation_nn"):
        if kind in KINDS and kind != QUALIFICATION and str(item.get(key) or "").strip():
            c.add((i, key), "bare kvalifikasjonskrav har dokumentasjonskrav; skriv dokumentasjonen i kravteksten")


def _text(item: dict, key: str) -> str | None:
    """A free-text key stripped; None when absent or blank."""
    return str(item.get(key) or "").strip() or None


def _requirement(item: dict, label: str, line: int | None) -> Requirement:
    """The Requirement of an item that passed the schema and the rules."""
    applies = item["applies_to"]
    weight = item.get("weight")
    return Requirement(
        id=item["id"].strip(), category=item["category"], kind=item["kind"], text=item["text"].strip(),
        applies_to=(applies,) if isinstance(applies, str) else tuple(applies),
        reference=_text(item, "reference") or "", text_nn=_text(item, "text_nn"),
        weight=float(weight) if weight is not None else None, file=label, line=line,
        documentation=_text(item, "documentation"), documentation_nn=_text(item, "documentation_nn"),
        sami=item.get("sami") is True,
    )


# --------------------------------------------------------------------------- Sami-language area


@dataclass(frozen=True)
class SamiMunicipality:
    """A municipality in the administrative area for Sami languages (sami_language_area.yaml)."""

    number: str
    name: str
    language: str  # nordsamisk | lulesamisk | sørsamisk
    since: dt.date | None  # None: the date of inclusion is not recorded; in the area on every date

    def in_area_on(self, day: dt.date | None) -> bool:
        return self.since is None or day is None or self.since <= day


@cache
def sami_language_area() -> dict[str, SamiMunicipality]:
    """The administrative area for Sami languages by municipality number."""
    out = {}
    for e in package_yaml("sami_language_area.yaml"):
        since = e.get("since")
        out[str(e["number"])] = SamiMunicipality(str(e["number"]), str(e["name"]), str(e["language"]),
                                                 since if isinstance(since, dt.date) else None)
    return out


def sami_participants(participants: Iterable[str], on: dt.date | None = None) -> list[str]:
    """The participants in the Sami-language area on `on` (the tender's date), in their order."""
    area = sami_language_area()
    return [n for n in participants if n in area and area[n].in_area_on(on)]


def sami_languages(participants: Iterable[str], on: dt.date | None = None) -> dict[str, str]:
    """Participant number → the Sami language of its area, for the participants in the area.

    The library's Sami requirements say «det samiske språket i kommunen»; the documents name it
    per municipality from here (nordsamisk, lulesamisk or sørsamisk).
    """
    area = sami_language_area()
    return {n: area[n].language for n in sami_participants(participants, on)}


def sami_requirements_apply(participants: Iterable[str], on: dt.date | None = None) -> bool:
    """True when the library's Sami-language requirements (`sami: true`) belong in the tender.

    Sameloven kap. 3 gives the inhabitants of these municipalities rights (forms, answers and
    health and care services in Sami) that a joint contract must let the municipality keep.
    """
    return bool(sami_participants(participants, on))


# --------------------------------------------------------------------------- a tender's choice from the library


def selection_problems(tender: TenderDefinition, library: Library) -> list[Problem]:
    """What is wrong with the tender file's `requirements:` choice, measured against the library.

    One place for the rules, run when a tender is assembled (build, notebook, dashboards)
    and before the notebook saves a choice: every id must be in the library, only BØR
    requirements are weighted, a SKAL or qualification requirement is excluded only with a
    stated reason (`exclude_reasons`; a mandatory requirement never drops out of a tender
    silently), and a reason stands only for an excluded id (else it is a typo or left over).
    """
    problems: list[Problem] = []
    for key, ids in (("include", tender.include), ("exclude", tender.exclude), ("weights", list(tender.weights))):
        unknown = [i for i in ids if i not in library.by_id]
        if unknown:
            problems.append(tender.problem(f"requirements.{key}", f"ukjent krav-ID {', '.join(unknown)} (finnes ikke i kravbiblioteket)"))
    for rid in tender.weights:
        req = library.by_id.get(rid)
        if req is not None and req.kind in MANDATORY:
            problems.append(tender.problem("requirements.weights", f"{rid} er {kind_phrase(req)} og kan ikke vektes"))
    for rid in unreasoned_exclusions(library, tender.exclude, tender.exclude_reasons):
        line = line_at(tender.source, ("requirements", "exclude", tender.exclude.index(rid)))
        problems.append(Problem(tender.label, line, "requirements.exclude", exclusion_refusal(
            library.by_id[rid], f'skriv den under requirements.exclude_reasons ({rid}: "hvorfor")')))
    for rid in tender.exclude_reasons:
        if rid not in tender.exclude:
            line = line_at(tender.source, ("requirements", "exclude_reasons", rid))
            problems.append(Problem(tender.label, line, "requirements.exclude_reasons",
                                    f"begrunnelse for {rid}, men {rid} står ikke i exclude; fjern linjen eller ta kravet ut"))
    return problems


def unreasoned_exclusions(library: Library, exclude: list[str], reasons: dict[str, str]) -> list[str]:
    """The SKAL and qualification requirements in `exclude` without a (non-blank) reason, in the order given."""
    return [rid for rid in exclude
            if rid in library.by_id and library.by_id[rid].kind in MANDATORY and not (reasons.get(rid) or "").strip()]


def kind_phrase(req: Requirement) -> str:
    """«et SKAL-krav», «et BØR-krav», «et kvalifikasjonskrav»: the kind as a message names it."""
    return "et kvalifikasjonskrav" if req.kind == QUALIFICATION else f"et {req.kind_label}-krav"


def exclusion_refusal(req: Requirement, how: str) -> str:
    """Why a mandatory requirement cannot be excluded as it stands (names it and its text), and `how` to give the reason."""
    return f"{req.id} er {kind_phrase(req)} («{short(req.text)}») og kan bare tas ut med en begrunnelse; {how}"


def short(text: str, limit: int = 70) -> str:
    """The first words of a requirement text, for a message that names it."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def requirements_frame(library: Library):
    """The library as a DataFrame (for notebooks): one row per requirement."""
    import pandas as pd

    return pd.DataFrame(
        [
            {"id": r.id, "kategori": library.category_label(r.category), "type": r.kind_label,
             "vekt": r.weight, "gjelder": ", ".join(r.applies_to), "krav": r.text, "referanse": r.reference,
             "dokumentasjon": r.documentation}
            for r in library.requirements
        ]
    )
