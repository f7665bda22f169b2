"""The page's own JavaScript (static/js, ES modules, no build step), read as text: small
modules and functions, no HTML sinks, imports that resolve, no import circles."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent.parent / "static" / "js"
MODULES = sorted(JS.rglob("*.js"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Ways to turn a string into HTML or code: user text must go in with textContent.
SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
         "createContextualFragment", "srcdoc")
IMPORT = re.compile(r'^import\b[^"\n]*"([^"\n]+)";$', re.M)
TOP_FUNCTION = re.compile(r"^(?:export )?function (\w+)\(")
GLOBAL_WRITE = re.compile(r"\bwindow\.\w+\s*=(?!=)")


def rel(path: Path) -> str:
    return path.relative_to(JS).as_posix()


def imports(path: Path) -> list[Path]:
    return [(path.parent / spec).resolve() for spec in IMPORT.findall(path.read_text(encoding="utf-8"))]


def top_functions(text: str) -> list[tuple[str, int]]:
    """(name, lines) of every top-level function (they start and end in column 0)."""
    out = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = TOP_FUNCTION.match(line)
        if m:
            end = next(j for j in range(i, len(lines)) if lines[j].startswith("}"))
            out.append((m.group(1), end - i + 1))
    return out


def test_the_modules_are_there():
    names = {rel(p) for p in MODULES}
    assert {"story.js", "library.js", "story/map.js", "story/linking.js", "story/steps.js",
            "story/review.js", "story/popup.js", "story/librarymap.js", "story/dom.js",
            "story/api.js"} <= names


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_module_is_small(path: Path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_functions_are_short(path: Path):
    long = [(name, n) for name, n in top_functions(path.read_text(encoding="utf-8")) if n > MAX_FUNCTION_LINES]
    assert long == []


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_no_html_or_code_from_strings(path: Path):
    text = path.read_text(encoding="utf-8")
    assert [s for s in SINKS if s in text] == []


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_no_globals_but_the_entry_point(path: Path):
    """Only story.js publishes one global (window.storyMap, for tests and the console)."""
    writes = set(GLOBAL_WRITE.findall(path.read_text(encoding="utf-8")))
    assert writes == ({"window.storyMap ="} if rel(path) == "story.js" else set())


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_imports_resolve_within_static_js(path: Path):
    for target in imports(path):
        assert target.is_file() and JS in target.parents, (rel(path), target)


def test_no_import_circles():
    graph = {p.resolve(): imports(p) for p in MODULES}
    done: set[Path] = set()

    def visit(node: Path, stack: tuple[Path, ...]) -> None:
        assert node not in stack, " -> ".join(rel(p) for p in (*stack, node))
        if node in done:
            return
        for target in graph.get(node, []):
            visit(target, (*stack, node))
        done.add(node)

    for node in graph:
        visit(node, ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("function a() {\n  return 1;\n}\n", [("a", 3)]),
        ("export function b(x) {\n  if (x) {\n    x();\n  }\n}\n", [("b", 5)]),
        ("  function nested() {\n  }\n", []),
        ("const f = function () {\n};\n", []),
    ],
)
def test_top_functions_table(text: str, expected: list[tuple[str, int]]):
    assert top_functions(text) == expected
