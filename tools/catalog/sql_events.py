"""Catalog change notifications of the SqlService: who listens, and calling them after a committed change."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypedDict

log = logging.getLogger(__name__)


class CatalogChange(TypedDict):
    """What a catalog listener receives after a committed change."""

    version: int
    action: str  # "seeded" | "reset" | "added" | "activated" | "deactivated" | "aliases"
    skus: list[str]


CatalogListener = Callable[[CatalogChange], None]


class CatalogListeners:
    """The listeners of one process, thread-safe."""

    def __init__(self) -> None:
        self._listeners: list[CatalogListener] = []
        self._lock = threading.Lock()

    def add(self, listener: CatalogListener) -> Callable[[], None]:
        """Register `listener`; returns a function that unregisters it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def notify(self, version: int, action: str, skus: list[str]) -> None:
        """Call every listener with the change; one failing listener never hides it from the others."""
        with self._lock:
            listeners = list(self._listeners)
        change: CatalogChange = {"version": version, "action": action, "skus": skus}
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # the change is committed already
                log.exception("catalog listener %r failed", listener)
