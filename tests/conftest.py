"""Fixture factories shared by tests/unit, tests/integration and tests/browser.

They build on each other: `region_builder` writes a data folder in the test's `tmp_path`
(rows from `system_row`/`welfare_row`, headers from the schema), `tender_file` writes a
tender definition into such a folder, `example_region` is a copy of the shipped example data,
`git_repo` puts a folder under git. The plain builders behind them are in
tests/support/regionfiles.py (import those, never another test module).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import regionfiles, tender


@pytest.fixture
def region_builder(tmp_path):
    """`build(municipalities=…, systems=…, welfare=…, survey=…, procurement=…, root=tmp_path) -> Path`.

    See `regionfiles.write_region`: `build()` alone is Evenes with one valid system;
    `build(systems={"1853": [system_row(users="x")]})` one invalid row;
    `build(municipalities={"1806": {"population": {...}}})` a profile field.
    """
    def build(root: Path | None = None, **parts) -> Path:
        return regionfiles.write_region(tmp_path if root is None else root, **parts)
    return build


@pytest.fixture
def system_row():
    """`regionfiles.system_row`: a valid systems.csv row, overrides as keywords."""
    return regionfiles.system_row


@pytest.fixture
def welfare_row():
    """`regionfiles.welfare_row`: a valid welfare.csv row, overrides as keywords."""
    return regionfiles.welfare_row


@pytest.fixture
def tender_region(tmp_path) -> Path:
    """The tender tests' two municipalities (Evenes, Bjerkreim) and requirement library in tmp_path."""
    return tender.make_region(tmp_path)


@pytest.fixture
def tender_file(tender_region):
    """`write(text=tender_yaml(), name="test.yaml", root=tender_region) -> Path` of the tender file."""
    def write(text: str | None = None, name: str = "test.yaml", root: Path | None = None) -> Path:
        return tender.write_tender(tender_region if root is None else root,
                                   tender.tender_yaml() if text is None else text, name)
    return write


@pytest.fixture
def example_region(tmp_path) -> Path:
    """A copy of the shipped example data (municipalities/ and procurement/) in tmp_path."""
    return regionfiles.copy_example(tmp_path)


@pytest.fixture
def git_repo():
    """`init(path, commit=True, message="start") -> path`: `path` under git, everything in it committed."""
    def init(path: Path, commit: bool = True, message: str = "start") -> Path:
        regionfiles.git_init(path)
        if commit:
            regionfiles.git_commit_all(path, message)
        return Path(path)
    return init
