"""Opening the run database: SQLAlchemy engines, LangGraph checkpointers, outages told apart, older tables upgraded."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from langgraph.checkpoint.base import BaseCheckpointSaver
from psycopg_pool import PoolTimeout
from sqlalchemy import Table, create_engine, event, inspect
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sql_engine(url: str) -> SqlEngine:
    """A SQLAlchemy engine; SQLite files get WAL mode and their folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_checkpointer(url: str) -> tuple[BaseCheckpointSaver, Callable[[], None]]:
    """A persistent checkpointer for `url` (SQLite file or PostgreSQL) and a function closing it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "memory":
        # `memory://`: nothing survives the process (the negative control of the kill -9 tests).
        from langgraph.checkpoint.memory import InMemorySaver

        return InMemorySaver(), lambda: None
    if parsed.get_backend_name() == "sqlite":
        from langgraph.checkpoint.sqlite import SqliteSaver

        path = parsed.database or ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: Flask serves requests on several threads; SqliteSaver locks internally.
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        saver = SqliteSaver(conn)
        saver.setup()
        return saver, conn.close
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    # check: a connection left broken by a restarted server is replaced before use (as SQLAlchemy's pre-ping)
    pool = ConnectionPool(
        conninfo,
        open=True,
        max_size=8,
        check=ConnectionPool.check_connection,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    saver = PostgresSaver(pool)  # type: ignore[arg-type]
    saver.setup()
    return saver, pool.close


def database_unreachable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says a database could not be reached or dropped the connection: a
    moment's outage, not a fault of the run."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OperationalError | InterfaceError | psycopg.OperationalError | PoolTimeout):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False


def add_missing_columns(engine: SqlEngine, table: Table) -> None:
    """Add the columns of `table` that its database table lacks (made by an older version), with their defaults."""
    present = {column["name"] for column in inspect(engine).get_columns(table.name)}
    with engine.begin() as conn:
        for column in table.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=engine.dialect)
                default = column.default.arg if column.default is not None else None
                tail = f" NOT NULL DEFAULT {int(default)}" if isinstance(default, int) else ""
                conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{tail}')
