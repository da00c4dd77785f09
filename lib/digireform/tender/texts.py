"""The words of the tender documents, in bokmål or nynorsk, and the document data.

Every heading, sentence and table header is data (model/data/tender_texts.yaml, one entry
with `nb` and `nn`), so a nynorsk document is nynorsk all through and a text is changed in
one place. Labels of codes defined elsewhere (welfare categories, service areas, contract
types, thresholds, procedures) keep their bokmål label where it is defined; their nynorsk
label is in the same texts file, keyed by the code. A missing nynorsk text is an error,
never a silent fallback to bokmål: a mixed document is what this module exists to prevent.

Also here: the output files and the SSA bilag structure (tender_documents.yaml) and the
answer options and scoring model (evaluation.yaml).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from digireform.model.errors import DigireformError
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list, package_yaml

FORMS = ("nb", "nn")


@cache
def _texts_file() -> dict:
    return package_yaml("tender_texts.yaml")


def texts() -> dict[str, dict[str, str]]:
    """Key → {nb, nn} of every document text."""
    return _texts_file()["texts"]


def markers() -> dict[str, list[str]]:
    """Words only one language form uses: {nb: [...], nn: [...]}."""
    return _texts_file()["markers"]


@cache
def _documents_file() -> dict:
    return package_yaml("tender_documents.yaml")


@cache
def _categories_file() -> tuple[dict, ...]:
    return tuple(package_yaml("requirement_categories.yaml"))


def documents() -> dict[str, dict]:
    """Output file key → its spec (file, public, ocds_type, format, title)."""
    return _documents_file()["documents"]


@cache
def evaluation() -> dict:
    """The answer options and the scoring model (evaluation.yaml)."""
    return package_yaml("evaluation.yaml")


@dataclass(frozen=True)
class Bilag:
    number: int
    title: str
    role: str  # requirements | solution | service_levels | price | "" (other)
    by: str  # customer | supplier


@dataclass(frozen=True)
class Words:
    """The texts of one language form: `w("kg.intro.heading")`, `w("title.host", host="Narvik")`."""

    nynorsk: bool

    @property
    def form(self) -> str:
        return "nn" if self.nynorsk else "nb"

    def __call__(self, key: str, **values: Any) -> str:
        entry = texts().get(key)
        if entry is None or not entry.get(self.form):
            raise DigireformError(f"Teksten «{key}» mangler ({self.form}) i tender_texts.yaml.")
        text = " ".join(str(entry[self.form]).split())
        return text.format(**values) if values else text

    def kind(self, kind: str) -> str:
        """SKAL / BØR / Kvalifikasjon."""
        return self(f"kind.{kind}")

    def label(self, list_name: str, code: str) -> str:
        """The label of a code in this form: bokmål from where the code is defined, nynorsk from the texts."""
        if not self.nynorsk:
            return bokmal_label(list_name, code)
        found = (_texts_file().get("labels_nn") or {}).get(list_name, {}).get(code)
        if not found:
            raise DigireformError(f"Nynorsk navn mangler for «{code}» ({list_name}) i tender_texts.yaml (labels_nn).")
        return str(found)

    def category(self, code: str) -> str:
        """A requirement category's heading (requirement_categories.yaml label / label_nn)."""
        for c in _categories_file():
            if str(c["code"]) == code:
                found = c.get("label_nn" if self.nynorsk else "label")
                if found:
                    return str(found)
                break
        raise DigireformError(f"Kravkategorien «{code}» har ikke noe {'nynorsk ' if self.nynorsk else ''}navn i "
                              "requirement_categories.yaml.")

    def of(self, entry: dict) -> str:
        """The text of a {nb, nn} entry from another data file."""
        return str(entry[self.form])

    def join(self, items: list[str]) -> str:
        """«a, b eller c» (the answer options)."""
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self('xlsx.or')} {items[-1]}"


def bokmal_label(list_name: str, code: str) -> str:
    """The bokmål label where the code list is defined."""
    from digireform.tender.definition import defaults

    if list_name == "welfare_category":
        return code_list(WELFARE_CATEGORIES).get(code, code)
    if list_name == "service_area":
        return code_list(SERVICE_AREAS).get(code, code)
    if list_name == "contract_type":
        return str(defaults()["contract_types"].get(code, {}).get("label", code))
    if list_name == "award_criterion":
        return str(defaults()["award_criteria"].get(code, {}).get("label", code))
    if list_name == "language_form":
        return code
    raise DigireformError(f"Ukjent kodeliste «{list_name}».")


def bilag_of(contract_type: str, nynorsk: bool) -> tuple[list[Bilag], list[int], str]:
    """The contract type's bilag (all it names), the numbers the konkurransegrunnlag lists, the source.

    A contract type without an entry gets `default_bilag`: the numbering every SSA shares.
    """
    data = _documents_file()
    spec = (data.get("contract_bilag") or {}).get(contract_type) or data["default_bilag"]
    form = "nn" if nynorsk else "nb"
    bilag = [Bilag(int(n), str(b[form]), str(b.get("role") or ""), str(b.get("by") or "customer"))
             for n, b in spec["bilag"].items()]
    return bilag, [int(n) for n in spec.get("listed") or []], str(spec.get("source") or "")


def has_own_bilag(contract_type: str) -> bool:
    """True when tender_documents.yaml gives this contract type's bilag (not the fallback)."""
    return contract_type in (_documents_file().get("contract_bilag") or {})


def category_role(category: str) -> str:
    """The bilag role a requirement category belongs to: `requirements` unless tender_documents.yaml says."""
    return str((_documents_file().get("category_bilag") or {}).get(category, "requirements"))


def answers(kind: str, nynorsk: bool) -> list[str]:
    """The answers a tenderer may give to a requirement of `kind` (skal | bor)."""
    form = "nn" if nynorsk else "nb"
    return [str(a[form]) for a in evaluation()["answers"][kind]]
