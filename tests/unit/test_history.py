"""A git commit per save (io.history, called from sync.write_files): only when asked for
(DIGIREFORM_COMMIT=1 in a git repository), authored by the hub user, with a Norwegian message
that names what changed; a failed commit never fails or undoes the save."""
from __future__ import annotations

from pathlib import Path

import pytest

from digireform import sync
from digireform.io import git, history
from tests.support.regionfiles import csv_text, named_system, run_processes, welfare_row
from tests.support.regionfiles import git as run_git


@pytest.fixture
def shared(monkeypatch):
    """The environment of a hub user's server: commits on, hub user «kari»."""
    monkeypatch.setenv(history.COMMIT_ENV, "1")
    monkeypatch.setenv(history.USER_ENV, "drt-kari-ikke-systembruker")
    history.take_warning()


def edit_users(data: Path, number: str, sid: str, users: str) -> None:
    snap = sync.load_table(data, number, "systems")
    rows = [{**r, "users": users} if r["system_id"] == sid else dict(r) for r in snap.rows]
    sync.save_rows(data, number, "systems", snap.rows, rows, snap.fingerprint)


def log(data: Path, n: int = 1) -> list[str]:
    return run_git(data, "log", f"-{n}", "--format=%an|%ae|%cn|%s").splitlines()


def test_a_save_is_one_commit_by_the_hub_user_named_in_norwegian(shared, region_builder, git_repo):
    data = git_repo(region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]}))
    edit_users(data, "1853", "EVE-004", "99")
    (line,) = log(data)
    name, email, committer, subject = line.split("|")
    assert (name, committer, subject) == ("drt-kari-ikke-systembruker", name, "Evenes: endret EVE-004 (Antall brukere)")
    assert email.startswith("drt-kari-ikke-systembruker@")
    assert not git.has_uncommitted(data) and history.take_warning() is None


def test_without_the_setting_nothing_is_committed(monkeypatch, region_builder, git_repo):
    monkeypatch.delenv(history.COMMIT_ENV, raising=False)
    data = git_repo(region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]}))
    head = git.head(data)
    edit_users(data, "1853", "EVE-004", "99")
    assert git.head(data) == head and git.has_uncommitted(data)


def test_only_the_saved_file_is_committed_not_what_else_is_staged(shared, region_builder, git_repo):
    data = git_repo(region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]}))
    (data / "annet.txt").write_text("x\n", encoding="utf-8")
    run_git(data, "add", "annet.txt")
    edit_users(data, "1853", "EVE-004", "99")
    assert run_git(data, "show", "--name-only", "--format=", "HEAD") == "municipalities/1853-evenes/systems.csv"
    assert "A  annet.txt" in run_git(data, "status", "--porcelain")


def test_a_save_outside_git_is_done_and_says_it_has_no_history(shared, region_builder):
    data = region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]})
    edit_users(data, "1853", "EVE-004", "99")
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "99"
    assert history.take_warning() == ("Lagret systems.csv, men endringen ble ikke registrert i historikken (git): "
                                      "datamappen er ikke et git-depot.")
    assert history.take_warning() is None  # taken once


def test_a_failing_commit_keeps_the_save_and_is_a_norwegian_warning(shared, region_builder, git_repo):
    data = git_repo(region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]}))
    head = git.head(data)
    (data / ".git" / "index.lock").write_text("", encoding="utf-8")  # someone's git hangs in the index
    edit_users(data, "1853", "EVE-004", "99")
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "99"
    assert git.head(data) == head
    warning = history.take_warning()
    assert warning.startswith("Lagret systems.csv, men endringen ble ikke registrert i historikken (git): fatal:")
    assert "index.lock" in warning


def test_added_removed_and_changed_rows_in_the_message(tmp_path):
    path = tmp_path / "municipalities" / "1806-narvik" / "systems.csv"
    before = csv_text("systems", [named_system("A", "Alfa"), named_system("B", "Beta")]).encode()
    after = csv_text("systems", [named_system("A", "Alfa", users="5", cost="7"), named_system("C", "Gamma")]).encode()
    message = history.describe([history.Saved(path, before, after)], tmp_path)
    assert message == "Narvik: endret A (Antall brukere og Årlig kostnad (kr eks. mva)), la til C og fjernet B"


def test_more_than_three_changes_are_counted_in_the_subject_and_listed_below(tmp_path):
    path = tmp_path / "municipalities" / "1853-evenes" / "systems.csv"
    before = csv_text("systems", []).encode()
    after = csv_text("systems", [named_system(s, s) for s in "ABCDE"]).encode()
    subject, blank, *body = history.describe([history.Saved(path, before, after)], tmp_path).split("\n")
    assert subject == "Evenes: la til A, la til B, la til C og 2 endringer til"
    assert blank == "" and body == [f"- Evenes: la til {s}" for s in "ABCDE"]


def test_welfare_rows_are_named_by_their_category_label_and_profiles_by_titles(tmp_path):
    folder = tmp_path / "municipalities" / "1853-evenes"
    welfare = history.Saved(folder / "welfare.csv", csv_text("welfare", [welfare_row()]).encode(),
                            csv_text("welfare", [welfare_row(units_needed="80")]).encode())
    profile = history.Saved(folder / "kommune.yaml", b"number: '1853'\nname: Evenes\n",
                            b"number: '1853'\nname: Evenes\norgnr: '964983291'\n")
    tender = history.Saved(tmp_path / "procurement" / "tenders" / "felles.yaml", None, b"id: x\n")
    assert history.describe([welfare, profile, tender], tmp_path) == (
        "Evenes: endret Trygghetsalarm (Careium) (Enheter behov); "
        "Evenes: endret kommuneprofilen (Organisasjonsnummer); Anskaffelser: la til felles.yaml")


def _saver(data: str, start, number: str, sid: str, users: str, result) -> None:
    start.wait()
    edit_users(Path(data), number, sid, users)
    result.put((number, history.take_warning()))


def test_two_users_saving_at_once_both_get_their_commit(shared, region_builder, git_repo):
    data = git_repo(region_builder(systems={"1853": [named_system("EVE-004", "Alfa")],
                                            "1806": [named_system("NAR-001", "Beta")]}))
    out = dict(run_processes(_saver, [(str(data), "1853", "EVE-004", "11"), (str(data), "1806", "NAR-001", "22")]))
    assert out == {"1853": None, "1806": None}
    subjects = sorted(line.split("|")[3] for line in log(data, 2))
    assert subjects == ["Evenes: endret EVE-004 (Antall brukere)", "Narvik: endret NAR-001 (Antall brukere)"]
    assert not git.has_uncommitted(data)


def test_the_form_says_saved_and_warns_when_the_commit_failed(shared, region_builder, git_repo):
    from digireform.notebook import ProfileEditor, TableEditor

    data = git_repo(region_builder(systems={"1853": [named_system("EVE-004", "Alfa")]}))
    ed = TableEditor(data, "systems", "1853")
    ed.select(0)
    ed.fields["users"].value = "55"
    ed.save_button.click()
    assert "Lagret" in ed.status.value and "historikken" not in ed.status.value  # committed: no warning
    assert log(data)[0].endswith("|Evenes: endret EVE-004 (Antall brukere)")
    (data / ".git" / "index.lock").write_text("", encoding="utf-8")
    ed.fields["users"].value = "56"
    ed.save_button.click()
    assert sync.load_table(data, "1853", "systems").rows[0]["users"] == "56"
    assert "Lagret" in ed.status.value and "men endringen ble ikke registrert i historikken (git)" in ed.status.value
    profile = ProfileEditor(data, "1853")
    profile.save()
    assert "historikken (git)" in profile.status.value  # the profile editor says it the same way
