"""The test builders themselves: defaults are valid, overrides arrive, headers follow the schema."""
from __future__ import annotations

import dataclasses

import pytest

from digireform.model.schema import Field, file_spec
from digireform.validate.region import load, validate
from tests.support import regionfiles


def test_region_built_with_defaults_validates_with_no_problems(region_builder, system_row, welfare_row, tmp_path):
    assert validate(region_builder()) == []
    full = region_builder(
        root=tmp_path / "full",
        municipalities={"1853": {}, "1806": {"population": {"year": 2025, "total": 21580}}},
        systems={"1853": [system_row()], "1806": [system_row(system_id="NAR-001")]},
        welfare={"1853": [welfare_row()], "1806": [welfare_row(status="need", product="", vendor="",
                                                               units_in_use="", annual_cost_nok="",
                                                               contract_end="", notice_months="")]},
    )
    assert validate(full) == []
    assert sorted(p.name for p in (full / "municipalities").iterdir()) == ["1806-narvik", "1853-evenes"]


def test_tender_region_and_file_validate(tender_file):
    path = tender_file()
    assert path.name == "test.yaml" and path.parent.name == "tenders"
    assert validate(path.parents[2]) == []


def test_overrides_show_up_in_the_loaded_region(region_builder, system_row, welfare_row):
    region = load(region_builder(
        municipalities={"1853": {"population": {"year": 2025, "total": 1400}}},
        systems=[system_row(product="Acos WebSak", users="12"), system_row(system_id="EVE-002")],
        welfare=[welfare_row(units_in_use="7")],
    ))
    assert region.problems == []
    assert list(region.systems["system_id"]) == ["EVE-001", "EVE-002"]
    first = region.systems.iloc[0]
    assert first["product"] == "Acos WebSak" and first["users"] == 12
    assert region.systems.iloc[1]["product"] == "Visma Enterprise"  # the default
    assert region.welfare.iloc[0]["units_in_use"] == 7
    assert region.municipalities.loc["1853", "population"] == 1400
    assert region.municipalities.loc["1853", "name"] == "Evenes"  # from the register


def test_unknown_column_is_refused(system_row, welfare_row):
    with pytest.raises(KeyError, match="usres"):
        system_row(usres="3")
    with pytest.raises(KeyError, match="units"):
        welfare_row(units="3")


@pytest.mark.parametrize("kind", ["systems", "welfare"])
def test_header_written_is_the_schema_columns(region_builder, kind):
    data = region_builder(**{kind: [regionfiles._row(kind, {})]})
    text = (data / "municipalities" / "1853-evenes" / file_spec(kind).filename).read_text("utf-8")
    assert text.splitlines()[0].split(",") == file_spec(kind).columns


@pytest.mark.parametrize("kind", ["systems", "welfare"])
def test_a_column_added_to_the_schema_is_followed(region_builder, monkeypatch, kind):
    spec = file_spec(kind)
    added = dataclasses.replace(spec, fields=(*spec.fields, Field("new_column", "Ny kolonne", "text")))
    monkeypatch.setattr(regionfiles, "file_spec", lambda k: added if k == kind else file_spec(k))
    row = regionfiles._row(kind, {"new_column": "ny"})
    assert list(row) == [*spec.columns, "new_column"] and row["new_column"] == "ny"
    data = region_builder(**{kind: [row]})
    lines = (data / "municipalities" / "1853-evenes" / spec.filename).read_text("utf-8").splitlines()
    assert lines[0].split(",") == added.columns
    assert lines[1].split(",")[-1] == "ny"


def test_cells_are_written_as_csv():
    line = regionfiles.csv_line("systems", regionfiles.system_row(notes="to\nlinjer", function="Lønn, personal"))
    assert ',"Lønn, personal",' in line and line.endswith(',"to\nlinjer"')
    assert regionfiles.csv_line("systems", "rå,linje") == "rå,linje"


def test_profile_yaml():
    assert regionfiles.profile_yaml("1851") == 'number: "1851"\nname: Lødingen\nexample_data: true\n'
    assert regionfiles.profile_yaml("1853", example_data=None, population={"year": 2025, "total": 1400},
                                    contacts=[{"role": "IKT", "name": "Kari", "phone": "1"}]) == (
        'number: "1853"\nname: Evenes\npopulation: {year: 2025, total: 1400}\n'
        "contacts:\n  - {role: IKT, name: Kari, phone: '1'}\n")
    assert regionfiles.folder_name("1851") == "1851-lodingen"
    assert regionfiles.folder_name("1853-evenes-kopi") == "1853-evenes-kopi"


def test_example_region_is_a_copy(example_region):
    assert validate(example_region) == []
    names = sorted(p.name for p in (example_region / "municipalities").iterdir())
    assert names == sorted(p.name for p in (regionfiles.REPO / "municipalities").iterdir())
    assert not (example_region / "procurement" / "out").exists()


def test_git_repo_commits_everything(git_repo, region_builder, tmp_path):
    repo = git_repo(region_builder(root=tmp_path / "repo"))
    assert regionfiles.git(repo, "status", "--porcelain") == ""
    assert "municipalities/1853-evenes/systems.csv" in regionfiles.git(repo, "ls-files")
