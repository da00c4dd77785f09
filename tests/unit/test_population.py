"""JSON-stat 2.0 parsing of SSB table 07459 and `digireform import-population`."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from digireform import cli, sync
from digireform.ingest import population
from digireform.model.errors import DigireformError
from tests.support.regionfiles import write_region

FIXTURE = Path(__file__).parents[1] / "fixtures" / "ssb-07459-sample.json"


def sample() -> dict:
    return json.loads(FIXTURE.read_text("utf-8"))


def test_jsonstat_row_major_order():
    data = {"version": "2.0", "class": "dataset", "id": ["A", "B"], "size": [2, 3],
            "dimension": {"A": {"category": {"index": ["a1", "a2"]}},
                          "B": {"category": {"index": {"b1": 0, "b2": 1, "b3": 2}}}},
            "value": [1, 2, 3, 4, 5, None]}
    f = population.jsonstat_frame(data)
    assert f.loc[(f["A"] == "a2") & (f["B"] == "b1"), "value"].iloc[0] == 4  # last dimension fastest
    assert f["value"].isna().sum() == 1


def test_sparse_values():
    data = {"version": "2.0", "class": "dataset", "id": ["A"], "size": [3],
            "dimension": {"A": {"category": {"index": ["x", "y", "z"]}}}, "value": {"1": 7}}
    f = population.jsonstat_frame(data)
    assert f["value"].isna().tolist() == [True, False, True]


def test_age_bands_from_fixture_latest_year():
    # Evenes 2025: 1 man and 2 women per single year of age 0..105+ → 3 per age
    # 0-17: 18 ages, 18-66: 49, 67-79: 13, 80+: 26 (80..105+)
    got = population.age_bands_07459(sample())
    assert got["1853"]["year"] == 2025
    assert got["1853"]["age_bands"] == {"0-17": 54, "18-66": 147, "67-79": 39, "80+": 78}
    assert got["1853"]["total"] == 318
    assert got["1851"]["age_bands"] == {"0-17": 126, "18-66": 343, "67-79": 91, "80+": 182}  # 7 per age
    assert population.age_bands_07459(sample(), year="2024")["1853"]["total"] == 212  # 2 per age × 106


def test_region_code_with_k_prefix_is_accepted():
    data = sample()
    cat = data["dimension"]["Region"]["category"]
    cat["index"] = {"K-1853": 0, "K-1851": 1}
    cat["label"] = {"K-1853": "Evenes", "K-1851": "Lødingen"}
    assert set(population.age_bands_07459(data)) == {"1853", "1851"}


def test_missing_ages_are_refused():
    data = sample()
    data["dimension"]["Alder"]["category"]["index"].pop("042")
    idx = data["dimension"]["Alder"]["category"]["index"]
    for i, k in enumerate(sorted(idx, key=idx.get)):
        idx[k] = i
    data["size"][2] = 105
    data["value"] = data["value"][: 2 * 2 * 105 * 2]
    with pytest.raises(DigireformError, match="Alder mangler 042"):
        population.age_bands_07459(data)


def test_wrong_value_count_is_refused():
    data = sample()
    data["value"] = data["value"][:-1]
    with pytest.raises(DigireformError, match="value har 847 tall"):
        population.jsonstat_frame(data, "fil.json")


def _region(root: Path) -> None:
    profile = {"contacts": [{"role": "IKT", "name": "Navn", "email": "a@example.no"}],
               "targets": [{"id": "T1", "text": "Mål", "metric": "digital_post_share", "target": 0.8,
                            "deadline": dt.date(2027, 12, 31)}]}
    write_region(root, municipalities={"1853": profile, "1806": profile})


def test_cli_import_updates_only_municipalities_in_folder(tmp_path, capsys):
    _region(tmp_path)
    narvik_before = (tmp_path / "municipalities/1806-narvik/kommune.yaml").read_text("utf-8")
    assert cli.main(["import-population", str(FIXTURE), "--data", str(tmp_path)]) == 0
    prof = sync.load_profile(tmp_path, "1853").data
    assert prof["population"] == {
        "year": 2025, "source": "SSB tabell 07459, folkemengde 1.1.2025 (oppdatert 2025-02-20)",
        "total": 318, "age_bands": {"0-17": 54, "18-66": 147, "67-79": 39, "80+": 78},
    }
    assert prof["contacts"][0]["email"] == "a@example.no" and prof["targets"][0]["id"] == "T1"
    assert (tmp_path / "municipalities/1806-narvik/kommune.yaml").read_text("utf-8") == narvik_before
    out = capsys.readouterr()
    assert "1853" in out.out and "1851" in out.err


def test_cli_bad_file_changes_nothing(tmp_path, capsys):
    _region(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "2.0",\n "class": }', encoding="utf-8")
    before = (tmp_path / "municipalities/1853-evenes/kommune.yaml").read_text("utf-8")
    assert cli.main(["import-population", str(bad), "--data", str(tmp_path)]) == 1
    assert "bad.json:2: ugyldig JSON" in capsys.readouterr().err
    assert (tmp_path / "municipalities/1853-evenes/kommune.yaml").read_text("utf-8") == before


def test_no_matching_municipality_is_an_error(tmp_path, capsys):
    (tmp_path / "municipalities").mkdir()
    data = copy.deepcopy(sample())
    p = tmp_path / "f.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["import-population", str(p), "--data", str(tmp_path)]) == 1
    assert "Ingen av kommunene" in capsys.readouterr().err


# --------------------------------------------------------------------------- round-trip, dry run, limits

EXAMPLE = Path(__file__).parents[2] / "municipalities" / "1853-evenes" / "kommune.yaml"


def _evenes_copy(root: Path) -> Path:
    folder = root / "municipalities" / "1853-evenes"
    folder.mkdir(parents=True)
    target = folder / "kommune.yaml"
    target.write_bytes(EXAMPLE.read_bytes())
    return target


def test_import_changes_only_the_population_lines_of_the_example_file(tmp_path, capsys):
    target = _evenes_copy(tmp_path)
    before = target.read_text("utf-8").splitlines()
    assert cli.main(["import-population", str(FIXTURE), "--data", str(tmp_path)]) == 0
    after = target.read_text("utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ('  source: "total: SSB/register 2025; aldersgrupper: anslag, eksempeldata"',
         '  source: "SSB tabell 07459, folkemengde 1.1.2025 (oppdatert 2025-02-20)"'),
        ("  total: 1330", "  total: 318"),
        ('  age_bands: {"0-17": 226, "18-66": 775, "67-79": 233, "80+": 96}',
         '  age_bands: {"0-17": 54, "18-66": 147, "67-79": 39, "80+": 78}'),
    ]
    comments = [line for line in before if "#" in line]
    assert len(comments) >= 5 and all(line in after for line in comments)
    assert any("personal data (fictitious)" in line for line in after)  # the warning over the contacts
    assert sorted(p.name for p in target.parent.iterdir()) == ["kommune.yaml"]  # no lock or temp file


def test_dry_run_shows_old_and_new_and_writes_nothing(tmp_path, capsys):
    target = _evenes_copy(tmp_path)
    before = target.read_bytes()
    assert cli.main(["import-population", str(FIXTURE), "--data", str(tmp_path), "--dry-run"]) == 0
    assert target.read_bytes() == before
    out, err = capsys.readouterr()
    assert "Prøvekjøring" in out and "Ingenting er lagret" in out
    assert "Folketall: 1 330 → 318" in out
    assert "0–17 år: 226 → 54" in out and "80 år og eldre: 96 → 78" in out
    assert "År:" not in out  # 2025 both before and after
    # 1 330 → 318 is −76 %: more than 20 %, so a warning naming the municipality and both totals
    assert "Advarsel: Evenes (1853): folketallet endres med mer enn 20 %: 1 330 → 318 (−76 %)" in err
    assert sorted(p.name for p in target.parent.iterdir()) == ["kommune.yaml"]


def test_change_within_twenty_percent_gives_no_warning(tmp_path, capsys):
    target = _evenes_copy(tmp_path)
    # 318 imported; a stored total of 380 is a change of −16.3 %: no warning
    target.write_text(target.read_text("utf-8").replace("total: 1330", "total: 380"), encoding="utf-8")
    result = population.import_population(FIXTURE, tmp_path, dry_run=True)
    assert result.warnings == []
    assert [c.number for c in result.changes] == ["1853"] and result.updated == ["1853"]


def test_unchanged_population_is_not_rewritten(tmp_path, capsys):
    target = _evenes_copy(tmp_path)
    population.import_population(FIXTURE, tmp_path)
    written = target.read_bytes()
    result = population.import_population(FIXTURE, tmp_path)
    assert result.updated == [] and target.read_bytes() == written
    assert "uendret" in population.format_result(result, "f.json")


def test_invalid_result_changes_no_file(tmp_path, capsys):
    _region(tmp_path)
    narvik = tmp_path / "municipalities/1806-narvik/kommune.yaml"
    evenes = tmp_path / "municipalities/1853-evenes/kommune.yaml"
    data = sample()  # Narvik's kommune.yaml gets figures too, and it has an error of its own
    data["dimension"]["Region"]["category"]["index"] = {"1853": 0, "1806": 1}
    (tmp_path / "f.json").write_text(json.dumps(data), encoding="utf-8")
    narvik.write_text(narvik.read_text("utf-8").replace('number: "1806"', 'number: "9999"'), encoding="utf-8")
    before = (narvik.read_bytes(), evenes.read_bytes())
    assert cli.main(["import-population", str(tmp_path / "f.json"), "--data", str(tmp_path)]) == 1
    assert (narvik.read_bytes(), evenes.read_bytes()) == before
    assert "kommune.yaml:1: number" in capsys.readouterr().err


def test_deeply_nested_json_is_a_message(tmp_path, capsys):
    deep = tmp_path / "dyp.json"
    deep.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert cli.main(["import-population", str(deep), "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "dyp.json: JSON-fila er nestet for dypt" in err and "Uventet" not in err


def test_too_many_cells_is_a_message(tmp_path, capsys):
    # 5 000 × 5 000 = 25 000 000 cells from a small sparse file: more than max_cells (20 000 000)
    codes = [str(i) for i in range(5000)]
    data = {"version": "2.0", "class": "dataset", "id": ["A", "B"], "size": [5000, 5000],
            "dimension": {"A": {"category": {"index": codes}}, "B": {"category": {"index": codes}}},
            "value": {"0": 1}}
    with pytest.raises(DigireformError, match="datasettet har 25 000 000 celler"):
        population.jsonstat_frame(data, "stor.json")


# --------------------------------------------------------------------------- counts are whole numbers ≥ 0

# value[7]: Region 1853 (0), Kjonn 1 (0), Alder 003 (3), ContentsCode (0), Tid 2025 (1): ((0*2+0)*106+3)*2+1
EVENES_MEN_3_2025 = 7
WHERE_7 = "Region «Evenes - Evenášši» (1853), Kjonn «Menn» (1), Alder «3 år» (003), " \
          "ContentsCode «Personer» (Personer1), Tid «2025»"


@pytest.mark.parametrize(("value", "shown"), [(-3, "-3"), (2.5, "2.5"), (-500, "-500")])
def test_count_that_is_not_a_whole_number_from_zero_is_refused_naming_the_value(tmp_path, capsys, value, shown):
    _region(tmp_path)
    evenes = tmp_path / "municipalities/1853-evenes/kommune.yaml"
    before = evenes.read_bytes()
    data = sample()
    data["value"][EVENES_MEN_3_2025] = value
    src = tmp_path / "f.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["import-population", str(src), "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{src}: value[7] ({WHERE_7}): «{shown}» er ikke et helt antall personer (0 eller mer)" in err
    assert "kommune.yaml" not in err
    assert evenes.read_bytes() == before


def test_sparse_value_position_is_named_and_whole_floats_are_counts():
    data = sample()
    data["value"] = {str(i): v for i, v in enumerate(data["value"])}
    data["value"]["7"] = 4.0  # a whole number written with a decimal point: a count
    assert population.age_bands_07459(data)["1853"]["age_bands"]["0-17"] == 54 + 3
    data["value"]["7"] = -1
    with pytest.raises(DigireformError) as err:
        population.age_bands_07459(data, "f.json")
    assert str(err.value).splitlines()[1] == f"f.json: value[7] ({WHERE_7}): «-1» er ikke et helt antall personer " \
                                             "(0 eller mer)"


def test_null_count_is_still_allowed_where_jsonstat_allows_it():
    data = sample()
    data["value"][1] = None  # Evenes, Menn, 000, 2025 missing: the municipality's latest year is then incomplete
    with pytest.raises(DigireformError, match="tall mangler for alder 000"):
        population.age_bands_07459(data, "f.json")


# --------------------------------------------------------------------------- messages


def test_year_is_not_formatted_as_a_number(tmp_path, capsys):
    target = _evenes_copy(tmp_path)
    target.write_text(target.read_text("utf-8").replace("year: 2025", "year: 2024", 1), encoding="utf-8")  # population.year
    assert cli.main(["import-population", str(FIXTURE), "--data", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  År: 2024 → 2025" in out


def test_one_municipality_is_singular_two_are_plural(tmp_path, capsys):
    _evenes_copy(tmp_path)
    assert cli.main(["import-population", str(FIXTURE), "--data", str(tmp_path), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "Ville oppdatert aldersgrupper for 1 kommune: 1853."
    assert "Hoppet over 1 kommune uten mappe: 1851." in err
    write_region(tmp_path, municipalities={"1851": {"example_data": None}})
    assert cli.main(["import-population", str(FIXTURE), "--data", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Oppdaterte aldersgrupper for 2 kommuner: 1851, 1853."


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_municipality_with_two_folders_is_refused_naming_both(tmp_path, capsys, monkeypatch, dry_run):
    target = _evenes_copy(tmp_path)
    kopi = tmp_path / "municipalities" / "1853-evenes-kopi"
    kopi.mkdir()
    (kopi / "kommune.yaml").write_bytes(target.read_bytes())
    write_region(tmp_path, municipalities={"1851": {"example_data": None}})  # in the file too, and would be updated alone
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    monkeypatch.chdir(tmp_path)
    assert cli.main(["import-population", str(FIXTURE), "--data", ".", *dry_run]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"Importerte ikke folketall fra {FIXTURE}: kommune 1853 har flere mapper (municipalities/1853-evenes, "
                   "municipalities/1853-evenes-kopi). Behold én mappe per kommune. Ingenting er lagret.\n")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_folder_given_as_the_file_is_named_as_a_folder(tmp_path, capsys):
    assert cli.main(["import-population", str(tmp_path), "--data", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == f"{tmp_path} er en mappe, ikke en fil; oppgi fila som skal importeres."
