"""Where the data folder is when none is named, and how a checkout is told from an installed copy."""
from __future__ import annotations

from pathlib import Path

import pytest

from digireform.io import paths
from digireform.model.errors import DigireformError

PYPROJECT = '[project]\nname = "digireform"\nversion = "0.1.0"\n'


def checkout(root: Path, pyproject: str = PYPROJECT, example: bool = True) -> Path:
    """A source tree as cloned: pyproject.toml, the example region, the package under lib/."""
    (root / "lib" / "digireform" / "io").mkdir(parents=True)
    (root / "pyproject.toml").write_text(pyproject, "utf-8")
    if example:
        (root / "municipalities").mkdir()
    return root / "lib" / "digireform" / "io" / "paths.py"


def test_a_checkout_is_found_by_what_it_holds_at_any_depth(tmp_path):
    module = checkout(tmp_path / "repo")
    assert paths.find_checkout(module) == tmp_path / "repo"
    deeper = tmp_path / "repo" / "lib" / "digireform" / "a" / "b" / "c.py"
    assert paths.find_checkout(deeper) == tmp_path / "repo"


def test_an_installed_copy_belongs_to_no_checkout_even_inside_one(tmp_path):
    checkout(tmp_path / "repo")
    installed = tmp_path / "repo" / ".venv" / "lib" / "python3.11" / "site-packages" / "digireform" / "io" / "paths.py"
    assert paths.find_checkout(installed) is None


@pytest.mark.parametrize("pyproject, example", [('[project]\nname = "annet"\n', True), (PYPROJECT, False),
                                                ("[project\nikke toml", True)])
def test_another_project_or_no_example_region_is_no_checkout(tmp_path, pyproject, example):
    assert paths.find_checkout(checkout(tmp_path / "repo", pyproject, example)) is None


def test_default_is_the_current_folder_when_it_holds_municipalities(tmp_path, monkeypatch):
    (tmp_path / "municipalities").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    assert paths.resolve_data_dir() == tmp_path.resolve()


def test_default_in_a_checkout_is_the_example_region(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    assert paths.resolve_data_dir() == paths.checkout_root()
    assert (paths.resolve_data_dir() / "municipalities" / "1853-evenes").is_dir()


def test_installed_without_data_folder_is_a_norwegian_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    monkeypatch.setattr(paths, "checkout_root", lambda: None)
    with pytest.raises(DigireformError, match="^Fant ingen datamappe: bruk --data MAPPE eller sett DIGIREFORM_DATA"):
        paths.resolve_data_dir()


def test_data_option_and_environment_come_before_the_default(tmp_path, monkeypatch):
    (tmp_path / "here" / "municipalities").mkdir(parents=True)
    (tmp_path / "env").mkdir()
    (tmp_path / "opt").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path / "env"))
    assert paths.resolve_data_dir() == (tmp_path / "env").resolve()
    assert paths.resolve_data_dir(tmp_path / "opt") == (tmp_path / "opt").resolve()
