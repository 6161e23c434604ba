"""Safe YAML reading that keeps the line and column of every node and refuses aliases, tags and duplicates."""

from __future__ import annotations

import re
from typing import Any

import yaml

from errors import PipelineError

Positions = dict[tuple[Any, ...], tuple[int, int]]
MAX_DEPTH = 40
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_YAML11_ONLY = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
    "tag:yaml.org,2002:yaml",
}


def _core_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """SafeLoader's implicit types, YAML 1.2 style for booleans and integers, no dates.

    YAML 1.1 reads `options: [sí, no]` as ['sí', False], `on`/`off`/`yes` as booleans, `012` as 10 and
    `1:30` as 90: in a Spanish sales dialog those must stay text.
    """
    table = {
        first: [(tag, rx) for tag, rx in entries if tag not in _YAML11_ONLY]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    core = [
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
        ("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), "-+0123456789"),
    ]
    for tag, regexp, firsts in core:
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return {first: entries for first, entries in table.items() if entries}


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no billion-laughs expansion) while composing; YAML 1.2 scalars."""

    yaml_implicit_resolvers = _core_resolvers()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise PipelineError(
                "YAML aliases (*name) are not allowed",
                line=mark.line + 1,
                column=mark.column + 1,
                hint="write the value out in full instead of referring to an anchor",
            )
        return super().compose_node(parent, index)


_CLoader: type | None = getattr(yaml, "CSafeLoader", None)


class _FastLoader(_CLoader or yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's composer (eight times faster than PyYAML's) with the same YAML 1.2 scalars."""

    yaml_implicit_resolvers = _core_resolvers()


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(loader: Any, node: yaml.Node, path: tuple[Any, ...], positions: Positions, seen: set[int]) -> Any:
    if id(node) in seen:  # libyaml resolves an alias to the anchored node itself: meeting a node twice is one
        raise _AliasSeen
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise PipelineError(
            f"the document nests deeper than {MAX_DEPTH} levels",
            line=_mark(node)[0],
            column=_mark(node)[1],
            path=_dotted(path),
            hint="flatten the structure",
        )
    positions.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise PipelineError(
            f"the tag '{node.tag}' is not allowed",
            line=_mark(node)[0],
            column=_mark(node)[1],
            path=_dotted(path),
            hint=_yaml_hint("tag"),
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PipelineError(
                    "mapping keys must be plain text",
                    line=_mark(key_node)[0],
                    column=_mark(key_node)[1],
                    path=_dotted(path),
                )
            key = loader.construct_object(key_node)
            if not isinstance(key, str | int | bool | float) or key is None:
                key = str(key)
            if key in result:
                raise PipelineError(
                    f"duplicate key '{key}'",
                    line=_mark(key_node)[0],
                    column=_mark(key_node)[1],
                    path=_dotted((*path, key)),
                    hint="remove one of the two entries",
                )
            positions[(*path, key)] = _mark(key_node)
            result[key] = _convert(loader, value_node, (*path, key), positions, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, (*path, i), positions, seen) for i, item in enumerate(node.value)]
    return loader.construct_object(node)


class _AliasSeen(Exception):
    """An alias met by the fast reader; the exact error comes from the pure-Python reader."""


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def read_yaml(text: str, *, file: str | None = None, max_bytes: int = 64 * 1024) -> tuple[Any, Positions]:
    """Parse one YAML document; returns the data and a map YAML path -> (line, column)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise PipelineError(
            f"the file is {size} bytes, over the limit of {max_bytes}",
            file=file,
            line=1,
            column=1,
            hint="split it into smaller pipelines joined with 'pipeline' steps",
        )
    if _CLoader is not None:
        try:
            return _read_fast(text)
        except Exception:  # any problem is reported precisely by the pure-Python reader below
            pass
    positions: Positions = {}
    try:
        # The reader checks for unprintable characters (NUL, BEL…) already in the constructor.
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise PipelineError(
            f"invalid YAML: character #x{exc.character:04x} is not allowed ({exc.reason})",
            file=file,
            line=line,
            column=column,
            hint="remove control characters; use plain UTF-8 text",
        ) from None
    try:
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and loader.construct_object(node) is None):
            raise PipelineError(
                "the file is empty", file=file, line=1, column=1, hint="start with 'name:', 'description:' and 'steps:'"
            )
        data = _convert(loader, node, (), positions, set())
    except PipelineError as exc:
        exc.file = file
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise PipelineError(
            f"invalid YAML: {problem}", file=file, line=line, column=column, hint=_yaml_hint(problem)
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError, TypeError) as exc:
        raise PipelineError(f"invalid YAML: {exc}", file=file, line=1, column=1) from None
    finally:
        loader.dispose()
    return data, positions


def _line_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _yaml_hint(problem: str) -> str:
    if "'\\t'" in problem:
        return "indent with spaces: YAML does not allow tabs there"
    if "tag" in problem:
        return "custom and python tags (!!python/…, !foo) are not allowed; use plain values"
    if "expected a single document" in problem or "but found another document" in problem:
        return "keep one pipeline per file (remove the extra '---')"
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ' (e.g. question: \"Hora: {{ h }}\")"
    return "check the indentation and quoting around this position"


def _read_fast(text: str) -> tuple[Any, Positions]:
    """Valid documents through libyaml; any problem raises, and the caller re-reads for the exact message."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ValueError("empty")
        positions: Positions = {}
        data = _convert(loader, node, (), positions, set())
        if data is None:
            raise ValueError("empty")
        return data, positions
    finally:
        loader.dispose()
