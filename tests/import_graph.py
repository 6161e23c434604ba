"""The project's import graph read from its source with `ast`: which module imports which, and how."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from config import PROJECT_DIR

# Everything of the project but its tests and docs: packages, the shared top-level modules and the benchmarks.
PACKAGES = ("graphs", "pipelines", "tools", "vector_memory", "routes", "bench", "harness")
MODULES = ("app", "config", "errors", "error_sentences", "lexicon", "textnorm")


@dataclass(frozen=True)
class Import:
    """One import statement of `module`: what it reaches, the names it takes, and how it is made."""

    module: str
    target: str
    names: tuple[str, ...]
    line: int
    delayed: bool  # inside a function body
    typing_only: bool  # under `if TYPE_CHECKING:`


def project_modules(root: Path = PROJECT_DIR) -> dict[str, Path]:
    """Dotted module name → source file, for every module of the project (packages as their `__init__`)."""
    found = {name: root / f"{name}.py" for name in MODULES if (root / f"{name}.py").exists()}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(modules: dict[str, Path]) -> list[Import]:
    """Every import of a project module by a project module, resolved to the module it loads."""
    found: list[Import] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, delayed, typing_only in _import_nodes(tree):
            for target, names in _targets(module, path, node, modules):
                found.append(Import(module, target, names, node.lineno, delayed, typing_only))
    return found


def runtime_edges(found: list[Import]) -> dict[str, set[str]]:
    """module → the modules it imports when it runs (type-checking imports left out)."""
    edges: dict[str, set[str]] = {}
    for item in found:
        if not item.typing_only and item.target != item.module:
            edges.setdefault(item.module, set()).add(item.target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def room(module: str) -> str:
    """The room a module lives in: a sub-package of graphs/, else its top-level package or module."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "graphs" else parts[0]


Found = Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]


def _import_nodes(tree: ast.Module) -> Found:
    """(import node, inside a function, under TYPE_CHECKING) for every import statement of a module."""

    def walk(node: ast.AST, delayed: bool, typing_only: bool) -> Found:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, delayed, typing_only
            inner = delayed or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            checking = typing_only or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
            yield from walk(child, inner, checking)

    yield from walk(tree, False, False)


def _targets(
    module: str, path: Path, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The project modules one import statement loads, with the names it takes from each."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if (target := _owner(alias.name, modules)) is not None:
                yield target, ()
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    taken: dict[str, list[str]] = {}
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in modules:  # `from graphs.observe import faults`: the module itself
            taken.setdefault(submodule, [])
        elif (target := _owner(base, modules)) is not None:
            taken.setdefault(target, []).append(alias.name)
    for target, names in taken.items():
        yield target, tuple(names)


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` is, or lives in (None for third-party modules)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None
