"""The bundled register of Norway's 357 municipalities (2025) and their borders (2024).

Sources: aprestmo/norway-geodata (MIT) from Kartverket/SSB; borders robhop/fylker-og-kommuner
from Kartverket, CC BY 4.0.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from digireform.model.resources import read_data_text
from digireform.model.schema import normalise_token

BORDERS_CREDIT = "Kommunegrenser: © Kartverket (CC BY 4.0), via robhop/fylker-og-kommuner"
REGISTER_CREDIT = "Kommuneregister: Kartverket/SSB, via aprestmo/norway-geodata (MIT)"


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str  # the official name, may be the Sami form
    name_no: str  # the Norwegian name
    adm_center: str
    population: int
    area_km2: float
    language: str  # Bokmål, Nynorsk or Nøytral
    url: str

    @property
    def county_number(self) -> str:
        return self.number[:2]

    @property
    def display_name(self) -> str:
        """Norwegian name, with the official (Sami) name in brackets where it differs."""
        return self.name_no if self.name == self.name_no else f"{self.name_no} ({self.name})"


def _read(name: str) -> Any:
    return json.loads(read_data_text(name))


@cache
def municipalities() -> dict[str, Municipality]:
    """All municipalities by four-digit number."""
    out = {}
    for r in _read("kommuner-2025.json"):
        out[r["id"]] = Municipality(
            r["id"], r["name"], r["name_no"], r["adm_center"], int(r["population"]),
            float(r["area"]), r["language"], r["url"],
        )
    return out


@cache
def counties() -> dict[str, str]:
    return {r["id"]: r["name"] for r in _read("fylker-2025.json")}


@cache
def _by_name() -> dict[str, list[Municipality]]:
    index: dict[str, list[Municipality]] = {}
    for m in municipalities().values():
        for n in {m.name, m.name_no}:
            index.setdefault(normalise_token(n), []).append(m)
    return index


def get(number: str) -> Municipality | None:
    """Look up by number (``"1853"``; a three-digit ``"301"`` is padded)."""
    return municipalities().get(str(number).strip().zfill(4))


def find(name: str) -> list[Municipality]:
    """Look up by Norwegian or Sami name, case-insensitive. Names are not unique (Herøy)."""
    return list(_by_name().get(normalise_token(name), []))


def lookup(number_or_name: str) -> Municipality:
    """One municipality by number or unambiguous name; KeyError with a Norwegian message otherwise."""
    text = str(number_or_name).strip()
    if text.isdigit():
        m = get(text)
        if m is None:
            raise KeyError(f"kommunenummer {text} finnes ikke i kommuneregisteret (2025)")
        return m
    found = find(text)
    if len(found) == 1:
        return found[0]
    if not found:
        raise KeyError(f"fant ingen kommune med navnet «{text}»")
    numbers = ", ".join(f"{m.number} ({counties().get(m.county_number, '?')})" for m in found)
    raise KeyError(f"flere kommuner heter «{text}»: {numbers}; bruk kommunenummer")


@cache
def borders_geojson() -> dict:
    """All municipality borders (WGS84, simplified); features carry `kommunenummer`."""
    return _read("kommuner-2024-S.geojson")


def borders_for(numbers: list[str]) -> dict:
    """A FeatureCollection with just the given municipalities (for a light map)."""
    wanted = set(numbers)
    feats = [f for f in borders_geojson()["features"] if f["properties"].get("kommunenummer") in wanted]
    return {"type": "FeatureCollection", "features": feats}
