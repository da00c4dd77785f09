"""The package's architecture holds: imports follow the layer table, and no module needs itself.

The table is the "Layers" section of `digireform`'s docstring (one source); these tests read
it and every module under lib/digireform with `ast`, so an import inside a function, under
TYPE_CHECKING, relative, or written as a string naming a module counts like any other.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lib" / "digireform"
ROOT = "digireform"
DYNAMIC_IMPORTS = {"import_module", "find_spec", "__import__", "spec_from_file_location"}
MODULE_STRING = re.compile(r"^digireform(?:\.\w+)+(?::\w+)?$")
NOT_IMPORTS = {"getLogger"}  # functions whose string argument names a module without importing it



@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module (the longest name that is a module of the package)
    path: Path
    line: int
    how: str  # "import", "string"

    def where(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{self.line}"


# ----------------------------------------------------------------------------- reading the package


@cache
def layer_table() -> dict[str, tuple[str, ...]]:
    """The "Layers" section of digireform's docstring: layer → the layers it may import, in order."""
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))) or ""
    section = doc.split("\nLayers\n------\n", 1)[1]
    table = {}
    for line in section.splitlines():
        m = re.fullmatch(r" {4}(\w+): ([\w, ]+)", line)
        if m:
            table[m[1]] = tuple(name.strip() for name in m[2].split(","))
    return table


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def known_module(name: str) -> str:
    """The longest prefix of `name` that is a module of the package."""
    parts = name.split(".")
    while parts and ".".join(parts) not in modules():
        parts.pop()
    return ".".join(parts) or ROOT


def _base(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module `from … import` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _string_args(node: ast.Call) -> set[int]:
    return {id(a) for a in node.args if isinstance(a, ast.Constant)} if _call_name(node) in NOT_IMPORTS else set()


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    """Every import in `module` of a digireform module, wherever it is written."""
    path = modules()[module]
    tree = ast.parse(path.read_text("utf-8"), str(path))
    skipped = set().union(*(_string_args(n) for n in ast.walk(tree) if isinstance(n, ast.Call)))
    found = []
    for node in ast.walk(tree):
        names: list[tuple[str, str]] = []
        if isinstance(node, ast.Import):
            names = [(a.name, "import") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path, node)
            names = [(f"{base}.{a.name}" if f"{base}.{a.name}" in modules() else base, "import") for a in node.names]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
              and MODULE_STRING.match(node.value) and node.value.split(":")[0] in modules()):
            names = [(node.value.split(":")[0], "string")]
        for name, how in names:
            if name != ROOT and not name.startswith(ROOT + "."):
                continue
            target = known_module(name)
            # a module's own packages are imported before it: naming one (for its data files) is no edge
            if target != module and not (how == "string" and module.startswith(target + ".")):
                found.append(Import(module, target, path, node.lineno, how))
    return tuple(dict.fromkeys(found))


def all_imports() -> list[Import]:
    """Every import of the package."""
    return [imp for module in modules() for imp in imports_of(module)]


# ----------------------------------------------------------------------------- the rules


def test_the_table_is_an_order_from_bottom_to_top():
    """A layer may import only layers above it in the table: the table itself has no cycle."""
    table = layer_table()
    assert {"model", "io", "sync", "analysis", "report", "cli", ROOT} <= set(table)
    order = list(table)
    for i, (layer, allowed) in enumerate(table.items()):
        later = [a for a in allowed if a in order and order.index(a) > i]
        unknown = [a for a in allowed if a not in order]
        assert not later and not unknown, f"{layer} may import {later or unknown}"


def test_every_module_belongs_to_a_layer_of_the_table():
    unplaced = sorted(m for m in modules() if layer_of(m) not in layer_table())
    assert not unplaced, "modules outside every layer (add their layer to the table): " + ", ".join(unplaced)


def test_imports_go_only_down_the_layers():
    table = layer_table()
    wrong = [f"{imp.where()}: {layer_of(imp.source)} imports {imp.target} ({layer_of(imp.target)})"
             + (" by string" if imp.how == "string" else "")
             for imp in all_imports()
             if layer_of(imp.target) not in table.get(layer_of(imp.source), ())]
    assert not wrong, "imports against the layer table in digireform/__init__.py:\n" + "\n".join(wrong)


def test_no_import_cycles_between_modules():
    graph = nx.DiGraph()
    for imp in all_imports():
        graph.add_edge(imp.source, imp.target)
    cycles = sorted(" → ".join([*c, c[0]]) for c in nx.simple_cycles(graph))
    assert not cycles, f"{len(cycles)} import cycles:\n" + "\n".join(cycles[:50])


def test_no_module_is_imported_by_a_computed_name():
    """import_module/find_spec/__import__ hide a dependency from readers and from these tests."""
    found = []
    for path in modules().values():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and _call_name(node) in DYNAMIC_IMPORTS):
                continue
            arg = node.args[0] if node.args else None
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            if not literal or arg.value.split(".")[0] == ROOT:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(node)}")
    assert not found, "modules imported by string; import them by name:\n" + "\n".join(found)


def test_the_package_imports_validate_only_lazily():
    """`import digireform` must stay cheap: its own imports sit inside functions or TYPE_CHECKING."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))
    eager = [f"line {node.lineno}" for node in tree.body
             if isinstance(node, ast.Import | ast.ImportFrom) and ast.unparse(node).split()[1].startswith(ROOT)]
    assert not eager


def _may_import_paragraph(doc: str) -> str:
    m = re.search(r"May import:(.*?\.)(?=\s|\Z)", doc, re.S)  # its first sentence
    return m[1] if m else ""


@pytest.mark.parametrize("package", sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()))
def test_each_subpackage_says_what_it_may_import(package):
    """The docstring's «May import:» paragraph names exactly the layers of the table."""
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8"))) or ""
    named = set(re.findall(r"`digireform\.(\w+)`", _may_import_paragraph(doc)))
    assert named == set(layer_table()[package]), f"{package}/__init__.py: May import: {sorted(named)}"
