"""The checkpoint history of a run's sub-pipelines, for undo and forks.

A `kind: pipeline` step invokes its child graph inside the parent's node, so the child's checkpoints live in the
parent's thread under a namespace of their own, `<step id>:<task id>` (joined with `|` one level further down), as
LangGraph names a subgraph's namespace. While the child waits at a question the parent stays at one checkpoint, so
the parent's history alone cannot go back to the child's earlier questions: these functions find the namespace of
the sub-pipeline a run waits in, walk its history, and put an earlier checkpoint of it back as its newest one —
LangGraph resumes a namespace from its newest checkpoint when the parent runs its node again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple, create_checkpoint

from graphs.compile.step_context import PATH
from pipelines.schema import PipelineConfig, PipelineStep

if TYPE_CHECKING:
    from graphs.run.engine import Engine

__all__ = [
    "COPIED",
    "MAX_ANCESTORS",
    "Level",
    "ancestors",
    "asking_tasks",
    "child_level",
    "copy_checkpoint",
    "copy_history",
    "earlier_question",
    "last_question",
    "levels",
    "namespace_config",
    "path_of",
    "put_back",
    "question_of",
]

MAX_ANCESTORS = 1000  # a run's history is bounded by its steps; walking back never goes further than this
COPIED = "copied"  # metadata of a checkpoint copied as history (told at its own turn), with its pending question
INTERRUPT_WRITES = "__interrupt__"  # the pending-write channel where LangGraph keeps a task's interrupt
ORIGIN = "copied_from"  # metadata of a copied checkpoint: the namespace of the checkpoint it is a copy of


@dataclass(frozen=True)
class Level:
    """One pipeline a waiting run is inside: its checkpoint namespace, newest checkpoint there and pipeline."""

    namespace: str
    head: CheckpointTuple
    config: PipelineConfig


def namespace_config(thread_id: str, namespace: str = "", checkpoint_id: str | None = None) -> dict[str, Any]:
    """The config that addresses a thread's namespace (its newest checkpoint, or `checkpoint_id`)."""
    configurable = {"thread_id": thread_id, "checkpoint_ns": namespace}
    if checkpoint_id is not None:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def asking_tasks(found: CheckpointTuple) -> list[str]:
    """The ids of the tasks of a checkpoint that wait at a question (an interrupt among its pending writes)."""
    return [task_id for task_id, channel, _ in found.pending_writes or [] if channel == INTERRUPT_WRITES]


def question_of(found: CheckpointTuple) -> dict[str, Any]:
    """The question a checkpoint waits at, as the ask step raised it (empty when it asks nothing)."""
    for _, channel, value in found.pending_writes or []:
        if channel == INTERRUPT_WRITES and value:
            return dict(getattr(value[0], "value", None) or {})
    return {}


def path_of(found: CheckpointTuple) -> list[Any]:
    """The steps a checkpoint's pipeline had taken."""
    return list(found.checkpoint["channel_values"].get(PATH) or [])


def child_level(engine: Engine, saver: BaseCheckpointSaver, thread_id: str, level: Level) -> Level | None:
    """The sub-pipeline `level` waits in, if its question is a child's (with that namespace's newest checkpoint)."""
    asking = asking_tasks(level.head)
    # a copy's questions kept from before it was copied belong to sub-pipelines under the namespace it came from
    origin = level.head.metadata.get(ORIGIN)
    prefixes = [level.namespace, *([origin] if isinstance(origin, str) and origin != level.namespace else [])]
    for prefix in prefixes:
        for step in level.config.steps:
            if not isinstance(step, PipelineStep):
                continue
            for task_id in asking:
                segment = f"{step.id}:{task_id}"
                namespace = f"{prefix}|{segment}" if prefix else segment
                head = saver.get_tuple(namespace_config(thread_id, namespace))
                if head is not None:
                    return Level(namespace, head, engine.config(step.pipeline))
    return None


def levels(engine: Engine, config: PipelineConfig, thread_id: str) -> list[Level]:
    """The pipelines a waiting run is inside, from the run's own down to the sub-pipeline whose question waits."""
    saver = engine.checkpointer
    head = saver.get_tuple(namespace_config(thread_id))
    if head is None:
        return []
    chain = [Level("", head, config)]
    while len(chain) < MAX_ANCESTORS and (child := child_level(engine, saver, thread_id, chain[-1])) is not None:
        chain.append(child)
    return chain


def put_back(chain: list[Level]) -> bool:
    """Whether the sub-pipeline a run waits in was put back at an earlier question by an undo whose turn never ran:
    its newest checkpoint asks nothing yet (the run's own still holds the question undone)."""
    return len(chain) > 1 and not asking_tasks(chain[-1].head)


def ancestors(saver: BaseCheckpointSaver, found: CheckpointTuple) -> Iterator[CheckpointTuple]:
    """The checkpoints before `found` in its namespace, nearest first."""
    for _ in range(MAX_ANCESTORS):
        if found.parent_config is None:
            return
        parent = saver.get_tuple(found.parent_config)
        if parent is None:
            return
        yield parent
        found = parent


def earlier_question(saver: BaseCheckpointSaver, head: CheckpointTuple) -> CheckpointTuple | None:
    """The nearest checkpoint before `head` in its namespace that waits at a question with fewer steps behind it."""
    done = len(path_of(head))
    earlier = (found for found in ancestors(saver, head) if asking_tasks(found) and len(path_of(found)) < done)
    return next(earlier, None)


def last_question(saver: BaseCheckpointSaver, thread_id: str, namespace: str) -> CheckpointTuple | None:
    """The newest checkpoint of a namespace that waits at a question: where a sub-pipeline last asked."""
    return next((found for found in saver.list(namespace_config(thread_id, namespace)) if asking_tasks(found)), None)


def copy_checkpoint(
    saver: BaseCheckpointSaver,
    found: CheckpointTuple,
    target: dict[str, Any],
    *,
    keep_id: bool = False,
    copied: bool = False,
) -> dict[str, Any]:
    """Save a copy of `found` as the newest checkpoint of the namespace `target` addresses, after the checkpoint
    `target` names if any; the copy's config. In the same namespace the copy needs an id of its own (the newest
    checkpoint is the one with the greatest id): run, it asks its question again. In another namespace or thread
    it may keep its id, so its tasks keep theirs (and so do its sub-pipelines' namespaces). `copied`: a copy of
    history, told at its own turn — its pending question goes with it (kept by task id, as the walks back read it)
    and it is marked so."""
    step = found.metadata.get("step", -1)
    step = step if isinstance(step, int) else -1
    checkpoint = found.checkpoint if keep_id else create_checkpoint(found.checkpoint, None, step)
    metadata = {key: value for key, value in found.metadata.items() if key != ORIGIN}
    metadata.update({"source": "fork", COPIED: copied})
    if copied:
        metadata[ORIGIN] = found.metadata.get(ORIGIN, found.config["configurable"].get("checkpoint_ns", ""))
    saved = saver.put(target, checkpoint, metadata, found.checkpoint["channel_versions"])
    if not copied:
        return saved
    by_task: dict[str, list[tuple[str, Any]]] = {}
    for task_id, channel, value in found.pending_writes or []:
        by_task.setdefault(task_id, []).append((channel, value))
    for task_id, writes in by_task.items():
        saver.put_writes(saved, writes, task_id)
    return saved


def copy_history(
    saver: BaseCheckpointSaver, found: CheckpointTuple, thread_id: str, namespace: str, *, keep_ids: bool = True
) -> None:
    """Copy `found` and the checkpoints before it, with their pending questions, into a thread's namespace: a
    sub-pipeline put back at a question keeps its earlier questions to go back to. Ids are kept unless the
    namespace has newer checkpoints the copies must come after."""
    chain = [found, *ancestors(saver, found)]
    parent: str | None = None
    for each in reversed(chain):
        target = namespace_config(thread_id, namespace, parent)
        saved = copy_checkpoint(saver, each, target, keep_id=keep_ids, copied=True)
        parent = saved["configurable"]["checkpoint_id"]
