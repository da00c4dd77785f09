"""Product catalogue: alias matching, the group's extension file, canonical product columns."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from digireform.analysis.catalogue import (
    Catalogue,
    CatalogueEntry,
    canonical_products,
    load_catalogue,
    normalise,
    not_in_catalogue,
)
from digireform.model.errors import ValidationError
from tests.support.labels import SERVICE_AREAS_TEXT


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


@pytest.mark.parametrize("spelling, expected", [
    ("Gerica", "Gerica"),
    ("gerica", "Gerica"),
    ("Tieto Gerica", "Gerica"),          # old vendor name, listed alias
    ("TietoEVRY Gerica", "Gerica"),      # vendor prefix, case
    ("Tietoevry  GERICA", "Gerica"),     # spacing
    ("Visma Flyt Skole", "Visma Flyt Skole"),
    ("visma  flyt skole", "Visma Flyt Skole"),
    ("Flyt Skole", "Visma Flyt Skole"),  # vendor prefix left out
    ("Elements Cloud", "Elements"),
    ("arealplaner.no", "Arealplaner.no"),  # punctuation
    ("Office 365", "Microsoft 365"),
    ("Office365", "Microsoft 365"),      # spaces left out
    ("Agresso", "Unit4 ERP"),            # name from before the rename
])
def test_match_normalises_spellings(cat, spelling, expected):
    assert cat.match(spelling).name == expected


def test_unknown_and_too_short_names_do_not_match(cat):
    assert cat.match("Lokal Access-database") is None
    assert cat.match("XP") is None  # «Enonic XP» minus the vendor is too short to be trusted
    assert cat.match("") is None and cat.match(None) is None


def test_vendor_argument_strips_the_rows_vendor():
    c = Catalogue([CatalogueEntry("Komtek", vendor="Norkart AS")])
    assert c.match("Acme Komtek") is None
    assert c.match("Acme Komtek", vendor="Acme Software AS").name == "Komtek"


def test_normalise():
    assert normalise("  Veeam Backup & Replication ") == "veeam backup replication"
    assert normalise("Kommune-Kari") == "kommune kari"


def _write(root: Path, text: str) -> Path:
    (root / "procurement").mkdir(parents=True, exist_ok=True)
    path = root / "procurement" / "products.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_package_catalogue_source_does_not_name_a_checkout():
    """report --json says the package catalogue by its path in the package, the same in a wheel install."""
    assert load_catalogue().sources == ["digireform/model/data/products.yaml"]


def test_extension_file_adds_and_extends(tmp_path):
    _write(tmp_path, (
        "- name: SpeedAdmin\n"
        "  aliases: [Speed Admin Kulturskole]\n"
        "  vendor: SpeedAdmin\n"
        "  service_area: kultur\n"
        "  function: Kulturskoleadministrasjon\n"
        "  cpv: 48000000-8\n"
        "- name: Gerica\n"
        "  aliases: [Gerica Omsorg]\n"
        "  cpv: 48180000-3\n"
    ))
    c = load_catalogue(tmp_path)
    assert c.match("speed admin kulturskole").name == "SpeedAdmin"
    gerica = c.match("Gerica Omsorg")
    assert gerica.name == "Gerica"
    assert gerica.cpv == "48180000-3"            # overridden by the group
    assert gerica.vendor == "Tietoevry"          # kept from the package
    assert "Tieto Gerica" in gerica.aliases      # package aliases kept
    assert len(c.sources) == 2
    # the package catalogue alone does not know it
    assert load_catalogue().match("SpeedAdmin") is None


def test_extension_file_errors_name_file_line_and_field(tmp_path):
    _write(tmp_path, (
        "- name: Godt produkt\n"
        "  service_area: innbygger\n"
        "- name: Feil produkt\n"
        "  service_area: romfart\n"
        "  cpv: 4800\n"
        "  colour: blue\n"
    ))
    with pytest.raises(ValidationError) as err:
        load_catalogue(tmp_path)
    lines = [str(p) for p in err.value.problems]
    assert any(s.endswith("products.yaml:4: service_area: «romfart» er ikke et tjenesteområde; gyldige: "
                          f"{SERVICE_AREAS_TEXT}") for s in lines), lines
    assert any(":5: cpv: «4800» er ikke en CPV-kode" in s for s in lines)
    assert any(":6: colour: ukjent felt" in s for s in lines)


def test_extension_alias_used_by_two_products_is_an_error(tmp_path):
    _write(tmp_path, "- name: A\n  aliases: [Felles]\n- name: B\n  aliases: [felles]\n")
    with pytest.raises(ValidationError) as err:
        load_catalogue(tmp_path)
    assert "products.yaml:4: aliases: «felles» er allerede brukt av «A»" in str(err.value)


def test_bad_yaml_is_reported_with_line(tmp_path):
    _write(tmp_path, "- name: A\n  aliases: [unclosed\n")
    with pytest.raises(ValidationError) as err:
        load_catalogue(tmp_path)
    assert "products.yaml:" in str(err.value) and "ugyldig YAML" in str(err.value)


def test_canonical_products_keeps_unknown_products_as_entered(cat):
    systems = pd.DataFrame({
        "municipality": ["1853", "1851", "1851"],
        "system_id": ["E-1", "L-1", "L-2"],
        "product": ["Tieto Gerica", "Lokal  Access-base", "Gerica"],
        "vendor": ["Tietoevry", None, "Tietoevry"],
        "function": [None, "Register", "Pleie og omsorg EPJ"],
    })
    out = canonical_products(systems, cat)
    assert out["product_canonical"].tolist() == ["Gerica", "Lokal  Access-base", "Gerica"]
    assert out["in_catalogue"].tolist() == [True, False, True]
    gerica_cpv = cat.get("Gerica").cpv
    assert out["cpv"].tolist() == [gerica_cpv, None, gerica_cpv]
    # missing function falls back to the catalogue's function for the product
    assert out["function_key"].tolist() == ["pleie og omsorg epj", "register", "pleie og omsorg epj"]
    assert not_in_catalogue(out) == [{
        "product": "Lokal  Access-base", "vendor": None, "municipalities": ["1851"], "systems": {"1851": ["L-1"]},
    }]
    assert systems["product"].tolist()[0] == "Tieto Gerica"  # input not modified
