"""Files shipped inside the package: code lists, rules and schemas (`model/data`), the
dashboards' texts and static files, the notebook's form labels.

Why one helper: a package file must be read from wherever the package was imported from
(site-packages after `pip install .`, the source tree in an editable install), never through
a path worked out from a checkout; `importlib.resources` is the one way that holds for every
kind of install. User data (municipalities/, procurement/) is `digireform.io.paths`' business.
"""
from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable


def package_file(package: str, *parts: str) -> Traversable:
    """`parts` under the folder of `package`, e.g. ("digireform.dashboard", "static", "dashboard.js")."""
    node = resources.files(package)
    for part in parts:
        node = node / part
    return node


def data_file(*parts: str) -> Traversable:
    """A file of model/data: `data_file("schema.yaml")`, `data_file("ocds", "release-schema.json")`."""
    return package_file("digireform.model", "data", *parts)


def read_data_text(*parts: str) -> str:
    """The text (UTF-8) of a file of model/data."""
    return data_file(*parts).read_text("utf-8")


def package_tree(package: str, *parts: str) -> dict[str, Traversable]:
    """Every file under a package folder, by its path relative to that folder ("topojson/x.json"), sorted."""
    return dict(_walk(package_file(package, *parts), ""))


def _walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for child in sorted(folder.iterdir(), key=lambda c: c.name):
        name = prefix + child.name
        if child.is_dir():
            yield from _walk(child, name + "/")
        elif child.is_file():
            yield name, child
