"""The inbox: every chat message stored, in order of arrival, before it is processed, with the reply it got.

A message is a row of `inbox` in the run database: its conversation (a chat session), the client's message id
(unique in the conversation), its text, a sequence number (the row id: the order of arrival across processes),
its state and, once answered, the reply. While a message is processed its row says `running` and records the run
it was for (its id, steps and messages then): a row found `running` by the next turn is a turn that died, and
what it recorded tells whether its effect landed (graphs/chat/delivery.py). One turn of a conversation runs at a time:
its holder keeps a lease on the conversation's row of `conversation_turns`, renewed while the process lives.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import IntegrityError

from errors import ConflictError
from graphs.store.databases import add_missing_columns
from graphs.store.leases import LeaseKeeper

MESSAGE_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
UNANSWERED = ("pending", "running")

_meta = MetaData()
inbox_table = Table(
    "inbox",
    _meta,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("conversation", String(80), nullable=False, index=True),
    Column("message_id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("state", String(16), nullable=False),  # pending | running | answered | refused
    Column("attempts", Integer, nullable=False, default=0),  # times it began to be processed
    Column("run_id", String(64)),  # the run the message was for, recorded when it began to be processed
    Column("run_steps", Integer),
    Column("run_messages", Integer),
    Column("reply", Text),  # the reply as JSON, once answered
    Column("created_at", Float, nullable=False),
    Column("answered_at", Float),
    UniqueConstraint("conversation", "message_id", name="uq_inbox_message"),
)
turns_table = Table(
    "conversation_turns",
    _meta,
    Column("conversation", String(80), primary_key=True),
    Column("lease", String(32)),
    Column("lease_until", Float),
)


@dataclass(frozen=True)
class Entry:
    """One stored message."""

    seq: int
    conversation: str
    message_id: str
    text: str
    state: str
    attempts: int = 0
    run_id: str | None = None
    run_steps: int | None = None
    run_messages: int | None = None
    reply: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: Any) -> Entry:
        """The entry of an `inbox` row."""
        values = dict(row._mapping)
        reply = json.loads(values["reply"]) if values.get("reply") else None
        fields = {k: values[k] for k in cls.__dataclass_fields__ if k != "reply"}
        return cls(**fields, reply=reply)


def new_message_id() -> str:
    """A message id for a client that sent none (such a message cannot be resent, but is stored and ordered)."""
    return "srv-" + secrets.token_urlsafe(12)


class Inbox:
    """Stored messages per conversation, and the one turn at a time each conversation runs."""

    def __init__(self, engine: SqlEngine, leases: LeaseKeeper) -> None:
        self.engine, self.leases = engine, leases
        _meta.create_all(engine)
        add_missing_columns(engine, inbox_table)

    def receive(self, conversation: str, message_id: str, text: str) -> Entry:
        """Store a message (state `pending`), or return the one stored under that id; the same id with another
        text is a ConflictError naming both."""
        try:
            with self.engine.begin() as conn:
                seq = conn.execute(
                    insert(inbox_table).values(
                        conversation=conversation,
                        message_id=message_id,
                        text=text,
                        state="pending",
                        attempts=0,
                        created_at=time.time(),
                    )
                ).inserted_primary_key[0]
        except IntegrityError:
            stored = self._find(conversation, message_id)
            if stored is None:  # pragma: no cover - a unique violation names a row that exists
                raise
            if stored.text != text:
                raise ConflictError(
                    f"message id {message_id!r} was already used for another message ({stored.text[:60]!r}, not "
                    f"{text[:60]!r}); send a new message with a new id",
                    details={"message_id": message_id},
                    reason="message_id_reused",
                ) from None
            return stored
        entry = self.get(int(seq))
        assert entry is not None
        return entry

    def get(self, seq: int) -> Entry | None:
        """The entry of sequence number `seq`."""
        with self.engine.connect() as conn:
            row = conn.execute(select(inbox_table).where(inbox_table.c.seq == seq)).first()
        return Entry.of(row) if row is not None else None

    def _find(self, conversation: str, message_id: str) -> Entry | None:
        where = and_(inbox_table.c.conversation == conversation, inbox_table.c.message_id == message_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(inbox_table).where(where)).first()
        return Entry.of(row) if row is not None else None

    def unanswered(self, conversation: str, up_to: int) -> list[Entry]:
        """The conversation's messages not yet answered, up to sequence number `up_to`, oldest first."""
        where = and_(
            inbox_table.c.conversation == conversation,
            inbox_table.c.seq <= up_to,
            inbox_table.c.state.in_(UNANSWERED),
        )
        with self.engine.connect() as conn:
            rows = conn.execute(select(inbox_table).where(where).order_by(inbox_table.c.seq)).all()
        return [Entry.of(row) for row in rows]

    def begin(self, seq: int, run_id: str | None, steps: int | None, messages: int | None) -> bool:
        """The message is being processed, for run `run_id` as it was then (its steps and messages said); False
        when it was refused meanwhile (its sender stopped waiting), and is then not to be processed."""
        values = {"state": "running", "run_id": run_id, "run_steps": steps, "run_messages": messages}
        values["attempts"] = inbox_table.c.attempts + 1
        where = and_(inbox_table.c.seq == seq, inbox_table.c.state.in_(UNANSWERED))
        with self.engine.begin() as conn:
            return conn.execute(update(inbox_table).where(where).values(**values)).rowcount == 1

    def answer(self, seq: int, reply: dict[str, Any]) -> None:
        """Store the reply the message got."""
        values = {"state": "answered", "reply": json.dumps(reply, ensure_ascii=False), "answered_at": time.time()}
        with self.engine.begin() as conn:
            conn.execute(update(inbox_table).where(inbox_table.c.seq == seq).values(**values))

    def refuse(self, seq: int, *, state: str = "pending") -> bool:
        """Give up on a message in `state` (by default: one nobody has begun to process, which waited too long):
        True if it was in that state; a resend with the same id queues it again."""
        where = and_(inbox_table.c.seq == seq, inbox_table.c.state == state)
        with self.engine.begin() as conn:
            return conn.execute(update(inbox_table).where(where).values(state="refused")).rowcount == 1

    def requeue(self, seq: int) -> None:
        """A refused message sent again waits for its turn again."""
        where = and_(inbox_table.c.seq == seq, inbox_table.c.state == "refused")
        with self.engine.begin() as conn:
            conn.execute(update(inbox_table).where(where).values(state="pending"))

    def take_turn(self, conversation: str) -> str | None:
        """The conversation's turn (a lease token, renewed while this process lives), or None while another
        live turn holds it."""
        token = secrets.token_hex(8)
        try:
            with self.engine.begin() as conn:
                row = {"conversation": conversation, "lease": token, "lease_until": self.leases.until()}
                conn.execute(insert(turns_table).values(**row))
        except IntegrityError:  # the conversation had turns before: take its row if the lease is free
            return self.leases.take(turns_table, "conversation", conversation)
        self.leases.hold(turns_table, "conversation", conversation, token)
        return token

    def give_back(self, conversation: str, token: str) -> None:
        """End the turn."""
        self.leases.give_back(turns_table, "conversation", conversation, token)

    def prune(self, before: float) -> int:
        """Delete the answered and refused messages stored before `before` (a resend of one is then a new message);
        how many were deleted."""
        where = and_(inbox_table.c.created_at < before, inbox_table.c.state.not_in(UNANSWERED))
        with self.engine.begin() as conn:
            return int(conn.execute(inbox_table.delete().where(where)).rowcount or 0)
