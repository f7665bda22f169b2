"""The house rules, checked on the source: no import circles among the project's own modules
(app, web/, geo/), no import of another module's private name, and geo/ free of the web."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from testkit import ROOT

PACKAGES = ("web", "geo")
#: What the domain package must never import: the web framework and HTML tooling.
WEB_ONLY = ("flask", "flask_sqlalchemy", "flask_migrate", "werkzeug", "markupsafe", "jinja2",
            "folium")


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for app.py and every module of the project's packages."""
    modules = {"app": root / "app.py"}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):  # subpackages too (geo/store/...)
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(module, name or None) for each import in the file, at any depth (lazy ones too)."""
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                out.append((submodule, None) if submodule in modules else (node.module, alias.name))
    return out


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the project modules it imports."""
    return {name: {m for m, _ in imports(path, modules) if m in modules and m != name}
            for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": set()}, []),
        ({"a": {"b"}, "b": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_cycles_finds_every_circle(graph, expected):
    assert sorted(cycles(graph)) == expected


def test_the_project_has_no_import_circles():
    graph = import_graph(project_modules())
    assert graph["app"] >= {"web.extensions", "web.library"}  # the walk sees real edges
    assert graph["geo.store"] >= {"geo.store.models", "geo.store.articles"}  # and subpackages
    assert cycles(graph) == []


def test_no_module_imports_a_private_name_of_another():
    modules = project_modules()
    private = [(name, f"{module}.{imported}") for name, path in modules.items()
               for module, imported in imports(path, modules)
               if module in modules and imported is not None and imported.startswith("_")]
    assert private == []


def test_geo_imports_nothing_of_the_web():
    modules = project_modules()
    web = [(name, module) for name, path in modules.items() if name.split(".")[0] == "geo"
           for module, _ in imports(path, modules)
           if module.split(".")[0] in (*WEB_ONLY, "web", "app")]
    assert web == []


def test_every_module_declares_its_public_names():
    """itsdangerous style: an explicit ``__all__`` in app.py and every web/ module."""
    missing = [name for name, path in project_modules().items()
               if name.split(".")[0] in ("app", "web")
               and "__all__" not in path.read_text(encoding="utf-8")]
    assert missing == []
