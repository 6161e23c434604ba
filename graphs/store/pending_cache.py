"""The state and question a run paused on, as its last turn left them: read without a checkpoint read."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

SIZE = 2000


class PendingCache:
    """Run id -> (the run row's `updated_at` when it paused, state values, pending question), least recent out.

    An entry is used only while the run row still carries the same `updated_at`, so a turn taken by another
    process (or anything else that touched the run) makes it stale and the checkpoint is read instead."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[float, dict[str, Any], dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, run_id: str, stamp: float, values: dict[str, Any], pending: dict[str, Any]) -> None:
        """Remember where a run paused, under the `updated_at` its status write stored."""
        with self._lock:
            self._items[run_id] = (stamp, values, pending)
            self._items.move_to_end(run_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def forget(self, run_id: str) -> None:
        """Drop what is known of a run (its checkpoint is about to change outside a turn)."""
        with self._lock:
            self._items.pop(run_id, None)

    def get(self, run_id: str, stamp: float) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(values, pending question) if the run is still as it paused, else None."""
        with self._lock:
            found = self._items.get(run_id)
        if found is None or found[0] != stamp:
            return None
        return found[1], found[2]
