"""Run one call in several threads released at once, for races against the database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(count: int, call: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Call `call(i)` for i in range(count), each in its own thread, all starting together; (results, errors)."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results.append(call(index))
        except BaseException as exc:  # collected for the test to assert on
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return results, errors
