"""The requirement library: procurement/requirements/*.yaml, loaded and validated.

Each file is a YAML list of requirements (docs/data-model.md, "Procurement files"). The library is
checked as a whole because ids must be unique across files; every problem names the
file and the line of the offending key, so a procurement officer editing YAML by hand
can find it. Categories come from data/requirement_categories.yaml.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from digireform.io.yamlio import LineDict, load_with_lines
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, package_yaml

KINDS = {"skal": "SKAL", "bor": "BØR"}
ALL = "all"
KEYS = ("id", "category", "kind", "text", "text_nn", "applies_to", "reference", "weight")
REQUIRED = ("id", "category", "kind", "text", "applies_to")
LIBRARY_DIR = Path("procurement") / "requirements"


@dataclass(frozen=True)
class Requirement:
    """One requirement of the library, with where it was written."""

    id: str
    category: str
    kind: str  # skal | bor
    text: str
    applies_to: tuple[str, ...]  # ("all",) or service-area / welfare-category codes
    reference: str = ""
    text_nn: str | None = None
    weight: float | None = None
    file: str = ""
    line: int | None = None

    @property
    def applies_to_all(self) -> bool:
        return ALL in self.applies_to

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def text_in(self, nynorsk: bool) -> str:
        """Nynorsk text when asked for and written, else bokmål."""
        return self.text_nn if nynorsk and self.text_nn else self.text


@dataclass
class Library:
    """All requirements in file order, plus the category labels in document order."""

    requirements: list[Requirement]
    categories: dict[str, str]  # code → label, in document order
    by_id: dict[str, Requirement] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.requirements}

    def __len__(self) -> int:
        return len(self.requirements)

    def category_label(self, code: str) -> str:
        return self.categories.get(code, code)


@cache
def categories() -> dict[str, str]:
    """Requirement category code → Norwegian label, in the order of the document."""
    return {str(c["code"]): str(c["label"]) for c in package_yaml("requirement_categories.yaml")}


@cache
def applies_to_codes() -> dict[str, str]:
    """Codes allowed in `applies_to`: service areas and welfare categories → label."""
    return {**code_list(SERVICE_AREAS), **code_list(WELFARE_CATEGORIES)}


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
        label = display_path(path)
        if not isinstance(data, list):
            problems.append(Problem(label, 1, "(fil)", "kravfila skal være en YAML-liste (hver post starter med «- id: …»)"))
            continue
        for item in data:
            req = parse_requirement(item, label, problems, seen)
            if req is not None:
                reqs.append(req)
    if problems:
        raise ValidationError("Kravbiblioteket har feil:", problems)
    return Library(reqs, categories())


def parse_requirement(item: Any, label: str, problems: list[Problem], seen: dict[str, str]) -> Requirement | None:
    """Validate one list item; append problems; the Requirement when it is usable."""
    if not isinstance(item, LineDict):
        problems.append(Problem(label, None, "(krav)", f"«{item}» er ikke et krav (forventet id, category, kind, text, …)"))
        return None
    before = len(problems)

    def add(key: str, message: str) -> None:
        problems.append(Problem(label, item.line_of(key), key, message))

    for key in item:
        if key not in KEYS:
            add(str(key), f"ukjent nøkkel; gyldige: {', '.join(KEYS)}")
    for key in REQUIRED:
        if item.get(key) in (None, "", []):
            add(key, "mangler (påkrevd felt)")
    rid = _text(item.get("id"))
    if rid:
        if rid in seen:
            add("id", f"«{rid}» er brukt før ({seen[rid]})")
        else:
            seen[rid] = f"{label}:{item.line_of('id')}"
    category = _text(item.get("category"))
    if category and category not in categories():
        add("category", f"«{category}» er ikke en kjent kategori; gyldige: {', '.join(categories())}")
    kind = _text(item.get("kind"))
    if kind and kind not in KINDS:
        add("kind", f"«{kind}» er ikke gyldig; bruk «skal» (absolutt krav) eller «bor» (vektet krav)")
    weight = _check_weight(item, kind, add)
    applies = _check_applies_to(item.get("applies_to"), add)
    for key in ("id", "text", "text_nn", "reference"):
        if item.get(key) is not None and not isinstance(item.get(key), str):
            add(key, "skal være tekst")
    if len(problems) > before:
        return None
    return Requirement(
        id=rid, category=category, kind=kind, text=item["text"].strip(), applies_to=applies,
        reference=(item.get("reference") or "").strip(), text_nn=(item.get("text_nn") or "").strip() or None,
        weight=weight, file=label, line=item.line,
    )


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _check_weight(item: LineDict, kind: str, add) -> float | None:
    weight = item.get("weight")
    if weight is None:
        if kind == "bor":
            add("weight", "mangler; et BØR-krav skal ha en vekt (et positivt tall)")
        return None
    if kind == "skal":
        add("weight", "bare BØR-krav kan ha vekt; et SKAL-krav er absolutt og vektes ikke")
        return None
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) or weight <= 0:
        add("weight", f"«{weight}» er ikke et positivt tall")
        return None
    return float(weight)


def _check_applies_to(value: Any, add) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        add("applies_to", "skal være «all» eller en liste med tjenesteområder og velferdsteknologikategorier")
        return ()
    codes = applies_to_codes()
    bad = [v for v in items if v != ALL and v not in codes]
    if bad:
        add("applies_to", f"ukjent kode {', '.join(f'«{b}»' for b in bad)}; gyldige: all, {', '.join(codes)}")
    if ALL in items and len(items) > 1:
        add("applies_to", "«all» kan ikke kombineres med andre koder")
    return tuple(items)


def requirements_frame(library: Library):
    """The library as a DataFrame (for notebooks): one row per requirement."""
    import pandas as pd

    return pd.DataFrame(
        [
            {"id": r.id, "kategori": library.category_label(r.category), "type": r.kind_label,
             "vekt": r.weight, "gjelder": ", ".join(r.applies_to), "krav": r.text, "referanse": r.reference}
            for r in library.requirements
        ]
    )
