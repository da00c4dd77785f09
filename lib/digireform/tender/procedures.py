"""The procurement procedures, their grounds and the rules' data, looked up by code.

The tender file names one procedure (`procedure: apen_anbudskonkurranse`); what the code
means — its label in bokmål and nynorsk, the part of the regulation, the provision the
documents cite, the value bands it belongs to, whether it needs a § 13-2 ground — is data
(`model/data/procedures.yaml`), as are the procurement rules and the FOA § 7-9 paragraphs
(`model/data/procurement_rules.yaml`) and the evaluation model (`model/data/evaluation.yaml`).
The documents, the notebook and the dashboards read them through these functions, so each
label and reference is written once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from digireform.model.schema import package_yaml


@dataclass(frozen=True)
class Procedure:
    """One procedure of procedures.yaml."""

    code: str
    label: str
    label_nn: str
    part: str  # «FOA del III» / «FOA del II»
    reference: str  # the provision the documents cite
    bands: tuple[str, ...]  # value bands of thresholds.yaml it belongs to
    ground_required: bool
    two_stage: bool
    negotiation: bool | str
    ocds_method: str
    valid_from: dt.date
    source: str

    def label_in(self, nynorsk: bool) -> str:
        return self.label_nn if nynorsk else self.label


@dataclass(frozen=True)
class Ground:
    """A ground of FOA § 13-2 (1) for negotiation or dialogue (a summary, with its reference)."""

    code: str
    text: str
    text_nn: str
    reference: str

    def text_in(self, nynorsk: bool) -> str:
        return self.text_nn if nynorsk else self.text


@cache
def _procedures_file() -> dict:
    return package_yaml("procedures.yaml")


@cache
def procedures() -> dict[str, Procedure]:
    """Every procedure by code, in the file's order."""
    return {code: Procedure(code, p["label"], p["label_nn"], p["part"], p["reference"], tuple(p["bands"]),
                            bool(p["ground_required"]), bool(p["two_stage"]), p["negotiation"], p["ocds_method"],
                            p["valid_from"], p["source"])
            for code, p in _procedures_file()["procedures"].items()}


def procedure(code: str | None) -> Procedure | None:
    """The procedure of `code`; None for no or an unknown code (the schema refuses unknown ones)."""
    return procedures().get(code) if code else None


def procedures_for_band(band: str) -> list[Procedure]:
    """The procedures that belong to a value band (e.g. `eea`: those of FOA del III)."""
    return [p for p in procedures().values() if band in p.bands]


@cache
def grounds() -> dict[str, Ground]:
    """The grounds of FOA § 13-2 (1) by letter."""
    return {code: Ground(code, g["text"], g["text_nn"], g["reference"])
            for code, g in _procedures_file()["grounds"].items()}


def ground(code: str | None) -> Ground | None:
    return grounds().get(code) if code else None


@cache
def rules_file() -> dict[str, Any]:
    """procurement_rules.yaml as read (rules, climate paragraphs, brand names, phrases)."""
    return package_yaml("procurement_rules.yaml")


@cache
def rules() -> dict[str, dict[str, Any]]:
    """Every procurement rule by id."""
    return {r["id"]: r for r in rules_file()["rules"]}


def rule(rule_id: str) -> dict[str, Any]:
    return rules()[rule_id]


def climate() -> dict[str, Any]:
    """FOA § 7-9 for the documents: reference, url, the paragraphs (summaries unless `verbatim`)
    and the exceptions a tender may state."""
    return rules_file()["climate"]


def climate_minimum() -> float:
    """The minimum climate weight in percent (rule `klimavekt`)."""
    return float(rule("klimavekt")["percent"])


def evaluation_model() -> dict[str, Any]:
    """evaluation.yaml: the answers per requirement kind and their score, the points scale, which
    award criterion scores the BØR requirements of which categories."""
    return package_yaml("evaluation.yaml")


def band_phrase(band: str) -> str:
    """How a message names a value band: «over EØS-terskelverdi (FOA del III)»."""
    return _procedures_file()["band_phrases"][band]
