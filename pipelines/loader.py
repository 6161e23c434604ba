"""Load a pipeline from a name, a path or YAML text into a checked PipelineConfig."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from errors import NotFoundError, PipelineError, PipelineErrors
from pipelines.checks import run_checks
from pipelines.schema import NAME_PATTERN, STEP_KINDS, PipelineConfig
from pipelines.yaml_source import read_yaml

MAX_BYTES = 64 * 1024
_NAME = re.compile(NAME_PATTERN)
_FIELD_NAMES = sorted(
    {
        "name",
        "description",
        "version",
        "inputs",
        "examples",
        "tools",
        "steps",
        "outputs",
        "id",
        "kind",
        "next",
        "max_visits",
        "tool",
        "with",
        "save_as",
        "prompt",
        "system",
        "output",
        "fallback",
        "question",
        "slot",
        "options",
        "data",
        "valid",
        "values",
        "pipeline",
        "message",
        "end",
        "status",
        "when",
        "goto",
        "type",
        "required",
        "default",
        "params",
    }
)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the discriminator tags pydantic inserts after a step index."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if i >= 2 and loc[i - 2] == "steps" and isinstance(loc[i - 1], int) and part in STEP_KINDS:
            continue
        out.append(part)
    return tuple(out)


def _explain(err: Mapping[str, Any], loc: tuple[Any, ...]) -> tuple[str, str | None]:
    kind, last = err["type"], (loc[-1] if loc else "")
    if kind == "union_tag_invalid":
        tag = str(err.get("ctx", {}).get("tag", ""))
        close = difflib.get_close_matches(tag, STEP_KINDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"valid kinds: {', '.join(STEP_KINDS)}"
        return f"unknown step kind '{tag}'", hint
    if kind == "union_tag_not_found":
        return "the step has no 'kind'", f"add 'kind:' with one of {', '.join(STEP_KINDS)}"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(last), _FIELD_NAMES, n=1)
        return f"unknown field '{last}'", (f"did you mean '{close[0]}'?" if close else "remove it")
    if kind == "missing":
        return f"missing required field '{last}'", f"add '{last}:'"
    if kind == "string_pattern_mismatch":
        return (
            f"'{err.get('input')}' is not a valid name for '{last}'",
            "use lower-case letters, digits and '_', starting with a letter (at most 64 characters)",
        )
    return f"{'.'.join(map(str, loc)) or 'pipeline'}: {err['msg']}", None


def _from_validation(
    exc: ValidationError, data: Any, positions: Mapping[tuple[Any, ...], tuple[int, int]], file: str | None
) -> list[PipelineError]:
    problems = []
    for err in exc.errors():
        loc = _clean_loc(tuple(err["loc"]))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, "kind")
        line, column = next((positions[loc[:c]] for c in range(len(loc), -1, -1) if loc[:c] in positions), (1, 1))
        message, hint = _explain(err, loc)
        step = None
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int) and isinstance(data, dict):
            steps = data.get("steps")
            if isinstance(steps, list) and loc[1] < len(steps) and isinstance(steps[loc[1]], dict):
                step = str(steps[loc[1]].get("id")) if steps[loc[1]].get("id") is not None else None
        name = data.get("name") if isinstance(data, dict) else None
        problems.append(
            PipelineError(
                message,
                file=file,
                line=line,
                column=column,
                path=".".join(map(str, loc)),
                step=step,
                hint=hint,
                pipeline=name if isinstance(name, str) else None,
            )
        )
    return problems


def collect_errors(
    text: str,
    *,
    file: str | None = None,
    tool_kinds: Mapping[str, type[BaseModel]] | None = None,
    known_pipelines: Collection[str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[PipelineConfig | None, list[PipelineError]]:
    """Parse and check YAML text; returns the config (None when it does not parse) and every problem found."""
    try:
        data, positions = read_yaml(text, file=file, max_bytes=max_bytes)
    except PipelineError as exc:
        return None, [exc]
    if not isinstance(data, dict):
        return None, [
            PipelineError(
                "a pipeline file must be a mapping",
                file=file,
                line=1,
                column=1,
                hint="start with 'name:', 'description:' and 'steps:'",
            )
        ]
    try:
        config = PipelineConfig.model_validate(data)
    except ValidationError as exc:
        return None, _from_validation(exc, data, positions, file)
    config._source_file, config._source_text, config._positions = file, text, dict(positions)
    return config, run_checks(config, tool_kinds=tool_kinds, known_pipelines=known_pipelines)


def parse_text(
    text: str,
    *,
    file: str | None = None,
    tool_kinds: Mapping[str, type[BaseModel]] | None = None,
    known_pipelines: Collection[str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> PipelineConfig:
    """Parse and check YAML text; raises PipelineErrors listing every problem."""
    config, problems = collect_errors(
        text, file=file, tool_kinds=tool_kinds, known_pipelines=known_pipelines, max_bytes=max_bytes
    )
    if problems:
        raise PipelineErrors(problems)
    assert config is not None
    return config


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a pipeline file with the size cap applied before reading it whole."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise PipelineError(f"cannot read the file: {exc.strerror}", file=str(path), line=0, column=0) from None
    if len(raw) > max_bytes:
        raise PipelineError(
            f"the file is over the limit of {max_bytes} bytes",
            file=str(path),
            line=1,
            column=1,
            hint="split it into smaller pipelines joined with 'pipeline' steps",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PipelineError(f"the file is not UTF-8 text ({exc.reason})", file=str(path), line=1, column=1) from None


def pipeline_path(name: str, pipelines_dir: Path) -> Path:
    """The file of pipeline `name` in `pipelines_dir`; the name is checked so it can never be a path."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise PipelineError(
            f"{str(name)[:80]!r} is not a valid pipeline name",
            hint="use lower-case letters, digits and '_', starting with a letter",
        )
    return pipelines_dir / f"{name}.yaml"


def load_config(
    source: str | Path | PipelineConfig,
    *,
    pipelines_dir: Path | None = None,
    tool_kinds: Mapping[str, type[BaseModel]] | None = None,
    known_pipelines: Collection[str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> PipelineConfig:
    """A checked PipelineConfig from a PipelineConfig, a pipeline name, a path to a .yaml file, or YAML text."""
    if isinstance(source, PipelineConfig):
        problems = run_checks(source, tool_kinds=tool_kinds, known_pipelines=known_pipelines)
        if problems:
            raise PipelineErrors(problems)
        return source
    if isinstance(source, str) and _NAME.fullmatch(source):
        if pipelines_dir is None:
            raise PipelineError(f"no pipelines folder to look up '{source}' in")
        path = pipeline_path(source, pipelines_dir)
        if not path.is_file():
            raise NotFoundError(
                f"no pipeline named '{source}'; run 'flask pipeline list' to see the available ones",
                details={"pipeline": source},
            )
        source = path
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml"))
    ):
        path = Path(source)
        return parse_text(
            read_text(path, max_bytes=max_bytes),
            file=str(path),
            tool_kinds=tool_kinds,
            known_pipelines=known_pipelines,
            max_bytes=max_bytes,
        )
    return parse_text(str(source), tool_kinds=tool_kinds, known_pipelines=known_pipelines, max_bytes=max_bytes)
