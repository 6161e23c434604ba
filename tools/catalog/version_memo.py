"""Values derived from the catalog, kept per catalog version and re-checked at most once a second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

RECHECK_SECONDS = 1.0  # how stale another process's catalog change may look here; this process's clears at once


class VersionMemo:
    """key -> (catalog version, value, when the version was read): `build()` runs again when the version moved."""

    def __init__(self, read_version: Callable[[], int]) -> None:
        self._read_version = read_version
        self._items: dict[str, tuple[int, Any, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        """The value of `key` for the current catalog version."""
        now = time.monotonic()
        cached = self._items.get(key)
        if cached is not None and now - cached[2] < RECHECK_SECONDS:
            return cached[1]
        version = self._read_version()
        value = cached[1] if cached is not None and cached[0] == version else build()
        with self._lock:
            self._items[key] = (version, value, now)
        return value

    def clear(self) -> None:
        """Forget every value (the catalog changed in this process)."""
        with self._lock:
            self._items.clear()
