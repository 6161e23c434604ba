"""A run as a conversation: what the user said and how it was read, what each turn ran, said and asked, and the
slot values after it — from the run's checkpoint history and its conversation events, in the order they happened."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from graphs.compile.step_context import PATH, steps_done
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
    said, the question it asks, the slot values after it."""
    history = list(runner.graph.get_state_history(runner.run_config(run_id, owner), limit=MAX_TURNS))
    turns, path_seen, said_seen = [], 0, 0
    for snapshot in reversed(history):
        values = dict(snapshot.values or {})
        path = steps_done(runner.config, values.get(PATH))
        messages = [str(m) for m in values.get("__messages__") or []]
        if len(path) == path_seen and len(messages) == said_seen and not snapshot.interrupts:
            continue  # the input checkpoint of a turn: nothing ran yet
        ask = (snapshot.interrupts[0].value or {}) if snapshot.interrupts else {}
        turns.append(
            {
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
        )
        path_seen, said_seen = len(path), len(messages)
    return turns


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
