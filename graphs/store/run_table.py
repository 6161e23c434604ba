"""The run table (pipeline, version, owner, status, lease of every run) and the other tables of the run database."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import IntegrityError

from graphs.store.databases import add_missing_columns
from graphs.store.events import Event, create_events_table, write_events
from graphs.store.leases import LeaseKeeper

_meta = MetaData()
runs_table = Table(
    "runs",
    _meta,
    Column("run_id", String(64), primary_key=True),
    Column("pipeline", String(64), nullable=False),
    Column("version", String(32), nullable=False),
    Column("owner", String(200), index=True),
    Column("status", String(16), nullable=False),
    Column("error_code", String(64)),
    Column("error_message", Text),
    Column("lease", String(64)),
    Column("lease_until", Float),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("messages", Integer, nullable=False, default=0),  # messages said so far: a turn shows only new ones
    # Steps run so far (the length of the checkpoint's path) when the row was last written: a checkpoint that is
    # further on was written by a turn that died before writing this row.
    Column("steps", Integer, nullable=False, default=0),
)
versions_table = Table(
    "pipeline_versions",
    _meta,
    Column("name", String(64), primary_key=True),
    Column("version", String(32), primary_key=True),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

pending_table = Table(
    "chat_pending",
    _meta,
    Column("owner", String(200), primary_key=True),
    Column("command", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)


def new_run_id() -> str:
    """An unguessable run id: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class RunStore:
    """Which pipeline version and owner each run has, its status, and a lease so one turn runs at a time."""

    def __init__(self, engine: SqlEngine, lease_seconds: float = 15.0) -> None:
        self.engine, self.lease_seconds = engine, lease_seconds
        self.leases = LeaseKeeper(engine, lease_seconds)
        self._kept: set[tuple[str, str]] = set()
        _meta.create_all(engine)
        create_events_table(engine)
        add_missing_columns(engine, runs_table)

    def create(
        self, run_id: str, pipeline: str, version: str, owner: str | None, events: list[Event] | None = None
    ) -> tuple[str | None, bool]:
        """Record a new run (status `running`, with its `events`) holding its lease: (the lease token, True). A run
        of that id whose first turn died (still `running`, its lease run out) is taken over: (token, False); a run
        of that id in any other state: (None, False)."""
        now, token = time.time(), secrets.token_hex(8)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(runs_table).values(
                        run_id=run_id,
                        pipeline=pipeline,
                        version=version,
                        owner=owner,
                        status="running",
                        created_at=now,
                        updated_at=now,
                        lease=token,
                        lease_until=self.leases.until(),
                    )
                )
                write_events(conn, events or [])
        except IntegrityError:
            return self.acquire(run_id, status="running"), False
        self.leases.hold(runs_table, "run_id", run_id, token)
        return token, True

    def get(self, run_id: str) -> dict[str, Any] | None:
        """The run's row as a dict, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(runs_table).where(runs_table.c.run_id == run_id)).mappings().first()
        return dict(row) if row else None

    def set_status(
        self,
        run_id: str,
        status: str,
        error: dict[str, str] | None = None,
        messages: int | None = None,
        release: str | None = None,
        steps: int | None = None,
        events: list[Event] | None = None,
    ) -> float:
        """Store the run's status (and error when failed, how many messages it has said and steps it has run)
        with the `events` of the turn, in one transaction; returns the `updated_at` written.

        With `release`, the lease held under that token is given back in the same write (one commit a turn).
        """
        stamp = time.time()
        values: dict[str, Any] = {
            "status": status,
            "updated_at": stamp,
            "error_code": None,
            "error_message": None,
        }
        if messages is not None:
            values["messages"] = messages
        if steps is not None:
            values["steps"] = steps
        if error:
            values.update(error_code=error["code"], error_message=error["message"])
        where = runs_table.c.run_id == run_id
        if release is not None:
            values.update(lease=None, lease_until=None)
            where = and_(where, runs_table.c.lease == release)
        if release is not None:  # never renewed again, even if this write fails: a lease outlives no failed turn
            self.leases.drop(release)
        with self.engine.begin() as conn:
            written = conn.execute(update(runs_table).where(where).values(**values)).rowcount
            if written:  # a turn whose lease was taken over writes nothing, not even its events
                write_events(conn, events or [])
        return stamp

    def acquire(self, run_id: str, *, status: str | None = None, updated_at: float | None = None) -> str | None:
        """Take the run's lease for one turn; None when another turn holds it (in any process), or when the run
        is no longer in the `status` / at the `updated_at` the caller saw."""
        seen = [runs_table.c.status == status] if status is not None else []
        if updated_at is not None:
            seen.append(runs_table.c.updated_at == updated_at)
        return self.leases.take(runs_table, "run_id", run_id, *seen)

    def release(self, run_id: str, token: str) -> None:
        """Give the lease back."""
        self.leases.give_back(runs_table, "run_id", run_id, token)

    def runs_of(self, owner: str) -> list[dict[str, Any]]:
        """Every run of an owner (a chat session), oldest first."""
        query = select(runs_table).where(runs_table.c.owner == owner).order_by(runs_table.c.created_at)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def waiting_for(self, owner: str) -> dict[str, Any] | None:
        """The most recent waiting run of an owner (a chat session), or None."""
        query = (
            select(runs_table)
            .where(and_(runs_table.c.owner == owner, runs_table.c.status == "waiting"))
            .order_by(runs_table.c.updated_at.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def set_pending(self, owner: str, command: str | None) -> None:
        """Remember (or forget, with None) a chat command waiting for the user to confirm it."""
        with self.engine.begin() as conn:
            conn.execute(pending_table.delete().where(pending_table.c.owner == owner))
            if command is not None:
                conn.execute(insert(pending_table).values(owner=owner, command=command, created_at=time.time()))

    def pending(self, owner: str) -> str | None:
        """The command an owner was asked to confirm, if any."""
        with self.engine.connect() as conn:
            return conn.execute(select(pending_table.c.command).where(pending_table.c.owner == owner)).scalar()

    def save_version(self, name: str, version: str, text: str) -> None:
        """Keep the text of a pipeline version so runs started on it can always resume on it."""
        if (name, version) in self._kept:
            return
        self._kept.add((name, version))
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(versions_table).values(name=name, version=version, text=text, created_at=time.time())
                )
        except IntegrityError:
            pass  # that version is already kept

    def version_text(self, name: str, version: str) -> str | None:
        """The saved text of a pipeline version, or None."""
        query = select(versions_table.c.text).where(
            and_(versions_table.c.name == name, versions_table.c.version == version)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()
