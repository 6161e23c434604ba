"""Checkpoint bytes a turn writes on SqliteSaver: blob sizes of the rows of `checkpoints` and `writes` it adds."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

_ROWS = {
    "checkpoints": "SELECT checkpoint_ns, checkpoint_id, '', 0, "
    "coalesce(length(checkpoint), 0) + coalesce(length(metadata), 0) FROM checkpoints WHERE thread_id = ?",
    "writes": "SELECT checkpoint_ns, checkpoint_id, task_id, idx, coalesce(length(value), 0) "
    "FROM writes WHERE thread_id = ?",
}


def thread_rows(conn: sqlite3.Connection, thread_id: str) -> dict[tuple[Any, ...], int]:
    """Every checkpoint and pending-write row of a thread (by table and key) with its blob bytes."""
    rows: dict[tuple[Any, ...], int] = {}
    for table, query in _ROWS.items():
        for ns, checkpoint, task, idx, size in conn.execute(query, (thread_id,)):
            rows[(table, ns, checkpoint, task, idx)] = int(size)
    return rows


def bytes_added(before: dict[tuple[Any, ...], int], after: dict[tuple[Any, ...], int]) -> int:
    """Blob bytes of the rows that are new in `after`, or were rewritten with another size."""
    return sum(size for key, size in after.items() if before.get(key) != size)


def bytes_written(conn: sqlite3.Connection, thread_id: str, turn: Callable[[], Any]) -> int:
    """Run `turn` and return the checkpoint blob bytes it wrote for `thread_id`."""
    before = thread_rows(conn, thread_id)
    turn()
    return bytes_added(before, thread_rows(conn, thread_id))


def checkpoint_count(conn: sqlite3.Connection, thread_id: str) -> int:
    """How many checkpoints a thread has (with durability "sync", one per superstep)."""
    return int(conn.execute("SELECT count(*) FROM checkpoints WHERE thread_id = ?", (thread_id,)).fetchone()[0])
