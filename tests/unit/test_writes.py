"""The one save path: folder lock, stale temp files, fingerprint checks, round-trip YAML, races.

Every writer (import-population, import-survey, import-inventory, the table form, the profile
form) is raced against form saves in other processes. Each form save adds a token to a
field it shares with the others (row A's notes, kommune.yaml's channels); a save either is
accepted, and then its token must be on disk at the end, or is refused as a conflict.
"""
from __future__ import annotations

import copy
import errno
import fcntl
import json
import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from digireform import sync
from digireform.ingest import inventory, population, survey
from digireform.model.errors import DigireformError, ValidationError
from digireform.model.rows import match_rows
from digireform.model.schema import load_yaml_text
from digireform.sync import save_table
from digireform.tender.save import load_tender_file, save_tender
from digireform.validate.region import load
from tests.support.regionfiles import csv_line, csv_text, run_jobs, write_region
from tests.support.regionfiles import named_system as system
from tests.support.regionfiles import run_processes as _run

ROOT = Path(__file__).parents[2]
EVENES = ROOT / "municipalities" / "1853-evenes" / "kommune.yaml"
TENDER = ROOT / "procurement" / "tenders" / "velferdsteknologi-2027.yaml"
SSB = Path(__file__).parents[1] / "fixtures" / "ssb-07459-sample.json"
SURVEY = Path(__file__).parents[1] / "fixtures" / "survey" / "forms-eksport.csv"


def region(tmp_path: Path) -> Path:
    """Evenes with the example kommune.yaml (comments and all) and two systems A and B."""
    return write_region(tmp_path, municipalities={"1853": EVENES.read_text("utf-8")},
                        systems=[system("A", "Alfa"), system("B", "Beta")])


def folder_of(data: Path) -> Path:
    return data / "municipalities" / "1853-evenes"


def names(data: Path) -> list[str]:
    return sorted(p.name for p in folder_of(data).iterdir())


def row(data: Path, sid: str) -> dict:
    return next(r for r in sync.load_table(data, "1853", "systems").rows if r["system_id"] == sid)


# --------------------------------------------------------------------------- lock and temp files


def test_saves_and_refused_saves_leave_no_lock_or_temp_file(tmp_path):
    data = region(tmp_path)
    before = names(data)
    snap = sync.load_table(data, "1853", "systems")
    edited = [{**r, "users": "5"} if r["system_id"] == "A" else r for r in snap.rows]
    snap = sync.save_rows(data, "1853", "systems", snap.rows, edited, snap.fingerprint).snapshot
    with pytest.raises(ValidationError):
        sync.save_rows(data, "1853", "systems", snap.rows, [{**snap.rows[0], "users": "x"}], snap.fingerprint)
    prof = sync.load_profile(data, "1853")
    edited_profile = {**prof.data, "digitalisation": {**prof.data["digitalisation"], "teknisk": "mostly_paper"}}
    prof = sync.save_profile(data, "1853", prof.data, edited_profile, prof.fingerprint)
    with pytest.raises(ValidationError):
        sync.save_profile(data, "1853", prof.data, {**prof.data, "number": "9999"}, prof.fingerprint)
    assert names(data) == before == ["kommune.yaml", "systems.csv"]
    assert row(data, "A")["users"] == "5"


def _hold_lock(path: str, held, release) -> None:
    with sync.locked(Path(path)):
        held.set()
        release.wait(10)


def _try_flock(folder: Path) -> bool:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_the_lock_is_on_the_folder_and_shared_across_processes(tmp_path):
    data = region(tmp_path)
    target = folder_of(data) / "systems.csv"
    ctx = multiprocessing.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(target), held, release))
    proc.start()
    try:
        assert held.wait(10)
        assert not _try_flock(folder_of(data))  # another process holds it
    finally:
        release.set()
        proc.join(10)
    assert proc.exitcode == 0 and _try_flock(folder_of(data))
    assert names(data) == ["kommune.yaml", "systems.csv"]


def test_lock_is_reentrant_within_a_thread(tmp_path):
    data = region(tmp_path)
    snap = sync.load_table(data, "1853", "systems")
    with sync.locked(folder_of(data) / "systems.csv"), sync.locked(folder_of(data) / "kommune.yaml"):
        sync.save_rows(data, "1853", "systems", snap.rows, snap.rows[:1], snap.fingerprint)
    assert [r["system_id"] for r in sync.load_table(data, "1853", "systems").rows] == ["A"]
    assert _try_flock(folder_of(data))  # released again


def test_fallback_lock_file_is_removed_after_use(tmp_path, monkeypatch):
    def no_folder_lock(fd):
        raise OSError(errno.EOPNOTSUPP, "flock")

    monkeypatch.setattr(sync, "_flock", no_folder_lock)
    data = region(tmp_path)
    target = folder_of(data) / "systems.csv"
    ctx = multiprocessing.get_context("fork")  # the child inherits the patched sync
    held, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(target), held, release))
    proc.start()
    try:
        assert held.wait(10)
        fd = os.open(folder_of(data) / sync.FALLBACK_LOCK, os.O_RDWR)
        with pytest.raises(OSError):
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    finally:
        release.set()
        proc.join(10)
    snap = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", snap.rows, snap.rows[:1], snap.fingerprint)
    assert names(data) == ["kommune.yaml", "systems.csv"]


def _killed_save(data: str) -> None:
    """A save that dies (SIGKILL) after writing its temp file, before the rename."""
    snap = sync.load_table(data, "1853", "systems")
    os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
    sync.save_rows(data, "1853", "systems", snap.rows, snap.rows[:1], snap.fingerprint)


def test_temp_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    data = region(tmp_path)
    before = (folder_of(data) / "systems.csv").read_bytes()
    proc = multiprocessing.get_context("fork").Process(target=_killed_save, args=(str(data),))
    proc.start()
    proc.join(20)
    assert proc.exitcode == -signal.SIGKILL
    left = [n for n in names(data) if n.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(".systems.csv.")
    assert (folder_of(data) / "systems.csv").read_bytes() == before  # the killed save changed nothing
    (folder_of(data) / ".welfare.csv.abcd1234.tmp").write_text("x")  # another file's: not ours to clean
    (folder_of(data) / ".systems.csv.notes.tmp").write_text("x")  # not our name pattern
    snap = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", snap.rows, snap.rows[:1], snap.fingerprint)
    assert names(data) == [".systems.csv.notes.tmp", ".welfare.csv.abcd1234.tmp", "kommune.yaml", "systems.csv"]


# --------------------------------------------------------------------------- fingerprints


def test_stale_plan_is_refused_and_changes_nothing(tmp_path):
    data = region(tmp_path)
    path = folder_of(data) / "systems.csv"
    seen = sync.fingerprint(path)
    typed = load(data).systems
    path.write_text(path.read_text("utf-8") + csv_line("systems", system("C", "Gamma")) + "\n", encoding="utf-8")  # someone else
    after = path.read_bytes()
    with pytest.raises(sync.ChangedOnDiskError, match="endret av et annet program"):
        save_table(data, "1853", "systems", typed, expected_fingerprint=seen)
    assert path.read_bytes() == after


def test_change_by_a_program_that_does_not_lock_is_refused_before_the_rename(tmp_path):
    data = region(tmp_path)
    path = folder_of(data) / "systems.csv"

    def render(current: bytes | None) -> str:
        path.write_text("skrevet av et annet program\n", encoding="utf-8")  # while we render
        return current.decode("utf-8") + csv_line("systems", system("C", "Gamma")) + "\n"

    with pytest.raises(sync.ChangedOnDiskError):
        sync.write_file(path, render)
    assert path.read_text("utf-8") == "skrevet av et annet program\n"
    assert names(data) == ["kommune.yaml", "systems.csv"]


def test_symlinked_data_file_is_not_written_through(tmp_path):
    data = region(tmp_path)
    outside = tmp_path / "utenfor.csv"
    path = folder_of(data) / "systems.csv"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    before = outside.read_bytes()
    with pytest.raises(DigireformError, match="symbolsk lenke"):
        sync.write_file(path, lambda current: "x\n")
    assert outside.read_bytes() == before and path.is_symlink()


# --------------------------------------------------------------------------- matching rows


def test_match_rows_pairs_identical_rows_first_then_category_in_file_order():
    def w(category: str, status: str) -> dict:
        return {"category": category, "status": status}

    base = [w("alarm", "in_use"), w("alarm", "planned"), w("tilsyn", "need")]
    other = [w("alarm", "planned"), w("tilsyn", "planned"), w("alarm", "need"), w("alarm", "in_use")]
    # base 1 is identical to other 0, base 0 to other 3; base 2 pairs by category with other 1
    assert match_rows(base, other, "welfare") == {0: 3, 1: 0, 2: 1}


def test_match_rows_systems_by_id_first_occurrence_only():
    base = [{"system_id": "A"}, {"system_id": "B"}, {"system_id": "A"}, {"system_id": ""}]
    other = [{"system_id": "B"}, {"system_id": "A"}, {"system_id": "A"}, {"system_id": ""}]
    assert match_rows(base, other, "systems") == {0: 1, 1: 0}


# --------------------------------------------------------------------------- YAML round-trip and tenders


def test_profile_form_save_keeps_comments_and_layout(tmp_path):
    data = region(tmp_path)
    path = folder_of(data) / "kommune.yaml"
    before = path.read_text("utf-8").splitlines()
    snap = sync.load_profile(data, "1853")
    edited = copy.deepcopy(snap.data)
    edited["digitalisation"]["teknisk"] = "mostly_paper"
    sync.save_profile(data, "1853", snap.data, edited, snap.fingerprint)
    after = path.read_text("utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("  teknisk: all_paper", "  teknisk: mostly_paper")]


def test_roundtrip_of_an_odd_file_falls_back_to_a_plain_correct_file():
    text = "# topp\nname: A\nname: B\n"  # a repeated key: ruamel refuses it, PyYAML keeps the last
    out = sync.yaml_roundtrip(text, {"name": "C", "number": "1853"})
    assert out.startswith("# topp\n") and load_yaml_text(out) == {"name": "C", "number": "1853"}


def _tender_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "procurement" / "tenders"
    folder.mkdir(parents=True)
    return Path(shutil.copy(TENDER, folder / TENDER.name))


def test_tender_save_changes_only_the_edited_line(tmp_path):
    path = _tender_copy(tmp_path)
    before = path.read_text("utf-8").splitlines()
    snap = load_tender_file(path)
    save_tender(path, snap.data, {**snap.data, "reference": "2027/0043"}, snap.fingerprint)
    after = path.read_text("utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ('reference: "2027/0042"', 'reference: "2027/0043"')]
    assert sorted(p.name for p in path.parent.iterdir()) == [TENDER.name]


def test_invalid_tender_is_refused_naming_the_real_file(tmp_path):
    path = _tender_copy(tmp_path)
    before = path.read_bytes()
    snap = load_tender_file(path)
    with pytest.raises(ValidationError) as info:
        save_tender(path, snap.data, {**snap.data, "title": ""}, snap.fingerprint)
    assert path.read_bytes() == before
    (problem,) = info.value.problems
    assert problem.file.endswith("tenders/velferdsteknologi-2027.yaml") and problem.field == "title"
    assert problem.line == 4 and "mangler" in problem.message


def test_tender_conflict_by_key(tmp_path):
    path = _tender_copy(tmp_path)
    snap = load_tender_file(path)
    save_tender(path, snap.data, {**snap.data, "reference": "2027/0050"}, snap.fingerprint)
    save_tender(path, snap.data, {**snap.data, "status": "kunngjort"}, snap.fingerprint)  # other key: merged
    now = load_tender_file(path).data
    assert (now["reference"], now["status"]) == ("2027/0050", "kunngjort")
    with pytest.raises(sync.ConflictError) as info:
        save_tender(path, snap.data, {**snap.data, "reference": "2027/0099"}, snap.fingerprint)
    assert info.value.conflicts[0].key == "reference"
    assert load_tender_file(path).data["reference"] == "2027/0050"


# --------------------------------------------------------------------------- races


def _table_form(data: str, start, tag: str, n: int, result) -> None:
    """n form saves, each adding `tag<i>` to row A's notes (every other one from a stale snapshot)."""
    start.wait()
    snap = sync.load_table(data, "1853", "systems")
    accepted, refused = [], []
    for i in range(n):
        token = f"{tag}{i}"
        rows = [dict(r) for r in snap.rows]
        a = next(r for r in rows if r["system_id"] == "A")
        a["notes"] = f"{a['notes']} {token}".strip()
        try:
            res = sync.save_rows(data, "1853", "systems", snap.rows, rows, snap.fingerprint)
            accepted.append(token)
            snap = res.snapshot if i % 2 else sync.load_table(data, "1853", "systems")
        except sync.ConflictError as exc:
            refused.append((token, str(exc)))
            snap = sync.load_table(data, "1853", "systems")
    result.put((tag, accepted, refused))


def _profile_form(data: str, start, tag: str, n: int, result) -> None:
    """n profile form saves, each adding a channels record with year `first + i`."""
    start.wait()
    first = 1000 if tag == "P" else 2000
    snap = sync.load_profile(data, "1853")
    accepted, refused = [], []
    for i in range(n):
        edited = copy.deepcopy(snap.data)
        edited["channels"] = [*edited.get("channels", []), {"year": first + i, "phone_in": i}]
        try:
            res = sync.save_profile(data, "1853", snap.data, edited, snap.fingerprint)
            accepted.append(first + i)
            snap = res if i % 2 else sync.load_profile(data, "1853")
        except sync.ConflictError as exc:
            refused.append((first + i, str(exc)))
            snap = sync.load_profile(data, "1853")
    result.put((tag, accepted, refused))


def _population_importer(data: str, start, files: list[str], result) -> None:
    start.wait()
    for f in files:
        population.import_population(f, data)
    result.put(("population", files[-1], []))


def _inventory_importer(data: str, start, files: list[str], result) -> None:
    start.wait()
    for f in files:
        inventory.import_inventory(f, "1853", data)
    result.put(("inventory", len(files), []))


def _survey_importer(data: str, start, file: str, n: int, result) -> None:
    start.wait()
    for _ in range(n):
        survey.import_survey(file, "1853", data)
    result.put(("survey", file, []))


def _check_forms(out: list, data: Path) -> None:
    """Every accepted save's token is on disk; every refused one was a conflict."""
    notes = row(data, "A")["notes"].split()
    years = {c["year"] for c in sync.load_profile(data, "1853").data.get("channels", [])}
    for tag, accepted, refused in out:
        if tag in ("T", "U"):
            assert all(token in notes for token in accepted), (tag, accepted, notes)
        if tag in ("P", "Q"):
            assert set(accepted) <= years, (tag, accepted, years)
        assert all("endret både av deg og av en annen" in msg for _, msg in refused)
        assert all(token not in notes and token not in years for token, _ in refused)
    assert not [n for n in names(data) if n.startswith(".")]  # no lock or temp file left


def test_race_table_form_against_table_form(tmp_path):
    data = region(tmp_path)
    out = _run(_table_form, [(str(data), "T", 12), (str(data), "U", 12)])
    _check_forms(out, data)
    accepted = [t for _, acc, _ in out for t in acc]
    assert accepted and len(accepted) + sum(len(r) for _, _, r in out) == 24


def test_race_profile_form_against_profile_form(tmp_path):
    data = region(tmp_path)
    out = _run(_profile_form, [(str(data), "P", 10), (str(data), "Q", 10)])
    _check_forms(out, data)
    comments = [line for line in EVENES.read_text("utf-8").splitlines() if "#" in line]
    assert all(line in (folder_of(data) / "kommune.yaml").read_text("utf-8") for line in comments)


def _ssb_variant(tmp_path: Path, i: int) -> str:
    data = json.loads(SSB.read_text("utf-8"))
    data["value"] = [None if v is None else v + i for v in data["value"]]  # a different total each time
    path = tmp_path / f"ssb-{i}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_race_import_population_against_profile_and_table_forms(tmp_path):
    data = region(tmp_path)
    files = [_ssb_variant(tmp_path, i) for i in range(6)]
    out = _run_mixed(data, [(_population_importer, (files,)), (_profile_form, ("P", 10)), (_table_form, ("T", 10))])
    _check_forms(out, data)
    expected = population.age_bands_07459(population.read_jsonstat(files[-1]))["1853"]
    pop = sync.load_profile(data, "1853").data["population"]
    assert (pop["total"], pop["age_bands"]) == (expected["total"], expected["age_bands"])
    comments = [line for line in EVENES.read_text("utf-8").splitlines() if "#" in line]
    assert all(line in (folder_of(data) / "kommune.yaml").read_text("utf-8") for line in comments)


def test_race_import_inventory_against_table_forms(tmp_path):
    data = region(tmp_path)
    files = []
    for i in range(8):
        f = tmp_path / f"import-{i}.csv"
        f.write_text(csv_text("systems", [system(f"I{i}", f"Import {i}")]), encoding="utf-8")
        files.append(str(f))
    out = _run_mixed(data, [(_inventory_importer, (files,)), (_table_form, ("T", 10)), (_table_form, ("U", 10))])
    _check_forms(out, data)
    ids = {r["system_id"] for r in sync.load_table(data, "1853", "systems").rows}
    assert {f"I{i}" for i in range(8)} | {"A", "B"} == ids


def test_race_import_survey_against_another_import_and_forms(tmp_path):
    data = region(tmp_path)
    other = tmp_path / "2024.csv"
    other.write_text("Tidsstempel,Hvilken kanal foretrekker du?\n14.03.2024 10:22,Brev\n15.03.2024 11:00,Chat\n",
                     encoding="utf-8")
    out = _run_mixed(data, [(_survey_importer, (str(SURVEY), 6)), (_survey_importer, (str(other), 6)),
                            (_table_form, ("T", 10)), (_profile_form, ("P", 8))])
    _check_forms(out, data)
    stored = (folder_of(data) / "survey.csv").read_text("utf-8").splitlines()[1:]
    years = [line.split(",")[0] for line in stored]
    assert sorted(years) == ["2024"] * 2 + ["2025"] * 6  # neither import lost the other's answers


def _run_mixed(data: Path, jobs: list) -> list:
    """Start each (worker, args) in its own process at once; their results."""
    return run_jobs([(worker, (str(data), *args)) for worker, args in jobs])


# --------------------------------------------------------------------------- editors


def test_editors_show_a_refused_lock_as_a_message(tmp_path, monkeypatch):
    from digireform.notebook import ProfileEditor, TableEditor

    data = region(tmp_path)
    before = {n: (folder_of(data) / n).read_bytes() for n in names(data)}

    def refuse(folder):
        raise DigireformError(f"Kan ikke låse {folder} for lagring: Permission denied.")

    monkeypatch.setattr(sync, "_acquire", refuse)
    table = TableEditor(data, "systems")
    table.select(0)
    table.fields["users"].value = "11"
    assert table.save() is False and "Kan ikke låse" in table.status.value
    profile = ProfileEditor(data, "1853")
    profile.digitalisation["teknisk"].value = "mostly_paper"
    assert profile.save() is False and "Kan ikke låse" in profile.status.value
    assert {n: (folder_of(data) / n).read_bytes() for n in names(data)} == before


def test_failed_lock_of_a_second_folder_keeps_the_outer_hold(tmp_path, monkeypatch):
    data = region(tmp_path)
    other = tmp_path / "procurement" / "tenders"
    other.mkdir(parents=True)
    real = sync._acquire

    def refuse_tenders(folder):
        if folder == other:
            raise DigireformError("Kan ikke låse")
        return real(folder)

    monkeypatch.setattr(sync, "_acquire", refuse_tenders)
    with sync.locked(folder_of(data) / "systems.csv"):
        with pytest.raises(DigireformError), sync.locked_all([folder_of(data) / "kommune.yaml", other / "x.yaml"]):
            pass
        assert sync._held_counts() == {str(folder_of(data)): 1}  # still held once, by the outer block
        assert not _try_flock(folder_of(data))  # …and really locked (flock is per open file: a new fd is refused)
    assert sync._held_counts() == {} and _try_flock(folder_of(data))


def test_new_list_items_follow_the_style_of_the_one_before(tmp_path):
    import datetime as dt

    data = region(tmp_path)
    path = folder_of(data) / "kommune.yaml"
    before = path.read_text("utf-8").splitlines()
    snap = sync.load_profile(data, "1853")
    edited = copy.deepcopy(snap.data)
    edited["targets"].append({"id": "T4", "text": "Nytt mål", "metric": "digital_post_share", "target": 0.9,
                              "deadline": dt.date(2028, 12, 31)})
    sync.save_profile(data, "1853", snap.data, edited, snap.fingerprint)
    after = path.read_text("utf-8").splitlines()
    assert after[: len(before)] == before  # the last key of the file: everything before stays
    assert after[len(before):] == ["  - {id: T4, text: Nytt mål, metric: digital_post_share, target: 0.9, deadline: 2028-12-31}"]


def test_kommune_yaml_with_bad_utf8_is_refused_not_replaced(tmp_path):
    data = region(tmp_path)
    path = folder_of(data) / "kommune.yaml"
    snap = sync.load_profile(data, "1853")
    broken = path.read_bytes().replace(b"Evenes kommune", b"Evenes kommune \xff")
    path.write_bytes(broken)
    with pytest.raises(ValidationError) as info:
        sync.save_profile(data, "1853", snap.data, snap.data, sync.fingerprint(path))
    assert "ugyldig UTF-8" in str(info.value) and info.value.problems[0].line == 1
    assert path.read_bytes() == broken


def test_windows_line_ends_are_kept(tmp_path):
    data = region(tmp_path)
    path = folder_of(data) / "kommune.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes().split(b"\r\n")
    population.import_population(SSB, data)
    after = path.read_bytes().split(b"\r\n")
    assert len(after) == len(before) and sum(a != b for a, b in zip(before, after, strict=True)) == 3


def test_refused_inventory_import_leaves_no_lock_or_temp_file(tmp_path):
    data = region(tmp_path)
    before = (folder_of(data) / "systems.csv").read_bytes()
    bad = tmp_path / "import.csv"
    bad.write_text(csv_text("systems", [system("C", "Gamma", users="mange")]), encoding="utf-8")
    with pytest.raises(ValidationError):
        inventory.import_inventory(bad, "1853", data)
    assert names(data) == ["kommune.yaml", "systems.csv"]
    assert (folder_of(data) / "systems.csv").read_bytes() == before


def test_a_kommune_yaml_that_cannot_be_parsed_refuses_the_save_in_norwegian(tmp_path):
    """The parser's own English never reaches the form: the line and a Norwegian reason do."""
    from digireform.model.errors import ValidationError

    path = tmp_path / "kommune.yaml"
    with pytest.raises(ValidationError) as err:
        sync.parse_mapping(path, b'number: "1853"\nname: a: b\n')
    (problem,) = err.value.problems
    assert (problem.line, problem.field) == (2, "(fil)")
    assert problem.message.startswith("ugyldig YAML: kolon på et sted der det ikke er lov")
