"""Saving a tender definition from the notebook: the one save path with the tender's own checks.

Merged by key with what is on disk, checked by `tender.definition.load_tender` in a
temporary copy, then written locked and atomically with comments kept (`sync`).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digireform.model.errors import DigireformError, ValidationError, display_path
from digireform.sync import (
    Prefer,
    fingerprint_bytes,
    merge_mapping,
    parse_mapping,
    read_current,
    stored_text,
    write_file,
    yaml_roundtrip,
)


@dataclass
class TenderSnapshot:
    """A tender definition (procurement/tenders/<slug>.yaml) as loaded, for a later `save_tender`."""

    path: Path
    data: dict[str, Any]
    fingerprint: str


def load_tender_file(path: str | os.PathLike) -> TenderSnapshot:
    path = Path(path)
    data = read_current(path)
    if data is None:
        raise DigireformError(f"Anbudsfila {display_path(path)} finnes ikke.")
    return TenderSnapshot(path, parse_mapping(path, data), fingerprint_bytes(data))


def save_tender(path: str | os.PathLike, base: dict, edited: dict, base_fingerprint: str,
                prefer: Prefer = None, known_numbers: set[str] | None = None) -> TenderSnapshot:
    """Save a tender definition like `save_profile`: merge by key, validate with the tender
    checker (`tender.definition.load_tender`), locked atomic write, comments kept.

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
        _check_tender_text(path, text, known_numbers)
        done["data"] = merged
        return text

    new_fingerprint = write_file(path, render)
    return TenderSnapshot(path, done["data"], new_fingerprint)


def _check_tender_text(path: Path, text: str, known_numbers: set[str] | None) -> None:
    """Validate the would-be tender file; problems name the real file (the text is checked in a temp copy)."""
    import dataclasses

    from digireform.tender.definition import load_tender

    with tempfile.TemporaryDirectory(prefix="digireform-") as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text, encoding="utf-8")
        try:
            load_tender(copy, known_numbers)
        except ValidationError as exc:
            label = display_path(path)
            problems = [dataclasses.replace(p, file=label) for p in exc.problems]
            raise ValidationError(f"Lagret ikke {label}: anbudsfila har feil.", problems) from None
