"""Safe concurrent saving: row-level three-way merge, conflicts, validation, locking."""
from __future__ import annotations

from pathlib import Path

import pytest

from digireform import sync
from digireform.model.errors import DigireformError, Problem, ValidationError
from tests.support.regionfiles import named_system as system
from tests.support.regionfiles import run_processes

EVENES = {"population": {"year": 2025, "total": 1400},
          "contacts": [{"role": "IKT", "name": "Kari", "email": "kari@example.no", "phone": "1"}]}


def ids(data: Path) -> list[str]:
    return [r["system_id"] for r in sync.load_table(data, "1853", "systems").rows]


def edit(rows: list[dict], sid: str, **changes: str) -> list[dict]:
    return [{**r, **changes} if r["system_id"] == sid else dict(r) for r in rows]


def test_unchanged_file_saves_our_rows(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    snap = sync.load_table(data, "1853", "systems")
    res = sync.save_rows(data, "1853", "systems", snap.rows, edit(snap.rows, "A", users="99"), snap.fingerprint)
    assert res.merged_from_others == 0
    again = sync.load_table(data, "1853", "systems")
    assert again.rows[0]["users"] == "99" and again.rows[1] == snap.rows[1]
    assert again.fingerprint == res.snapshot.fingerprint


def test_different_rows_merge(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta"), system("C", "Gamma")])
    base = sync.load_table(data, "1853", "systems")
    # someone else changes B and deletes C and adds D, and saves first
    theirs = [r for r in edit(base.rows, "B", users="50") if r["system_id"] != "C"]
    theirs.append({**base.rows[0], "system_id": "D", "product": "Delta"})
    sync.save_rows(data, "1853", "systems", base.rows, theirs, base.fingerprint)
    # we change A and add E, from the old snapshot
    ours = edit(base.rows, "A", users="7") + [{**base.rows[0], "system_id": "E", "product": "Epsilon"}]
    res = sync.save_rows(data, "1853", "systems", base.rows, ours, base.fingerprint)
    rows = {r["system_id"]: r for r in sync.load_table(data, "1853", "systems").rows}
    assert list(rows) == ["A", "B", "D", "E"]
    assert rows["A"]["users"] == "7" and rows["B"]["users"] == "50"
    assert res.merged_from_others == 3  # theirs: B changed, C removed, D added


def test_same_row_conflict_writes_nothing_and_shows_both(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    base = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, "A", users="50"), base.fingerprint)
    before = (data / "municipalities/1853-evenes/systems.csv").read_bytes()
    with pytest.raises(sync.ConflictError) as info:
        sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, "A", users="7"), base.fingerprint)
    assert (data / "municipalities/1853-evenes/systems.csv").read_bytes() == before
    (conflict,) = info.value.conflicts
    assert conflict.key == "A"
    assert [(d.field, d.base, d.ours, d.theirs) for d in conflict.fields] == [("users", "10", "7", "50")]
    assert "din endring «7»" in str(info.value) and "lagret av en annen «50»" in str(info.value)
    # the user chooses their own version after seeing both
    sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, "A", users="7"), base.fingerprint, prefer="ours")
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "7"


def test_delete_against_edit_is_a_conflict(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    base = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, "B", product="Beta 2"), base.fingerprint)
    with pytest.raises(sync.ConflictError) as info:
        sync.save_rows(data, "1853", "systems", base.rows, base.rows[:1], base.fingerprint)
    assert info.value.conflicts[0].ours_deleted
    assert ids(data) == ["A", "B"]


def test_bad_value_refused_file_unchanged(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    path = data / "municipalities/1853-evenes/systems.csv"
    before = path.read_bytes()
    snap = sync.load_table(data, "1853", "systems")
    with pytest.raises(ValidationError) as info:
        sync.save_rows(data, "1853", "systems", snap.rows, edit(snap.rows, "A", users="mange"), snap.fingerprint)
    assert path.read_bytes() == before
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (2, "users") and "«mange» er ikke et heltall" in problem.message


def test_old_errors_in_untouched_rows_do_not_block(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa", users="x"), system("B", "Beta", users="y")])
    snap = sync.load_table(data, "1853", "systems")
    res = sync.save_rows(data, "1853", "systems", snap.rows, edit(snap.rows, "A", users="5"), snap.fingerprint)
    assert [(p.line, p.field) for p in res.warnings] == [(3, "users")]
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "5"


def test_removing_a_referenced_system_is_refused_naming_who_refers(tmp_path, region_builder):
    a = system("A", "Alfa", integrations="B")  # A integrates with B
    data = region_builder(municipalities={"1853": EVENES}, systems=[a, system("B", "Beta")])
    path = data / "municipalities/1853-evenes/systems.csv"
    before = path.read_bytes()
    snap = sync.load_table(data, "1853", "systems")
    with pytest.raises(ValidationError) as info:
        sync.save_rows(data, "1853", "systems", snap.rows, snap.rows[:1], snap.fingerprint)
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("system_id", "B Beta kan ikke slettes: A viser til dette systemet (Integrasjoner). "
                      "Fjern henvisningene der først, og slett så.")]
    assert path.read_bytes() == before


def test_reference_added_by_another_while_deleting_is_refused(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    path = data / "municipalities/1853-evenes/systems.csv"
    base = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, "A", integrations="B"), base.fingerprint)
    before = path.read_bytes()
    with pytest.raises(ValidationError) as info:  # we delete B from the old snapshot
        sync.save_rows(data, "1853", "systems", base.rows, base.rows[:1], base.fingerprint)
    assert "A viser til dette systemet (Integrasjoner)" in info.value.problems[0].message
    assert path.read_bytes() == before


def test_welfare_rows_pair_by_category(tmp_path, region_builder):
    rows = ["trygghetsalarm,in_use,Careium,Careium,10,20,2028,1,own,1000,,,",
            "digitalt_tilsyn,need,,,0,5,2027,2,,,,,"]
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")], welfare=rows)
    base = sync.load_table(data, "1853", "welfare")
    theirs = [dict(r) for r in base.rows]
    theirs[1]["status"] = "planned"  # a status change is the same row
    sync.save_rows(data, "1853", "welfare", base.rows, theirs, base.fingerprint)
    ours = [dict(r) for r in base.rows]
    ours[0]["units_in_use"] = "12"
    sync.save_rows(data, "1853", "welfare", base.rows, ours, base.fingerprint)
    now = sync.load_table(data, "1853", "welfare").rows
    assert [(r["category"], r["status"], r["units_in_use"]) for r in now] == [
        ("trygghetsalarm", "in_use", "12"), ("digitalt_tilsyn", "planned", "0")]


def test_profile_merge_by_key_and_conflict(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    base = sync.load_profile(data, "1853")
    theirs = {**base.data, "digitalisation": {"innbygger": "mostly_digital"}}
    sync.save_profile(data, "1853", base.data, theirs, base.fingerprint)
    ours = {**base.data, "population": {"year": 2025, "total": 1500}}
    sync.save_profile(data, "1853", base.data, ours, base.fingerprint)
    now = sync.load_profile(data, "1853").data
    assert now["population"]["total"] == 1500 and now["digitalisation"] == {"innbygger": "mostly_digital"}
    assert now["contacts"][0]["name"] == "Kari"
    with pytest.raises(sync.ConflictError) as info:
        sync.save_profile(data, "1853", base.data, {**base.data, "population": {"year": 2025, "total": 9}},
                          base.fingerprint)
    assert info.value.conflicts[0].key == "population"
    assert sync.load_profile(data, "1853").data["population"]["total"] == 1500


def test_load_profile_missing_file_is_named_in_norwegian(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    path = data / "municipalities/1853-evenes/kommune.yaml"
    path.unlink()
    with pytest.raises(DigireformError) as info:
        sync.load_profile(data, "1853")
    assert str(info.value) == f"{path} finnes ikke."


def test_load_profile_yaml_error_in_norwegian_with_line(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    path = data / "municipalities/1853-evenes/kommune.yaml"
    path.write_text('number: "1853"\nname: Evenes: Bjerkvik\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        sync.load_profile(data, "1853")
    assert info.value.problems == [Problem(str(path), 2, "(fil)", "ugyldig YAML: kolon på et sted der det ikke er lov; "
                                                                  "sett teksten i anførselstegn eller sjekk innrykket")]


def test_load_profile_does_not_follow_a_symlink(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    path = data / "municipalities/1853-evenes/kommune.yaml"
    outside = tmp_path / "utenfor.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(DigireformError, match="^Kunne ikke åpne .*symbolsk lenke"):
        sync.load_profile(data, "1853")


def test_load_profile_unreadable_file_says_why_in_norwegian(tmp_path, region_builder, monkeypatch):
    """A file the user may not read: «Kunne ikke åpne …» with the reason, not a PermissionError."""
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    path = data / "municipalities/1853-evenes/kommune.yaml"
    real = Path.read_bytes

    def refuse(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(DigireformError) as info:
        sync.load_profile(data, "1853")
    assert str(info.value) == f"Kunne ikke åpne {path}: filen kan ikke leses (ingen tilgang)."


# --------------------------------------------------------------------------- two processes


def _worker(data: str, start, sid: str, users: str, result) -> None:
    """Load, wait until the other process has loaded too, then save one changed row."""
    snap = sync.load_table(data, "1853", "systems")
    start.wait()
    try:
        sync.save_rows(data, "1853", "systems", snap.rows, edit(snap.rows, sid, users=users), snap.fingerprint)
        result.put((users, "ok"))
    except sync.ConflictError as exc:
        result.put((users, str(exc)))


def _adder(data: str, start, prefix: str, n: int, result) -> None:
    """Add n rows one save at a time, each from a fresh or stale snapshot (every other one stale)."""
    start.wait()
    snap = sync.load_table(data, "1853", "systems")
    for i in range(n):
        rows = snap.rows + [{**snap.rows[0], "system_id": f"{prefix}{i}", "product": f"P{i}"}]
        res = sync.save_rows(data, "1853", "systems", snap.rows, rows, snap.fingerprint)
        snap = res.snapshot if i % 2 else sync.load_table(data, "1853", "systems")
    result.put(prefix)


def test_two_processes_different_rows_nothing_lost(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    run_processes(_worker, [(str(data), "A", "111"), (str(data), "B", "222")])
    rows = {r["system_id"]: r["users"] for r in sync.load_table(data, "1853", "systems").rows}
    assert rows == {"A": "111", "B": "222"}


def test_two_processes_same_row_one_wins_other_sees_conflict(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    out = dict(run_processes(_worker, [(str(data), "A", "111"), (str(data), "A", "222")]))
    winners = [u for u, msg in out.items() if msg == "ok"]
    assert len(winners) == 1
    loser = ({"111", "222"} - set(winners)).pop()
    assert f"din endring «{loser}»" in out[loser] and f"lagret av en annen «{winners[0]}»" in out[loser]
    snap = sync.load_table(data, "1853", "systems")
    assert not snap.problems and snap.rows[0]["users"] == winners[0]


def test_two_processes_many_saves_nothing_lost(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    run_processes(_adder, [(str(data), "X", 15), (str(data), "Y", 15)])
    got = ids(data)
    assert sorted(got) == sorted(["A"] + [f"X{i}" for i in range(15)] + [f"Y{i}" for i in range(15)])
    assert not sync.load_table(data, "1853", "systems").problems


# --------------------------------------------------------------------------- field by field


def _two_saves(data: Path, theirs: dict[str, str], ours: dict[str, str], sid: str = "A"):
    """Someone else saves `theirs` on row `sid` first; we then save `ours` from the same snapshot."""
    base = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, sid, **theirs), base.fingerprint)
    return sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, sid, **ours), base.fingerprint)


def test_different_fields_of_one_row_both_kept(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    res = _two_saves(data, {"annual_cost_nok": "45000"}, {"users": "12"})
    a = sync.load_table(data, "1853", "systems").rows[0]
    assert (a["users"], a["annual_cost_nok"]) == ("12", "45000")
    assert res.merged_from_others == 1 and res.snapshot.rows[0] == a


def test_same_field_same_value_is_no_conflict(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    _two_saves(data, {"users": "12", "hosting": "saas"}, {"users": "12", "vendor": "Ny AS"})
    a = sync.load_table(data, "1853", "systems").rows[0]
    assert (a["users"], a["hosting"], a["vendor"]) == ("12", "saas", "Ny AS")


def test_same_field_changed_both_ways_names_row_and_field_in_norwegian(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    path = data / "municipalities/1853-evenes/systems.csv"
    base = sync.load_table(data, "1853", "systems")
    theirs = edit(base.rows, "A", hosting="hosted", annual_cost_nok="45000")
    sync.save_rows(data, "1853", "systems", base.rows, theirs, base.fingerprint)
    before = path.read_bytes()
    with pytest.raises(sync.ConflictError) as info:
        ours = edit(base.rows, "A", hosting="on_prem", users="3")
        sync.save_rows(data, "1853", "systems", base.rows, ours, base.fingerprint)
    assert path.read_bytes() == before  # a refused save writes nothing, not even the fields that merge
    (conflict,) = info.value.conflicts
    assert (conflict.key, [d.field for d in conflict.fields]) == ("A", ["hosting"])  # cost and users merge
    assert ("Driftsform: opprinnelig «Skytjeneste», din endring «Lokal drift», lagret av en annen "
            "«Driftet hos leverandør»" in str(info.value))


def test_prefer_resolves_only_the_conflicting_fields(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    base = sync.load_table(data, "1853", "systems")
    theirs = edit(base.rows, "A", hosting="hosted", annual_cost_nok="45000")
    sync.save_rows(data, "1853", "systems", base.rows, theirs, base.fingerprint)
    ours = edit(base.rows, "A", hosting="on_prem", users="3")
    sync.save_rows(data, "1853", "systems", base.rows, ours, base.fingerprint, prefer="ours")
    a = sync.load_table(data, "1853", "systems").rows[0]
    assert (a["hosting"], a["users"], a["annual_cost_nok"]) == ("on_prem", "3", "45000")


def test_row_deleted_by_other_while_edited_is_a_conflict(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa"), system("B", "Beta")])
    path = data / "municipalities/1853-evenes/systems.csv"
    base = sync.load_table(data, "1853", "systems")
    sync.save_rows(data, "1853", "systems", base.rows, base.rows[:1], base.fingerprint)  # they delete B
    before = path.read_bytes()
    with pytest.raises(sync.ConflictError) as info:
        sync.save_rows(data, "1853", "systems", base.rows, edit(base.rows, "B", users="5"), base.fingerprint)
    assert path.read_bytes() == before and ids(data) == ["A"]  # not brought back silently
    (conflict,) = info.value.conflicts
    assert conflict.theirs_deleted and conflict.key == "B"
    assert "en annen har slettet raden, men du har endret den" in str(info.value)
    assert "Antall brukere: opprinnelig «10», din endring «5», lagret av en annen (tom)" in str(info.value)


def test_profile_and_rows_share_one_merge_rule():
    base = {"a": 1, "b": 2, "c": 3}
    merged, clash = sync.merge_fields(base, {"a": 9, "b": 2, "c": 4}, {"a": 1, "b": 7, "c": 5})
    assert merged == {"a": 9, "b": 7, "c": 5} and clash == ["c"]
    merged, clash = sync.merge_fields(base, {"a": 1, "b": 2}, {"a": 1, "b": 2, "c": 3, "d": 0})
    assert merged == {"a": 1, "b": 2, "d": 0} and clash == []  # our removal of c kept, their d kept
    assert sync.merge_fields(base, {"c": 4}, {"c": 5}, prefer="theirs") == ({"c": 5}, [])


def test_profile_conflict_in_words(tmp_path, region_builder):
    data = region_builder(municipalities={"1853": EVENES}, systems=[system("A", "Alfa")])
    base = sync.load_profile(data, "1853")
    sync.save_profile(data, "1853", base.data, {**base.data, "digitalisation": {"innbygger": "mostly_digital"}},
                      base.fingerprint)
    with pytest.raises(sync.ConflictError) as info:
        sync.save_profile(data, "1853", base.data, {**base.data, "digitalisation": {"innbygger": "all_paper"}},
                          base.fingerprint)
    assert ("Digitaliseringsgrad: opprinnelig (tom), din endring «Innbyggertjenester og selvbetjening: Helt papir», "
            "lagret av en annen «Innbyggertjenester og selvbetjening: Hovedsakelig digitalt»") in str(info.value)
