"""The bundled municipality register."""
from __future__ import annotations

import pytest

from digireform.model import register


def test_all_357_municipalities():
    assert len(register.municipalities()) == 357


def test_lookup_by_number_with_facts():
    m = register.lookup("1853")
    assert (m.name, m.adm_center, m.population, m.area_km2, m.language) == ("Evenes", "Bogen", 1330, 252.79, "Bokmål")
    assert register.get("301").name == "Oslo"  # three-digit numbers are padded


def test_lookup_by_sami_and_norwegian_name():
    assert register.lookup("Dielddanuorri").number == "5512"
    assert register.lookup("tjeldsund").number == "5512"
    assert register.lookup("Tjeldsund").display_name == "Tjeldsund (Dielddanuorri)"


def test_ambiguous_and_unknown_names_say_why():
    with pytest.raises(KeyError, match="flere kommuner heter «Herøy»"):
        register.lookup("Herøy")
    with pytest.raises(KeyError, match="fant ingen kommune"):
        register.lookup("Atlantis")
    with pytest.raises(KeyError, match="9999 finnes ikke"):
        register.lookup("9999")


def test_borders_for_partners():
    fc = register.borders_for(["1853", "1806", "5512", "5516", "1851"])
    assert sorted(f["properties"]["kommunenummer"] for f in fc["features"]) == ["1806", "1851", "1853", "5512", "5516"]
    assert fc["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
