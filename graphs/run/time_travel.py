"""Undo and forks: a waiting run goes back to where it was before its last answer or correction, from its checkpoint
history, and asks that question again — never past a written order or return; or a new run of the same session
starts as a copy of a run at one of its earlier questions («retomar desde aquí»).

LangGraph keeps every checkpoint of a thread, each with its parent. The question asked before the last answer is
the nearest ancestor of the current checkpoint that waits at a question with fewer steps behind it; running the
graph from that checkpoint (`invoke(None, config + checkpoint_id)`) forks the thread there: the question's node runs
again and asks it, and the fork is the thread's head. Each undo walks back from the head, so several undos go
further back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from errors import InputError, NotFoundError
from graphs.compile.step_context import PATH, steps_done
from graphs.result import RunResult
from graphs.store.run_table import new_run_id
from pipelines.schema import ToolStep

if TYPE_CHECKING:
    from graphs.run.runner import Runner

__all__ = ["UndoPlan", "copy_checkpoint", "fork_run", "plan_undo"]

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


def copy_checkpoint(runner: Runner, source: dict[str, Any], thread_id: str) -> dict[str, Any]:
    """Copy the checkpoint at `source` (with its pending question) as the head of thread `thread_id`; its config."""
    saver = runner.engine.checkpointer
    found = saver.get_tuple(source)
    if found is None:
        raise KeyError(source["configurable"].get("checkpoint_id"))
    target = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    metadata = {**found.metadata, "source": "fork"}
    saved = saver.put(target, found.checkpoint, metadata, found.checkpoint["channel_versions"])
    by_task: dict[str, list[tuple[str, Any]]] = {}
    for task_id, channel, value in found.pending_writes or []:
        by_task.setdefault(task_id, []).append((channel, value))
    for task_id, writes in by_task.items():
        saver.put_writes(saved, writes, task_id)
    return saved


def fork_run(runner: Runner, row: dict[str, Any], checkpoint_id: str) -> RunResult:
    """A new run of the same owner that starts as run `row` was at its question of checkpoint `checkpoint_id`;
    the run forked from, when still waiting, is cancelled (the conversation goes on in the new one)."""
    run_id, owner = row["run_id"], row["owner"]
    source = {"configurable": {"thread_id": run_id, "checkpoint_ns": "", "checkpoint_id": checkpoint_id}}
    snapshot = runner.graph.get_state(source)
    if not snapshot.values or snapshot.config["configurable"].get("checkpoint_id") != checkpoint_id:
        raise NotFoundError(f"run {run_id[:80]!r} has no checkpoint {checkpoint_id[:80]!r}")
    if not snapshot.interrupts:
        raise InputError(
            "that point of the run asks nothing: pick one of its questions",
            details={"checkpoint_id": checkpoint_id[:80]},
        )
    new_id = new_run_id()
    started = runner.event(new_id, owner, "started", detail={"forked_from": run_id, "checkpoint_id": checkpoint_id})
    token, _ = runner.engine.runs.create(new_id, runner.name, runner.version, owner, [started])
    try:
        copy_checkpoint(runner, source, new_id)
    except BaseException:
        runner.engine.runs.set_status(new_id, "failed", {"code": "fork_failed", "message": ""}, release=token)
        raise
    ask = snapshot.interrupts[0].value or {}
    asked = runner.event(new_id, owner, "asked", step=ask.get("step"), text=ask.get("question"))
    values = snapshot.values
    runner.engine.runs.set_status(
        new_id,
        "waiting",
        messages=len(values.get("__messages__") or []),
        steps=len(values.get(PATH) or []),
        release=token,
        events=[asked],
    )
    if row["status"] == "waiting":
        runner.cancel(run_id, owner=owner)
    return runner.status(new_id, owner=owner)
