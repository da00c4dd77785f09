"""The access file (access.yaml) and the save's refusal when the system says no: Norwegian
messages with lines, and «Du kan bare endre data for …» worded from the user's entry.
Applying it to a real system (groups, users, modes, twice) is tests/integration/test_hub.py."""
from __future__ import annotations

import os

import pytest

from digireform import sync
from digireform.cli import main
from digireform.io import access
from digireform.model.access import UserAccess, municipality_group
from digireform.model.errors import DigireformError, ValidationError
from digireform.validate.access import load_access, parse_access
from tests.support.regionfiles import named_system

GOOD = """users:
  kari:
    name: Kari Nordmann
    municipalities: ["1853", "1806"]
  ola:
    procurement: true
  rita:
"""


def test_a_valid_access_file_reads_as_users_with_their_groups():
    problems = []
    got = parse_access(GOOD, "access.yaml", problems)
    assert problems == []
    assert got.users["kari"] == UserAccess("kari", "Kari Nordmann", ("1853", "1806"))
    assert got.users["rita"] == UserAccess("rita")
    assert got.users["kari"].groups() == {"dr-prosjekt", "dr-1853", "dr-1806"}
    assert got.members()["dr-innkjop"] == {"ola"} and got.members()["dr-prosjekt"] == {"kari", "ola", "rita"}
    assert municipality_group("5512") == "dr-5512"


@pytest.mark.parametrize(("text", "expected"), [
    ("users:\n  Kari: {}\n", "access.yaml:2: users: «Kari» er ikke et gyldig brukernavn"),
    ("users:\n  kari: {municipalities: [12]}\n",
     'access.yaml:2: users.kari.municipalities: «12» er ikke et firesifret kommunenummer (skriv det i anførselstegn'),
    ("users:\n  kari: {municipalities: [\"9999\"]}\n",
     "access.yaml:2: users.kari.municipalities: kommunenummer 9999 finnes ikke i kommuneregisteret (2025)"),
    ("users:\n  kari: {procurement: ja}\n", "access.yaml:2: users.kari.procurement: skal være true eller false"),
    ("users:\n  kari: {kommuner: [\"1853\"]}\n", "access.yaml:2: users.kari.kommuner: ukjent nøkkel"),
    ("users: {}\n", "access.yaml:1: users: mangler (påkrevd felt)"),
    ("brukere: {}\n", "access.yaml:1: brukere: ukjent nøkkel; gyldige: users"),
])
def test_mistakes_are_named_with_line_and_field_in_norwegian(text, expected):
    problems = []
    assert parse_access(text, "access.yaml", problems) is None
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def test_a_missing_or_wrong_file_refuses_and_says_so(tmp_path):
    with pytest.raises(DigireformError, match="access.yaml finnes ikke"):
        load_access(tmp_path)
    (tmp_path / "access.yaml").write_text("users: {kari: {admin: 1}}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="har feil; ingenting er endret"):
        load_access(tmp_path)


def test_apply_without_root_is_a_norwegian_error_and_changes_nothing(tmp_path, monkeypatch, capsys):
    (tmp_path / "access.yaml").write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert main(["access", "apply", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("digireform access apply må kjøres som root") and "ingenting er endret" in err


def test_the_refusal_names_the_municipalities_the_user_may_change(tmp_path, monkeypatch):
    (tmp_path / "access.yaml").write_text(GOOD, encoding="utf-8")
    target = tmp_path / "municipalities" / "5512-tjeldsund" / "systems.csv"
    monkeypatch.setenv(access.USER_ENV, "kari")
    assert access.refusal(target).startswith("Du kan bare endre data for Evenes og Narvik; ")
    monkeypatch.setenv(access.USER_ENV, "ola")
    assert access.refusal(target).startswith("Du kan bare endre data for innkjøp (procurement/); ")
    monkeypatch.setenv(access.USER_ENV, "rita")
    assert access.refusal(target).startswith("Du kan bare lese dataene, ikke endre dem; ")
    monkeypatch.setenv(access.USER_ENV, "ukjent")
    assert access.refusal(target).startswith("Du har ikke skrivetilgang til ")


def test_a_save_the_system_refuses_writes_nothing_and_says_why(region_builder, monkeypatch):
    data = region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]})
    (data / "access.yaml").write_text("users:\n  kari: {municipalities: [\"1806\"]}\n", encoding="utf-8")
    monkeypatch.setenv(access.USER_ENV, "kari")
    folder = data / "municipalities" / "1853-evenes"
    real = os.access
    def system_says(path, mode, **kw):  # the system: Evenes' folder may be read, not written
        return False if os.fspath(path) == os.fspath(folder) and mode & os.W_OK else real(path, mode, **kw)

    monkeypatch.setattr(os, "access", system_says)
    snap = sync.load_table(data, "1853", "systems")
    before = (folder / "systems.csv").read_bytes()
    with pytest.raises(access.AccessDenied, match="^Du kan bare endre data for Narvik; .*systems.csv er ikke lagret"):
        sync.save_rows(data, "1853", "systems", snap.rows, [{**snap.rows[0], "users": "9"}], snap.fingerprint)
    assert (folder / "systems.csv").read_bytes() == before


def test_the_form_shows_the_refusal_instead_of_failing(region_builder, monkeypatch):
    from digireform.notebook import TableEditor

    data = region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]})
    (data / "access.yaml").write_text("users:\n  kari: {municipalities: [\"1806\"]}\n", encoding="utf-8")
    monkeypatch.setenv(access.USER_ENV, "kari")
    folder = data / "municipalities" / "1853-evenes"
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m, **kw: False if os.fspath(p) == os.fspath(folder) and m & os.W_OK
                        else real(p, m, **kw))
    ed = TableEditor(data, "systems", "1853")
    ed.select(0)
    ed.fields["users"].value = "9"
    ed.save_button.click()
    assert "Du kan bare endre data for Narvik" in ed.status.value and "Lagret ikke" not in ed.status.value
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "10"
