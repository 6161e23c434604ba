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
from datetime import datetime
from typing import TYPE_CHECKING, Any

from errors import InputError, NotFoundError
from graphs.compile.step_context import PATH, steps_done
from graphs.result import RunResult
from graphs.run.sub_history import (
    COPIED,
    Level,
    child_level,
    copy_checkpoint,
    copy_history,
    earlier_question,
    last_question,
    levels,
    namespace_config,
    path_of,
    put_back,
)
from graphs.store.run_table import new_run_id
from pipelines.schema import PipelineConfig, PipelineStep, ToolStep

if TYPE_CHECKING:
    from langgraph.checkpoint.base import CheckpointTuple

    from graphs.run.runner import Runner

__all__ = ["UndoPlan", "fork_run", "plan_undo"]


@dataclass
class UndoPlan:
    """Where an undo goes: the checkpoint to run from (None: nothing to undo) and, when a step that wrote business
    data lies in between, that step instead."""

    checkpoint: dict[str, Any] | None
    messages: int = 0
    written: str | None = None


def _writes(runner: Runner, config: PipelineConfig, step_id: str, values: dict[str, Any]) -> bool:
    """Whether the step wrote business data: a tool that writes whose result says it wrote (no error), or a
    sub-pipeline with such a tool (its own path is not kept: counted as written)."""
    try:
        step = config.step(step_id)
    except KeyError:
        return False
    if isinstance(step, PipelineStep):
        child = runner.engine.config(step.pipeline)
        return any(_writes(runner, child, inner.id, {}) for inner in child.steps)
    if not isinstance(step, ToolStep):
        return False
    tool = config.tools.get(step.tool)
    if tool is None or not runner.engine.registry.get(tool.kind).writes:
        return False
    saved = values.get(step.save_as) if step.save_as else None
    return not (isinstance(saved, dict) and saved.get("error"))


def _written(runner: Runner, level: Level, earlier: CheckpointTuple) -> str | None:
    """The first step between checkpoint `earlier` and the level's newest one that wrote business data, if any."""
    values = level.head.checkpoint["channel_values"]
    between = steps_done(level.config, path_of(level.head)[len(path_of(earlier)) :])
    return next((step_id for step_id in between if _writes(runner, level.config, step_id, values)), None)


def _messages(found: CheckpointTuple) -> int:
    """How many messages the run had said at a checkpoint."""
    return len(found.checkpoint["channel_values"].get("__messages__") or [])


def _undone_since(chain: list[Level], since: float | None) -> bool:
    """Whether an undo already put a checkpoint back (an in-place copy, the newest of the run or of a sub-pipeline)
    after the run's row was last written: that undo's turn died before its row; sent again, it is finished."""
    if since is None:
        return False
    return any(
        level.head.metadata.get("source") == "fork"
        and level.head.metadata.get(COPIED) is False
        and datetime.fromisoformat(level.head.checkpoint["ts"]).timestamp() > since
        for level in chain
    )


def plan_undo(runner: Runner, config: dict[str, Any], *, since: float | None = None) -> UndoPlan:
    """Where undoing the last answer of the run at `config` (its thread) goes: the earlier question of the
    sub-pipeline it waits in if that has one (that checkpoint becomes the sub-pipeline's newest again, and the run
    goes on from its own newest one), else the run's own earlier question. `since`: when the run's row was last
    written (an undo that put checkpoints back after it died before writing the row)."""
    thread_id = config["configurable"]["thread_id"]
    saver = runner.engine.checkpointer
    chain = levels(runner.engine, runner.config, thread_id)
    if not chain:
        return UndoPlan(None)
    top = chain[0]
    if put_back(chain) or _undone_since(chain, since):  # an undo died: this one finishes it, not going further
        return UndoPlan(namespace_config(thread_id), messages=_messages(top.head))
    for level in reversed(chain):
        earlier = earlier_question(saver, level.head)
        if earlier is None:
            continue
        written = _written(runner, level, earlier)
        if written is not None:
            return UndoPlan(None, written=written)
        if level is top:
            into = _into_child(runner, top, earlier, config)
            return UndoPlan(into or earlier.config, messages=_messages(earlier))
        copy_checkpoint(saver, earlier, level.head.config)
        _into_inner(runner, config, Level(level.namespace, earlier, level.config), level.namespace)
        # run from the newest checkpoint, not addressed by id: LangGraph would take that for time travel and
        # replay each sub-pipeline from its input instead of resuming it where it was put back
        return UndoPlan(namespace_config(thread_id), messages=_messages(top.head))
    return UndoPlan(None)


def _into_child(runner: Runner, top: Level, earlier: CheckpointTuple, config: dict[str, Any]) -> dict[str, Any] | None:
    """When the run's earlier question was a sub-pipeline's: a copy of that checkpoint as the run's newest, with
    the sub-pipeline's history up to its last question as its namespace's (run from there, the sub-pipeline asks
    it again instead of starting over); the config to run from, None when the earlier question was the run's own."""
    saver = runner.engine.checkpointer
    thread_id = top.head.config["configurable"]["thread_id"]
    child = child_level(runner.engine, saver, thread_id, Level("", earlier, top.config))
    asked = last_question(saver, thread_id, child.namespace) if child is not None else None
    if child is None or asked is None:
        return None
    forked = copy_checkpoint(saver, earlier, top.head.config)
    step_id = child.namespace.split(":", 1)[0]
    task = next((task for task in runner.graph.get_state(forked).tasks if task.name == step_id), None)
    if task is not None:
        namespace = f"{step_id}:{task.id}"
        copy_history(saver, asked, thread_id, namespace)
        _into_inner(runner, config, Level(child.namespace, asked, child.config), namespace)
    return namespace_config(thread_id)


def _into_inner(runner: Runner, config: dict[str, Any], was: Level, namespace: str) -> None:
    """Put each sub-pipeline further down, that the one copied into `namespace` waited in (`was`), back at its last
    question too. Its namespace is named after a task of a copy, known only once it runs: the run goes as far as
    that sub-pipeline's first question, then its history is copied after what that made."""
    saver = runner.engine.checkpointer
    thread_id = config["configurable"]["thread_id"]
    while (inner := child_level(runner.engine, saver, thread_id, was)) is not None:
        asked = last_question(saver, thread_id, inner.namespace)
        head = saver.get_tuple(namespace_config(thread_id, namespace))
        if asked is None or head is None:
            return
        runner.advance(config)
        head = saver.get_tuple(namespace_config(thread_id, namespace)) or head
        now = child_level(runner.engine, saver, thread_id, Level(namespace, head, was.config))
        if now is None:
            return
        copy_history(saver, asked, thread_id, now.namespace, keep_ids=False)
        was, namespace = Level(inner.namespace, asked, inner.config), now.namespace


def _copy_run(runner: Runner, source: dict[str, Any], thread_id: str) -> None:
    """Copy the checkpoint at `source` (with its pending question) as the head of thread `thread_id`, and with it
    the last question of each sub-pipeline it waits in, under the same namespaces (the ids are kept, so are the
    tasks' ids the namespaces are named after)."""
    saver = runner.engine.checkpointer
    found = saver.get_tuple(source)
    if found is None:
        raise KeyError(source["configurable"].get("checkpoint_id"))
    copy_checkpoint(saver, found, namespace_config(thread_id), keep_id=True, copied=True)
    level = Level("", found, runner.config)
    origin = source["configurable"]["thread_id"]
    while (child := child_level(runner.engine, saver, origin, level)) is not None:
        asked = last_question(saver, origin, child.namespace)
        if asked is None:
            return
        copy_history(saver, asked, thread_id, child.namespace)
        level = Level(child.namespace, asked, child.config)


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
        _copy_run(runner, source, new_id)
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
