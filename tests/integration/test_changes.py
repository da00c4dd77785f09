"""Change summary since the last git commit, against a temporary git repository."""
from __future__ import annotations

from pathlib import Path

import pytest

from digireform import cli
from digireform.analysis import changes
from digireform.model.errors import DigireformError
from tests.support.regionfiles import (
    csv_text,
    git_commit_all,
    git_init,
    named_system,
    profile_yaml,
    welfare_row,
    write_region,
)

PROFILE = profile_yaml("1853", example_data=None, population={"year": 2025, "total": 1400},
                       contacts=[{"role": "IKT", "name": "Kari Hemmelig", "email": "kari@example.no", "phone": "123"}])


def system(sid: str, product: str, users: str = "10") -> dict:
    return named_system(sid, product, users, vendor="Lev AS", function="F")


def welfare(units_in_use: str) -> dict:
    return welfare_row(vendor="", units_in_use=units_in_use, units_needed="20", response_service="own",
                       annual_cost_nok="", contract_end="", notice_months="")


def make_repo(tmp_path: Path, sub: str = "data") -> tuple[Path, Path]:
    """A git repository whose data folder is `sub` (empty string: the repository itself)."""
    repo = tmp_path / "repo"
    data = repo / sub if sub else repo
    write_region(data, municipalities={"1853": PROFILE},
                 systems=[system("A", "Alfa"), system("B", "Beta"), system("C", "Gamma")], welfare=[welfare("10")])
    git_init(repo)
    git_commit_all(repo, "start")
    return repo, data / "municipalities" / "1853-evenes"


def edit_working_tree(folder: Path) -> None:
    (folder / "systems.csv").write_text(
        csv_text("systems", [system("A", "Alfa", users="25"), system("C", "Gamma"), system("D", "Delta")]),
        encoding="utf-8")
    (folder / "welfare.csv").write_text(csv_text("welfare", [welfare("12")]), encoding="utf-8")
    (folder / "kommune.yaml").write_text(
        PROFILE.replace("total: 1400", "total: 1450").replace("Kari Hemmelig", "Per Hemmelig"), encoding="utf-8")


@pytest.mark.parametrize("sub", ["data", ""])
def test_changes_named_by_municipality_and_id(tmp_path, sub):
    repo, folder = make_repo(tmp_path, sub)
    edit_working_tree(folder)
    data = repo / sub if sub else repo
    got = [(c.municipality, c.kind, c.action, c.key, [(f.field, f.old, f.new) for f in c.fields if c.action != "added"])
           for c in changes.changes(data)]
    assert got == [
        ("1853", "profile", "changed", "population",
         [("population.total", "1400", "1450")]),
        ("1853", "profile", "changed", "contacts", []),
        ("1853", "systems", "changed", "A", [("users", "10", "25")]),
        ("1853", "systems", "removed", "B", []),
        ("1853", "systems", "added", "D", []),
        ("1853", "welfare", "changed", "trygghetsalarm (Careium)", [("units_in_use", "10", "12")]),
    ]


def test_cli_prints_norwegian_summary_without_contacts(tmp_path, capsys):
    repo, folder = make_repo(tmp_path)
    edit_working_tree(folder)
    assert cli.main(["changes", "--data", str(repo / "data")]) == 0
    out = capsys.readouterr().out
    # field labels and code labels, never keys («users», «service_area=felles»); the code after a code label
    assert out == EXPECTED_SUMMARY
    assert "Hemmelig" not in out and "kari@" not in out


EXPECTED_SUMMARY = """Endringer i dataene siden siste commit: 1 nye, 4 endrede, 1 fjernede.

1853 Evenes – kommuneprofil:
  Endret: Folketall
    Innbyggere i alt: 1400 → 1450
  Endret: kontaktpersoner (personopplysninger vises ikke)

1853 Evenes – systemer:
  Endret: A
    Antall brukere: 10 → 25
  Fjernet: B
  Ny: D
    System / produkt: Delta
    Leverandør: Lev AS
    Tjenesteområde: Felles infrastruktur (felles)
    Funksjon: F
    Driftsform: Skytjeneste (saas)
    Livsløp: I drift (operational)
    Antall brukere: 10
    Årlig kostnad (kr eks. mva): 1 000 kr
    Avtale utløper: 01.01.2027
    Oppsigelsestid (mnd): 3
    Avtaletype: SSA-L (løpende tjenestekjøp)
    Personopplysninger: Ingen (none)
    Databehandleravtale: Ikke nødvendig (not_needed)
    Unntatt offentlighet: Nei (no)

1853 Evenes – velferdsteknologi:
  Endret: Trygghetsalarm (Careium)
    Enheter i bruk: 10 → 12
"""


def test_changed_code_and_date_read_as_labels(tmp_path):
    """A changed code shows both labels (codes in parentheses), a changed date the Norwegian form."""
    repo, folder = make_repo(tmp_path)
    (folder / "systems.csv").write_text(csv_text("systems", [
        system("A", "Alfa") | {"hosting": "on_prem", "contract_end": "2028-06-30", "annual_cost_nok": ""},
        system("B", "Beta"), system("C", "Gamma")]), encoding="utf-8")
    text = changes.summary(repo / "data")
    assert text.splitlines() == [
        "Endringer i dataene siden siste commit: 0 nye, 1 endrede, 0 fjernede.",
        "",
        "1853 Evenes – systemer:",
        "  Endret: A",
        "    Driftsform: Skytjeneste (saas) → Lokal drift (on_prem)",
        "    Årlig kostnad (kr eks. mva): 1 000 kr → (tom)",
        "    Avtale utløper: 01.01.2027 → 30.06.2028",
    ]


def test_no_changes_and_no_repository(tmp_path, capsys):
    repo, _ = make_repo(tmp_path)
    assert changes.summary(repo / "data") == "Ingen endringer i dataene siden siste commit."
    plain = tmp_path / "plain"
    (plain / "municipalities").mkdir(parents=True)
    with pytest.raises(DigireformError, match="ligger ikke i et git-depot"):
        changes.changes(plain)
    assert cli.main(["changes", "--data", str(plain)]) == 1
    assert "git-depot" in capsys.readouterr().err


def test_repository_without_commit_lists_everything_as_new(tmp_path):
    repo = write_region(tmp_path / "fresh", municipalities={"1853": PROFILE}, systems=[system("A", "Alfa")])
    git_init(repo)
    text = changes.summary(repo)
    assert "(ingen commit ennå: alt er nytt)" in text and "  Ny: A" in text
