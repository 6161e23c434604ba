"""Writes keyed on what they are: an order or a return is written once per side-effect key, and a key met again
asks for the very same content, or it is an error naming both (never the first result returned silently)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from errors import ConflictError, ToolError
from tools.catalog.sql_schema import SQLITE_IMMEDIATE
from tools.registry import ToolContext

__all__ = [
    "MAX_KEY_LENGTH",
    "check_key",
    "claim",
    "claimed",
    "of_run",
    "run_key",
    "same_or_conflict",
    "write_once",
]

MAX_KEY_LENGTH = 200


def check_key(key: Any, what: str) -> str:
    """The side-effect key of a write, or a ToolError when there is none or it is too long."""
    if not isinstance(key, str) or not key.strip():
        raise ToolError(f"{what} needs an idempotency key (the step's side-effect key); none was given")
    if len(key) > MAX_KEY_LENGTH:
        raise ToolError(f"the idempotency key is longer than {MAX_KEY_LENGTH} characters")
    return key


def run_key(ctx: ToolContext, tool: str) -> str:
    """The side-effect key a writing tool is called with, or a ToolError when it runs outside a pipeline run."""
    if not ctx.effect_key:
        raise ToolError(
            f"step '{ctx.step}': {tool} runs only inside a pipeline run (no run id to key it on)", step=ctx.step
        )
    return ctx.effect_key


def claimed(conn: sa.Connection, table: sa.Table, key: str) -> int | None:
    """The id of the row written under `key`, if any."""
    found = conn.execute(sa.select(table.c.id).where(table.c.idempotency_key == key)).scalar()
    return None if found is None else int(found)


def claim(conn: sa.Connection, table: sa.Table, key: str, values: Mapping[str, Any]) -> int | None:
    """Insert the header row unless the key is taken: the new id, or None when another write holds the key."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = (
        dialect_insert(table)
        .values(**values, idempotency_key=key)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    found = conn.execute(statement).scalar()
    return None if found is None else int(found)


def of_run(conn: sa.Connection, table: sa.Table, run_id: str) -> list[int]:
    """Ids of the rows a run wrote (keys start with its thread id), oldest first."""
    column = table.c.idempotency_key
    query = (
        sa.select(table.c.id)
        .where(sa.or_(column == run_id, column.startswith(f"{run_id}:", autoescape=True),
                      column.startswith(f"{run_id}/", autoescape=True)))
        .order_by(table.c.id)
    )  # fmt: skip
    return [int(found) for found in conn.execute(query).scalars()]


def same_or_conflict(
    what: str, key: str, written_id: int, written: Mapping[str, Any], wanted: Mapping[str, Any]
) -> None:
    """Nothing when a key met again asks for what was written under it; a ConflictError naming both otherwise."""
    if dict(written) == dict(wanted):
        return
    raise ConflictError(
        f"this step already wrote {what} {written_id} ({_show(written)}) and now asks for {_show(wanted)}; "
        "nothing more was written",
        details={"key": key, "id": written_id, "written": dict(written), "asked": dict(wanted)},
        reason="key_reused",
    )


def write_once(
    conn: sa.Connection,
    table: sa.Table,
    what: str,
    key: str,
    wanted: Mapping[str, Any],
    *,
    written: Callable[[sa.Connection, int], Mapping[str, Any]],
    write: Callable[[sa.Connection], int | None],
) -> int:
    """The id of the row written under `key`: the one found there (asking for `wanted` too, else a ConflictError),
    or the one `write` claims and fills in one transaction (None from it: another write took the key first).

    `written` reads back what a row holds, to compare with `wanted`."""
    existing = claimed(conn, table, key)
    if existing is not None:
        same_or_conflict(what, key, existing, written(conn, existing), wanted)
    conn.rollback()
    if existing is not None:
        return existing
    conn.execution_options(**{SQLITE_IMMEDIATE: True})
    with conn.begin():
        row_id = write(conn)
    if row_id is None:  # another transaction wrote this key first: the same content, or a conflict
        row_id = claimed(conn, table, key)
        if row_id is not None:
            same_or_conflict(what, key, row_id, written(conn, row_id), wanted)
        conn.rollback()
    if row_id is None:
        raise ToolError(f"the {what} under this key disappeared while being written; try again")
    return row_id


def _show(content: Mapping[str, Any]) -> str:
    lines = content.get("lines") or {}
    return ", ".join(f"{quantity} × {sku}" for sku, quantity in lines.items()) or "no lines"
