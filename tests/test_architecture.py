"""The house's rules checked on the source: no import circles, no delayed or private imports, parts and rooms
that import one way only, readable functions, and the map of docs/architecture.md drawn from the real imports."""

from __future__ import annotations

import ast
import re
from functools import cache

import pytest

from config import PROJECT_DIR
from pipelines.schema import STEP_MODELS
from pipelines.steps.base import kind_of
from tests.import_graph import Import, cycles, imports, project_modules, room, runtime_edges

SHARED = {"config", "errors", "error_sentences", "lexicon", "textnorm"}
# What each part may import besides the shared modules (../shared/ARCHITECTURE.md, «Which part may use which»).
MAY_IMPORT = {
    "app": {"routes", "graphs", "tools", "pipelines", "vector_memory"},
    "routes": {"graphs", "pipelines", "tools"},
    "graphs": {"pipelines", "tools"},
    "tools": {"vector_memory"},
    "pipelines": set(),
    "vector_memory": set(),
    "harness": {"app", "graphs", "pipelines", "tools", "vector_memory"},
    "bench": {"app", "routes", "graphs", "pipelines", "tools", "vector_memory", "harness"},
}
# The rooms of graphs/, lowest first: a room imports only rooms before it (the package's __init__ is the top).
GRAPH_ROOMS = (
    "graphs.result",
    "graphs.observe",
    "graphs.compile",
    "graphs.store",
    "graphs.repair",
    "graphs.draw",
    "graphs.run",
    "graphs.chat",
    "graphs.testing",
    "graphs.cli",
    "graphs",
)
MAX_FUNCTION_LINES = 60
MAP = PROJECT_DIR / "docs" / "architecture.md"


@cache
def _imports() -> tuple[Import, ...]:
    return tuple(imports(project_modules()))


def test_the_graph_is_read() -> None:
    modules = project_modules()
    assert {"app", "graphs", "graphs.run.runner", "pipelines.schema", "tools.registry"} <= set(modules)
    assert any(item.module == "graphs.run.runner" and item.target == "graphs.store.run_table" for item in _imports())


def test_no_module_is_in_an_import_circle() -> None:
    assert cycles(runtime_edges(list(_imports()))) == []


def test_the_circle_finder_finds_circles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_is_delayed_into_a_function() -> None:
    delayed = [f"{item.module}:{item.line} imports {item.target}" for item in _imports() if item.delayed]
    assert delayed == []


def test_no_module_takes_another_modules_private_names() -> None:
    private = [
        f"{item.module}:{item.line} takes {name} from {item.target}"
        for item in _imports()
        for name in item.names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == []


def _part(module: str) -> str:
    return module.split(".")[0]


def test_parts_import_only_what_they_may() -> None:
    wrong = []
    for item in _imports():
        source, target = _part(item.module), _part(item.target)
        if item.typing_only or source == target or target in SHARED:
            continue
        allowed = set() if source in SHARED else MAY_IMPORT[source]
        if target not in allowed:
            wrong.append(f"{item.module}:{item.line} imports {item.target}")
    assert wrong == []


def test_the_rooms_of_graphs_import_downwards_only() -> None:
    wrong = []
    for item in _imports():
        source, target = room(item.module), room(item.target)
        if item.typing_only or source == target or not (source.startswith("graphs") and target.startswith("graphs")):
            continue
        if GRAPH_ROOMS.index(target) > GRAPH_ROOMS.index(source):
            wrong.append(f"{item.module}:{item.line} imports {item.target}")
    assert wrong == []
    assert {room(name) for name in project_modules() if name.startswith("graphs")} == set(GRAPH_ROOMS)


def _long_functions() -> list[str]:
    found = []
    for name, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{name}.{node.name}: {lines} lines")
    return found


def test_no_function_is_longer_than_sixty_lines() -> None:
    assert _long_functions() == []


def _drawn_edges() -> set[tuple[str, str]]:
    """The arrows of the mermaid diagram under «The map» in docs/architecture.md, as (room, room)."""
    text = MAP.read_text(encoding="utf-8")
    block = re.search(r"## The map.*?```mermaid\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no mermaid diagram under «## The map»"
    boxes = re.findall(r'(\w+)\["([^"]+)"\]', block[1])
    labels = {ident: label.removesuffix(".py").strip("/").replace("/", ".") for ident, label in boxes}
    return {(labels[a], labels[b]) for a, b in re.findall(r"(\w+)\s*-->\s*(\w+)", block[1])}


def _real_edges() -> set[tuple[str, str]]:
    """Room → room runtime imports among the app's parts (shared modules, benchmarks and harness left out)."""
    drawn = {"app", "routes", "pipelines", "tools", "vector_memory"}
    edges = set()
    for item in _imports():
        source, target = room(item.module), room(item.target)
        if item.typing_only or source == target:
            continue
        if all(end in drawn or end.startswith("graphs") for end in (source, target)):
            edges.add((source, target))
    return edges


def test_the_map_in_the_docs_is_the_real_import_graph() -> None:
    drawn, real = _drawn_edges(), _real_edges()
    assert sorted(real - drawn) == [], "imports missing from the map"
    assert sorted(drawn - real) == [], "arrows of the map no module makes"


@pytest.mark.parametrize("room_name", [name for name in GRAPH_ROOMS if name not in ("graphs", "graphs.result")])
def test_every_room_says_what_it_owns(room_name: str) -> None:
    init = PROJECT_DIR / room_name.replace(".", "/") / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring and len(docstring.splitlines()) == 1


def test_every_step_kind_lives_in_its_own_module() -> None:
    places = {kind_of(model): model.__module__ for model in STEP_MODELS}
    assert places == {kind: f"pipelines.steps.{kind}" for kind in places}
    assert set(places) >= {"tool", "llm", "ask", "set", "reply", "pipeline", "collect", "foreach", "confirm"}


def test_nothing_outside_the_tests_imports_them() -> None:
    found = []
    for name, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                targets = [node.module or ""]
            found += [f"{name}:{node.lineno} imports {target}" for target in targets if target.split(".")[0] == "tests"]
    assert found == []
