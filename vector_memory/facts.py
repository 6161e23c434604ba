"""Session facts in SQL: the source of truth of every conversation memory, shared by all processes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

_meta = sa.MetaData()
facts_table = sa.Table(
    "memory_facts",
    _meta,
    # A new id on every write: ordering by id gives the least recently written first, and the highest id with
    # the count is a version that changes on every write or trim, whichever process made it.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(300), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("meta", sa.Text, nullable=False),
    sa.UniqueConstraint("session", "key", name="uq_memory_facts_session_key"),
)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN IMMEDIATE ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    # Taking the write lock up front: a deferred transaction that reads and then writes fails at once (no busy
    # wait) when another process wrote in between.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def facts_engine(url: str) -> Engine:
    """An engine on the business database for the facts table (SQLite files get WAL and a busy timeout)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30.0, "check_same_thread": False})
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


class SessionFacts:
    """Facts `(key, text, meta)` per session in the SQL database; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        _meta.create_all(engine)

    @classmethod
    def from_url(cls, url: str) -> SessionFacts:
        """Facts kept in the database at `url`."""
        return cls(facts_engine(url))

    @classmethod
    def in_folder(cls, folder: Path) -> SessionFacts:
        """Facts kept in a SQLite file of their own in `folder` (a VectorMemory used without an app)."""
        folder.mkdir(parents=True, exist_ok=True)
        return cls.from_url(f"sqlite:///{(folder / 'facts.db').resolve()}")

    def put(self, session: str, key: str, text: str, meta: dict[str, Any], max_items: int | None = None) -> None:
        """Write (or overwrite) one fact; beyond `max_items`, the session's oldest facts are dropped."""
        table = facts_table
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    conn.execute(table.delete().where(sa.and_(table.c.session == session, table.c.key == key)))
                    conn.execute(table.insert().values(session=session, key=key, text=text, meta=json.dumps(meta)))
                    if max_items is not None:
                        keep = (
                            sa.select(table.c.id)
                            .where(table.c.session == session)
                            .order_by(table.c.id.desc())
                            .limit(max_items)
                        )
                        conn.execute(
                            table.delete().where(
                                sa.and_(table.c.session == session, table.c.id.not_in(keep.scalar_subquery()))
                            )
                        )
                return
            except IntegrityError:
                # PostgreSQL: another process inserted the same key between our delete and insert.
                if attempt == 2:
                    raise

    def items(self, session: str) -> list[dict[str, Any]]:
        """The session's facts as vector-memory items, least recently written first."""
        query = (
            sa.select(facts_table.c.key, facts_table.c.text, facts_table.c.meta)
            .where(facts_table.c.session == session)
            .order_by(facts_table.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [{"key": key, "text": text, "meta": json.loads(meta)} for key, text, meta in rows]

    def version(self, session: str) -> str:
        """A value that changes whenever the session's facts change."""
        query = sa.select(sa.func.count(), sa.func.max(facts_table.c.id)).where(facts_table.c.session == session)
        with self.engine.connect() as conn:
            count, newest = conn.execute(query).one()
        return f"{count}:{newest or 0}"

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()
