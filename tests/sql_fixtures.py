"""Fixtures for the business database on SQLite (tmp_path) and PostgreSQL (a throw-away schema per test).

PostgreSQL tests skip with the reason when no server answers; with CI=true they fail instead.
`TEST_POSTGRES_URL` overrides the server (default: database `test` on 127.0.0.1:5432, user postgres).
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from tools.catalog.sql import SqlService

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _conninfo() -> str:
    """The libpq connection string of POSTGRES_URL."""
    return sa.make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def postgres_unavailable() -> str | None:
    """Why the PostgreSQL test server cannot be used, or None when it answers."""
    try:
        with psycopg.connect(_conninfo(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {sa.make_url(POSTGRES_URL).render_as_string()} does not answer: {exc}".strip()
    return None


def require_postgres() -> None:
    """Skip the test when PostgreSQL is down; fail it instead when running in CI (CI=true)."""
    reason = postgres_unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI requires the PostgreSQL tests to run: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def _postgres_schema() -> Iterator[str]:
    """A URL of PostgreSQL database `test` whose search_path is a fresh schema, dropped on exit."""
    require_postgres()
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")  # a random hex name we made: safe to format
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_conninfo(), autocommit=True) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of PostgreSQL database `test` whose search_path is a fresh schema, dropped afterwards."""
    with _postgres_schema() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL, once per backend: a SQLite file in tmp_path, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sql_service(sql_url: str) -> Iterator[SqlService]:
    """A SqlService with its tables created and no data."""
    service = SqlService(sql_url)
    service.create_schema()
    yield service
    service.dispose()


@pytest.fixture
def demo_sql(sql_service: SqlService) -> SqlService:
    """A SqlService seeded with the demo catalog."""
    sql_service.seed_demo()
    return sql_service


@pytest.fixture(scope="session", params=BACKENDS)
def shared_demo_sql(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlService]:
    """One seeded SqlService per backend for the whole session: only for tests that never write."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('shared_sql') / 'app.db'}"
        else:
            url = stack.enter_context(_postgres_schema())
        service = SqlService(url)
        stack.callback(service.dispose)
        service.ensure_ready()
        yield service
