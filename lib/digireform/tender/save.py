"""Saving a tender definition from the notebook: the one save path with the tender's own checks.

Merged by key with what is on disk, checked by `tender.definition.load_tender` (and, given
the requirement library, `requirements.selection_problems`) in a temporary copy, then
written locked and atomically with comments kept (`sync`). `save_choices` writes the
notebook's requirement choice (include, exclude, reasons, weights) into the `requirements:`
block, changing only the keys whose value changed, so the rest of the file stays byte-identical.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from digireform.model.errors import DigireformError, Problem, ValidationError, display_path
from digireform.sync import (
    OPEN,
    Prefer,
    fingerprint_bytes,
    merge_mapping,
    parse_mapping,
    read_current,
    stored_text,
    write_file,
    yaml_roundtrip,
)
from digireform.tender.definition import TenderDefinition
from digireform.tender.requirements import Library, selection_problems


@dataclass
class TenderSnapshot:
    """A tender definition (procurement/tenders/<slug>.yaml) as loaded, for a later `save_tender`."""

    path: Path
    data: dict[str, Any]
    fingerprint: str


def load_tender_file(path: str | os.PathLike) -> TenderSnapshot:
    """The tender file as it is now, for a later save (its fingerprint detects a change on disk meanwhile)."""
    path = Path(path)
    data = read_current(path, OPEN)
    if data is None:
        raise DigireformError(f"Anbudsfila {display_path(path)} finnes ikke.")
    return TenderSnapshot(path, parse_mapping(path, data, OPEN), fingerprint_bytes(data))


def save_tender(path: str | os.PathLike, base: dict, edited: dict, base_fingerprint: str,
                prefer: Prefer = None, known_numbers: set[str] | None = None,
                library: Library | None = None) -> TenderSnapshot:
    """Save a tender definition like `save_profile`: merge by key, validate with the tender
    checker (`tender.definition.load_tender`; with `library` also the requirement choice),
    locked atomic write, comments kept.

    `base_fingerprint` "" creates a new file (refused if one appeared meanwhile).
    """
    path = Path(path)
    done: dict[str, Any] = {}

    def render(data: bytes | None) -> str:
        if data is None and base_fingerprint:
            raise DigireformError(f"Lagret ikke {display_path(path)}: filen finnes ikke lenger.")
        if data is None:
            merged = edited
        else:
            merged = merge_mapping(path, base, edited, base_fingerprint, data, prefer)
        text = yaml_roundtrip(stored_text(path, data), merged)
        _check_tender_text(path, text, known_numbers, library)
        done["data"] = merged
        return text

    new_fingerprint = write_file(path, render)
    return TenderSnapshot(path, done["data"], new_fingerprint)


def _check_tender_text(path: Path, text: str, known_numbers: set[str] | None, library: Library | None) -> None:
    """Validate the would-be tender file; problems name the real file (the text is checked in a temp copy)."""
    from digireform.tender.definition import load_tender

    with tempfile.TemporaryDirectory(prefix="digireform-") as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text, encoding="utf-8")
        try:
            tender = load_tender(copy, known_numbers)
        except ValidationError as exc:
            _refuse(path, exc.problems)
        if library is not None and (problems := selection_problems(tender, library)):
            _refuse(path, problems)


def _refuse(path: Path, problems: list[Problem]) -> NoReturn:
    label = display_path(path)
    raise ValidationError(f"Lagret ikke {label}: anbudsfila har feil.",
                          [dataclasses.replace(p, file=label) for p in problems]) from None


# --------------------------------------------------------------------------- the notebook's requirement choice


CHOICE_KEYS = ("include", "exclude", "exclude_reasons", "weights")


@dataclass(frozen=True)
class Choices:
    """A tender's requirement choice as the notebook edits it: the `requirements:` block's four keys."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    exclude_reasons: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, tender: TenderDefinition) -> Choices:
        return cls(tuple(tender.include), tuple(tender.exclude), dict(tender.exclude_reasons), dict(tender.weights))

    def values(self) -> dict[str, Any]:
        """Key → value as it is written in the file (reasons only for excluded ids; whole weights as integers)."""
        reasons = {k: v.strip() for k, v in self.exclude_reasons.items() if k in self.exclude and v.strip()}
        weights = {k: int(v) if float(v).is_integer() else float(v) for k, v in self.weights.items()}
        return {"include": list(self.include), "exclude": list(self.exclude), "exclude_reasons": reasons,
                "weights": weights}


def requirements_block(old: Any, choices: Choices) -> dict | None:
    """The `requirements:` mapping holding `choices`, laid over the file's `old` one.

    A key whose value is unchanged keeps the file's own value (so its line stays as it is);
    a key the file does not have is added only when it holds something. None when there is
    nothing to write and the file had no block.
    """
    old = dict(old) if isinstance(old, dict) else {}
    out = dict(old)
    for key, value in choices.values().items():
        if key in old and _same(key, old[key], value):
            continue
        if key in old or value:
            out[key] = value
    return out if out or old else None


def _same(key: str, written: Any, value: Any) -> bool:
    """Whether the file's value for `key` already says `value` (ids and reasons compared stripped)."""
    if key in ("include", "exclude"):
        return isinstance(written, list) and [str(x).strip() for x in written] == value
    if not isinstance(written, dict):
        return written is None and not value
    if key == "weights":
        return {str(k): v for k, v in written.items()} == value
    return {str(k).strip(): str(v).strip() for k, v in written.items() if v is not None and str(v).strip()} == value


def save_choices(snapshot: TenderSnapshot, choices: Choices, library: Library,
                 known_numbers: set[str] | None = None, prefer: Prefer = None) -> TenderSnapshot:
    """Write `choices` into the tender file loaded as `snapshot` (validated, locked, atomic, comments kept).

    Only the `requirements:` keys that changed are written. Refused with nothing written:
    an invalid choice (ValidationError naming the requirement; a SKAL requirement without a
    reason), a file that can no longer be read, and a change of `requirements:` on disk
    since `snapshot` was loaded (ConflictError; `prefer` decides it). Other parts changed
    on disk meanwhile are kept (merged by key).
    """
    edited = dict(snapshot.data)
    block = requirements_block(snapshot.data.get("requirements"), choices)
    if block is None:
        edited.pop("requirements", None)
    else:
        edited["requirements"] = block
    return save_tender(snapshot.path, snapshot.data, edited, snapshot.fingerprint, prefer, known_numbers, library)
