"""Writes keyed on what they are: an order or a return is written once per side-effect key, and a key met again
asks for the very same content, or it is an error naming both (never the first result returned silently)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from errors import ConflictError, ToolError

__all__ = ["MAX_KEY_LENGTH", "check_key", "claim", "claimed", "of_run", "same_or_conflict"]

MAX_KEY_LENGTH = 200


def check_key(key: Any, what: str) -> str:
    """The side-effect key of a write, or a ToolError when there is none or it is too long."""
    if not isinstance(key, str) or not key.strip():
        raise ToolError(f"{what} needs an idempotency key (the step's side-effect key); none was given")
    if len(key) > MAX_KEY_LENGTH:
        raise ToolError(f"the idempotency key is longer than {MAX_KEY_LENGTH} characters")
    return key


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


def _show(content: Mapping[str, Any]) -> str:
    lines = content.get("lines") or {}
    return ", ".join(f"{quantity} × {sku}" for sku, quantity in lines.items()) or "no lines"
