"""What every semantic check shares: the error builder, "did you mean", and the graph of steps."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from errors import PipelineError
from pipelines.steps.base import END

if TYPE_CHECKING:
    from pipelines.schema import PipelineConfig

Problems = Iterator[PipelineError]


def error_at(
    config: PipelineConfig, path: tuple[Any, ...], message: str, *, step: str | None = None, hint: str | None = None
) -> PipelineError:
    """A PipelineError located at the YAML `path` of `config`."""
    line, column = config.position(path)
    path = config.authored_path(path)
    return PipelineError(
        message,
        file=config.source_file,
        line=line,
        column=column,
        path=".".join(map(str, path)),
        step=step,
        hint=hint,
        pipeline=config.name,
    )


def suggest(word: str, choices: Collection[str]) -> str | None:
    """A "did you mean" hint for the closest of `choices`, or None."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def successors(config: PipelineConfig, index: int) -> list[str]:
    """The step ids (or 'end') that may follow step `index`, in routing order."""
    step = config.steps[index]
    fallthrough = config.steps[index + 1].id if index + 1 < len(config.steps) else END
    if step.ends_run():
        return [END]
    if not step.next:
        return [fallthrough]
    targets = [branch.goto for branch in step.next]
    if all(branch.when for branch in step.next):
        targets.append(fallthrough)
    return list(dict.fromkeys(targets))


def step_edges(config: PipelineConfig) -> dict[str, list[str]]:
    """Step id -> the step ids (or 'end') that may follow it."""
    return {step.id: successors(config, i) for i, step in enumerate(config.steps)}
