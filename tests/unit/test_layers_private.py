"""No module of the package uses another module's private names.

A leading underscore says «only for this module»: a name another module needs gets a
public home instead (as `io.yamlio.inline_yaml` did for the change list). The check reads
every module's syntax tree: `from digireform.x import _name`, and `module._name` where
`module` was imported from the package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import digireform

PACKAGE = Path(digireform.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    rel = Path(*dotted.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").is_file() or (PACKAGE.parent / rel / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_uses(path: Path) -> list[str]:
    """`file:line: name` for each private name of another package module that `path` uses."""
    here = _module_name(path)
    tree = ast.parse(path.read_text("utf-8"), str(path))
    modules: dict[str, str] = {}  # local name → package module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("digireform"):
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else "digireform"
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, here, path.name == "__init__.py")
            if not source.startswith("digireform"):
                continue
            for alias in node.names:
                if _private(alias.name) and source != here:
                    found.append(f"{path.name}:{node.lineno}: {source}.{alias.name}")
                elif _is_module(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and _private(node.attr) and modules[node.value.id] != here):
            found.append(f"{path.name}:{node.lineno}: {modules[node.value.id]}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [use for path in sorted(PACKAGE.rglob("*.py")) for use in private_uses(path)]
    assert found == []


def test_the_check_sees_both_forms(tmp_path, monkeypatch):
    """The scan itself: a planted module using a private name both ways is caught twice."""
    planted = PACKAGE / "analysis" / "_planted_for_test.py"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: (
        "from digireform.sync import _secret\nfrom digireform.io import git\nx = git._hidden\n"
        "from digireform.model.formatting import number as _number\n"))
    assert private_uses(planted) == ["_planted_for_test.py:1: digireform.sync._secret",
                                     "_planted_for_test.py:3: digireform.io.git._hidden"]
