"""io.git, the one git helper, on a real repository made in a temporary folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from digireform.io import git
from tests.support.regionfiles import git as _git  # the tests' git, as a fixed identity (not io.git)

pytestmark = pytest.mark.skipif(not git.installed(), reason="git is not installed")


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A repository whose data folder is a subfolder: data/municipalities/… and a file outside data/."""
    _git(tmp_path, "init", "-q")
    data = tmp_path / "data"
    (data / "municipalities" / "1851-lodingen").mkdir(parents=True)
    (data / "municipalities" / "1851-lodingen" / "systems.csv").write_text("a\n", "utf-8")
    (tmp_path / "README.md").write_text("x\n", "utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first")
    return data


def test_outside_a_repository_everything_is_absent(tmp_path):
    assert git.is_repo(tmp_path) is False
    assert git.head(tmp_path) is None
    assert git.last_commit(tmp_path) is None
    assert git.file_at_head(tmp_path, "x.csv") is None
    assert git.files_at_head(tmp_path, "municipalities") == []


def test_a_repository_without_commits_has_no_head(tmp_path):
    _git(tmp_path, "init", "-q")
    assert git.is_repo(tmp_path) is True
    assert git.head(tmp_path) is None


def test_files_at_head_are_relative_to_the_data_folder(repo):
    assert git.is_repo(repo)
    assert len(git.head(repo) or "") == 40
    assert git.files_at_head(repo, "municipalities") == ["municipalities/1851-lodingen/systems.csv"]
    assert git.file_at_head(repo, "municipalities/1851-lodingen/systems.csv") == b"a\n"
    assert git.file_at_head(repo, "municipalities/1851-lodingen/welfare.csv") is None


def test_last_commit_and_uncommitted_changes_follow_only_the_paths_asked_for(repo):
    first = git.last_commit(repo, ["municipalities"])
    assert first is not None and first[1] > 0
    (repo.parent / "README.md").write_text("changed\n", "utf-8")
    _git(repo.parent, "commit", "-q", "-am", "outside the data")
    assert git.last_commit(repo, ["municipalities"]) == first  # a commit elsewhere is not the data's
    assert git.last_commit(repo)[0] != first[0]
    assert git.has_uncommitted(repo, ["municipalities"]) is False
    (repo / "municipalities" / "1851-lodingen" / "systems.csv").write_text("b\n", "utf-8")
    assert git.has_uncommitted(repo, ["municipalities"]) is True
    assert git.file_at_head(repo, "municipalities/1851-lodingen/systems.csv") == b"a\n"  # HEAD, not the file


def test_a_failing_command_gives_none_not_an_exception(repo):
    assert git.output(repo, "show", "HEAD:./no-such-file") is None
    done = git.run(repo, "no-such-subcommand")
    assert done is not None and done.returncode != 0
