"""Conversation events: one row per thing that happened in a run (started, asked, read, repaired, ended), written
in the transaction of the run-table update it goes with, for insights and coverage."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine as SqlEngine

__all__ = [
    "EVENT_KINDS",
    "Event",
    "collecting",
    "create_events_table",
    "delete_events",
    "events_of",
    "events_table",
    "note",
    "taken",
    "write_events",
]

# started → asked → read (the reader's command and confidence) → repaired (cancel, correct, digress, help, choose,
# keep) → completed | cancelled | failed. «abandoned» is not an event: a run waiting longer than a setting.
EVENT_KINDS = ("started", "asked", "read", "repaired", "completed", "cancelled", "failed")
MAX_TEXT = 500  # a message kept with its reading: enough to see why it was unclear, never a whole paste

_meta = MetaData()
events_table = Table(
    "events",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("pipeline", String(64), nullable=False, index=True),
    Column("version", String(32), nullable=False),
    Column("session", String(200)),
    Column("kind", String(16), nullable=False),
    Column("step", String(128)),
    Column("command", String(32)),
    Column("confidence", Float),
    Column("text", Text),
    Column("detail", Text),  # JSON: the slot corrected, the edit made, the error code, …
    Column("at", Float, nullable=False, index=True),
)


@dataclass
class Event:
    """One event of a run, before it is written."""

    run_id: str
    pipeline: str
    version: str
    session: str | None
    kind: str
    step: str | None = None
    command: str | None = None
    confidence: float | None = None
    text: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    def row(self) -> dict[str, Any]:
        """The event as a row of the events table."""
        return {
            "run_id": self.run_id,
            "pipeline": self.pipeline,
            "version": self.version,
            "session": self.session,
            "kind": self.kind,
            "step": self.step,
            "command": self.command,
            "confidence": None if self.confidence is None else round(float(self.confidence), 4),
            "text": None if self.text is None else self.text[:MAX_TEXT],
            "detail": json.dumps(self.detail, ensure_ascii=False, default=str) if self.detail else None,
            "at": self.at,
        }


def create_events_table(engine: SqlEngine) -> None:
    """Create the events table if it is missing."""
    _meta.create_all(engine)


def write_events(conn: Connection, events: list[Event]) -> None:
    """Insert events within the caller's transaction (the run-table update they go with)."""
    if events:
        conn.execute(insert(events_table), [event.row() for event in events])


def delete_events(conn: Connection, run_ids: list[str]) -> None:
    """Delete the events of these runs within the caller's transaction (runs pruned)."""
    if run_ids:
        conn.execute(delete(events_table).where(events_table.c.run_id.in_(run_ids)))


def events_of(engine: SqlEngine, run_id: str) -> list[dict[str, Any]]:
    """The events of one run, oldest first, with `detail` parsed."""
    query = select(events_table).where(events_table.c.run_id == run_id).order_by(events_table.c.id)
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    return rows


# The events noted while one chat message is handled (its reading, the repair applied), waiting for the run-table
# write of the turn they belong to; what no turn wrote (help, «no lo cancelo») is written when the message ends.
_noted: ContextVar[list[Event] | None] = ContextVar("noted_events", default=None)


def note(event: Event) -> None:
    """Keep an event for the next run-table write of this message (dropped when nothing is collecting)."""
    noted = _noted.get()
    if noted is not None:
        noted.append(event)


def taken(run_id: str) -> list[Event]:
    """The noted events of `run_id`, removed from the collector: the caller writes them."""
    noted = _noted.get()
    if not noted:
        return []
    mine = [event for event in noted if event.run_id == run_id]
    noted[:] = [event for event in noted if event.run_id != run_id]
    return mine


@contextlib.contextmanager
def collecting(engine: SqlEngine) -> Iterator[None]:
    """Collect the events noted inside; the ones no run-table write took are written on the way out (a message
    that raised changed nothing, so what it noted is dropped)."""
    if _noted.get() is not None:  # nested (a digression's turn inside a message): the outer collector writes
        yield
        return
    token = _noted.set([])
    try:
        yield
        left = list(_noted.get() or [])
    finally:
        _noted.reset(token)
    if left:
        with engine.begin() as conn:
            write_events(conn, left)
