"""The requirement library: procurement/requirements/*.yaml, loaded and validated.

Each file is a YAML list of requirements (docs/data-model.md, "Procurement files"), its
shape the JSON Schema `model/data/schemas/requirements.schema.yaml`. The library is checked
as a whole because ids must be unique across files; every problem names the file and the
line of the offending key, so a procurement officer editing YAML by hand can find it.
Categories come from data/requirement_categories.yaml. What the schema cannot say is
checked here after it (`_rules`): ids unique across files, a weight for BØR and none for
SKAL, «all» alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from digireform.io.yamlio import line_at, load_with_lines
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.schema import package_yaml
from digireform.validate.schema import SchemaCheck, schema

KINDS = {"skal": "SKAL", "bor": "BØR"}
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
    return Library(reqs, categories())


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
    kind, has_weight = item.get("kind"), item.get("weight") is not None
    if kind == "bor" and not has_weight:
        c.add((i, "weight"), "mangler; et BØR-krav skal ha en vekt (et positivt tall)")
    elif kind == "skal" and has_weight:
        c.add((i, "weight"), "bare BØR-krav kan ha vekt; et SKAL-krav er absolutt og vektes ikke")
    applies = item.get("applies_to")
    if isinstance(applies, list) and ALL in applies and len(applies) > 1:
        c.add((i, "applies_to"), "«all» kan ikke kombineres med andre koder")
    return len(c.problems) == before and c.ok(i)


def _requirement(item: dict, label: str, line: int | None) -> Requirement:
    """The Requirement of an item that passed the schema and the rules."""
    applies = item["applies_to"]
    weight = item.get("weight")
    return Requirement(
        id=item["id"].strip(), category=item["category"], kind=item["kind"], text=item["text"].strip(),
        applies_to=(applies,) if isinstance(applies, str) else tuple(applies),
        reference=(item.get("reference") or "").strip(), text_nn=(item.get("text_nn") or "").strip() or None,
        weight=float(weight) if weight is not None else None, file=label, line=line,
    )


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
