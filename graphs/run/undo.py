"""Undo: a waiting run goes back to where it was before its last answer or correction, from its checkpoint history,
and asks that question again — never past a written order or return.

LangGraph keeps every checkpoint of a thread, each with its parent. The question asked before the last answer is
the nearest ancestor of the current checkpoint that waits at a question with fewer steps behind it; running the
graph from that checkpoint (`invoke(None, config + checkpoint_id)`) forks the thread there: the question's node runs
again and asks it, and the fork is the thread's head. Each undo walks back from the head, so several undos go
further back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphs.compile.step_context import PATH, steps_done
from pipelines.schema import ToolStep

if TYPE_CHECKING:
    from graphs.run.runner import Runner

__all__ = ["UndoPlan", "plan_undo"]

MAX_ANCESTORS = 1000  # a run's history is bounded by its steps; walking back never goes further than this


@dataclass
class UndoPlan:
    """Where an undo goes: the checkpoint to run from (None: nothing to undo) and, when a step that wrote business
    data lies in between, that step instead."""

    checkpoint: dict[str, Any] | None
    messages: int = 0
    written: str | None = None


def _wrote(runner: Runner, step_id: str, values: dict[str, Any]) -> bool:
    """Whether the step is a tool that writes business data and its result says it wrote (no error)."""
    try:
        step = runner.config.step(step_id)
    except KeyError:
        return False
    if not isinstance(step, ToolStep):
        return False
    tool = runner.config.tools.get(step.tool)
    if tool is None or not runner.engine.registry.get(tool.kind).writes:
        return False
    saved = values.get(step.save_as) if step.save_as else None
    return not (isinstance(saved, dict) and saved.get("error"))


def plan_undo(runner: Runner, config: dict[str, Any]) -> UndoPlan:
    """Where undoing the last answer of the run at `config` (its thread) goes."""
    current = runner.graph.get_state(config)
    done = len(current.values.get(PATH) or [])
    snapshot = current
    for _ in range(MAX_ANCESTORS):
        if snapshot.parent_config is None:
            return UndoPlan(None)
        snapshot = runner.graph.get_state(snapshot.parent_config)
        path = snapshot.values.get(PATH) or []
        if snapshot.interrupts and len(path) < done:
            break
    else:
        return UndoPlan(None)
    between = steps_done(runner.config, (current.values.get(PATH) or [])[len(path) :])
    for step_id in between:
        if _wrote(runner, step_id, current.values):
            return UndoPlan(None, written=step_id)
    messages = len(snapshot.values.get("__messages__") or [])
    return UndoPlan(snapshot.config, messages=messages)
