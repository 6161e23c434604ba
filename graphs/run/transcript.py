"""A run as a conversation: what the user said and how it was read, what each turn ran, said and asked, and the
slot values after it — from the run's checkpoint history and its conversation events, in the order they happened."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from graphs.compile.step_context import PATH, steps_done
from graphs.run.sub_history import COPIED, Level, ancestors, asking_tasks, child_level, path_of, question_of
from graphs.store.events import events_of

if TYPE_CHECKING:
    from graphs.run.runner import Runner

__all__ = ["transcript"]

MAX_TURNS = 500  # a run's history is bounded by its steps; a page never shows more than this


def _stamp(iso: str | None) -> float:
    return datetime.fromisoformat(iso).timestamp() if iso else 0.0


def _slots(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if not key.startswith("__")}


def _turns(runner: Runner, run_id: str, owner: str | None) -> list[dict[str, Any]]:
    """One entry per checkpoint that ended a turn (or applied a repair), oldest first: the steps it ran, what it
    said, the question it asks, the slot values after it; a checkpoint the run waited at while a sub-pipeline asked
    gives one entry per question the sub-pipeline asked there."""
    history = list(runner.graph.get_state_history(runner.run_config(run_id, owner), limit=MAX_TURNS))
    turns, path_seen, said_seen = [], 0, 0
    for snapshot in reversed(history):
        values = dict(snapshot.values or {})
        path = steps_done(runner.config, values.get(PATH))
        messages = [str(m) for m in values.get("__messages__") or []]
        if len(path) == path_seen and len(messages) == said_seen and not snapshot.interrupts:
            continue  # the input checkpoint of a turn: nothing ran yet
        ask = (snapshot.interrupts[0].value or {}) if snapshot.interrupts else {}
        turn = {
            "type": "turn",
            "at": _stamp(snapshot.created_at),
            "steps": path[path_seen:],
            "said": messages[said_seen:],
            "question": ask.get("question"),
            "options": list(ask.get("options") or []),
            "step": ask.get("step"),
            "values": _slots(values),
            "checkpoint_id": snapshot.config["configurable"].get("checkpoint_id") if ask else None,
        }
        turns.extend(_asked_inside(runner, run_id, snapshot.config, turn) if ask else [turn])
        path_seen, said_seen = len(path), len(messages)
    return turns


def _asked_inside(runner: Runner, run_id: str, config: dict[str, Any], turn: dict[str, Any]) -> list[dict[str, Any]]:
    """The turn of a checkpoint whose question a sub-pipeline asks, as one entry per question that sub-pipeline
    asked while the run waited there (the steps and values are the sub-pipeline's after the first); a fork is
    offered at the last one, the one the checkpoint keeps."""
    saver = runner.engine.checkpointer
    found = saver.get_tuple(config)
    child = child_level(runner.engine, saver, run_id, Level("", found, runner.config)) if found else None
    if child is None:
        return [turn]
    # the older checkpoints an undo or a fork copied along were told at their own turn
    chain = [child.head, *ancestors(saver, child.head)]
    asked = [each for each in chain if asking_tasks(each) and not each.metadata.get(COPIED)][::-1]
    entries, seen = [], 0
    for index, each in enumerate(asked[:MAX_TURNS]):
        ask, path = question_of(each), steps_done(child.config, path_of(each))
        entries.append(
            {
                **turn,
                "at": _stamp(each.checkpoint.get("ts")),
                "steps": turn["steps"] + path[seen:] if index == 0 else path[seen:],
                "said": turn["said"] if index == 0 else [],
                "question": ask.get("question"),
                "options": list(ask.get("options") or []),
                "step": ask.get("step"),
                "values": {**turn["values"], **_slots(each.checkpoint["channel_values"])},
                "checkpoint_id": turn["checkpoint_id"] if index == len(asked) - 1 else None,
            }
        )
        seen = len(path)
    return entries or [turn]


def _told(runner: Runner, run_id: str) -> list[dict[str, Any]]:
    """The run's events as transcript entries: its start, the messages read, the repairs, its end."""
    entries = []
    for event in events_of(runner.engine.runs.engine, run_id):
        kind, detail = event["kind"], event["detail"]
        if kind == "started":
            start = {"type": "start", "at": event["at"], "args": detail.get("args") or {}}
            entries.append({**start, "forked_from": detail.get("forked_from")})
        elif kind == "read":
            entries.append(
                {
                    "type": "user",
                    "at": event["at"],
                    "text": event["text"],
                    "command": event["command"],
                    "confidence": event["confidence"],
                    "step": event["step"],
                }
            )
        elif kind == "repaired":
            entries.append({"type": "repair", "at": event["at"], "command": event["command"], "detail": detail})
        elif kind in ("completed", "cancelled", "failed"):
            entries.append({"type": "end", "at": event["at"], "status": kind})
    return entries


def transcript(runner: Runner, run_id: str, owner: str | None) -> dict[str, Any]:
    """The run of `runner`'s pipeline as a conversation (the caller checked `owner` may read it)."""
    row = runner.engine.runs.get(run_id) or {}
    entries = _told(runner, run_id) + _turns(runner, run_id, row.get("owner"))
    order = {"start": 0, "user": 1, "repair": 2, "turn": 3, "end": 4}  # same instant: the cause first
    entries.sort(key=lambda entry: (entry["at"], order[entry["type"]]))
    result = runner.status(run_id)
    return {
        "run_id": run_id,
        "pipeline": runner.name,
        "version": runner.version,
        "status": result.status,
        "output": result.output,
        "entries": entries,
    }
