"""Leases that run out only when their holder is gone: a process renews the leases it holds while it holds them.

A turn holds its run's lease (and a chat message its session's) in a table row: `lease` (a token) and
`lease_until` (a time). Written once with a long time, a lease outlives a killed process by that long and blocks
the conversation meanwhile; written short and never renewed, it runs out under a slow turn (a model call) and a
second turn forks the run. So leases are short and a daemon thread of the holding process renews them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any

from sqlalchemy import Table, and_, or_, update
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)


class LeaseKeeper:
    """Renews, every third of `seconds`, the lease of each row this process holds (until it gives it back)."""

    def __init__(self, engine: SqlEngine, seconds: float) -> None:
        self.engine, self.seconds = engine, seconds
        self._held: dict[str, tuple[Table, str, str]] = {}  # token -> (table, key column, key)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def until(self) -> float:
        """When a lease taken or renewed now runs out."""
        return time.time() + self.seconds

    def take(self, table: Table, column: str, key: str, *conditions: Any) -> str | None:
        """Take the lease of the row `column == key` of `table` if it is free (and `conditions` hold): its token,
        renewed from now on; None when a live holder has it."""
        token = secrets.token_hex(8)
        free = or_(table.c.lease.is_(None), table.c.lease_until < time.time())
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(and_(table.c[column] == key, free, *conditions))
                .values(lease=token, lease_until=self.until())
            )
        if taken.rowcount != 1:
            return None
        self.hold(table, column, key, token)
        return token

    def give_back(self, table: Table, column: str, key: str, token: str) -> None:
        """Give the lease `token` of the row `column == key` back (no longer renewed, even if this write fails)."""
        self.drop(token)
        with self.engine.begin() as conn:
            where = and_(table.c[column] == key, table.c.lease == token)
            conn.execute(update(table).where(where).values(lease=None, lease_until=None))

    def hold(self, table: Table, column: str, key: str, token: str) -> None:
        """Keep renewing the lease `token` of the row `column == key` of `table`."""
        with self._lock:
            self._held[token] = (table, column, key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._renew_forever, name="lease-keeper", daemon=True)
                self._thread.start()

    def drop(self, token: str) -> None:
        """Stop renewing a lease (it was given back)."""
        with self._lock:
            self._held.pop(token, None)

    def held(self) -> int:
        """How many leases this process renews."""
        with self._lock:
            return len(self._held)

    def _renew_forever(self) -> None:
        while not self._wake.wait(self.seconds / 3):
            self.renew()

    def renew(self) -> None:
        """Push back the end of every lease held; a lease taken over meanwhile (its token gone) is left alone."""
        with self._lock:
            held = list(self._held.items())
        if not held:
            return
        until = self.until()
        try:
            with self.engine.begin() as conn:
                for token, (table, column, key) in held:
                    where = and_(table.c[column] == key, table.c.lease == token)
                    conn.execute(update(table).where(where).values(lease_until=until))
        except SQLAlchemyError:  # the database is away: the leases run out, as the holder's would if it died
            logger.warning("could not renew %d lease(s)", len(held), exc_info=True)

    def close(self) -> None:
        """Stop the renewing thread."""
        self._wake.set()
