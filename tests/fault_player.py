"""Play dialog files against one app process that gets SIGKILLed at random moments, restarting it each time.

A message whose reply was lost is sent again only when it was not applied: the player reads the waiting run's
progress (`run_status` steps) before sending and after the restart, as a careful client would.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.chat_http import HttpFailure, get_json, orders_by_run, post_chat
from tests.process_support import ServerProcess

CONTRACT_DIALOGS = sorted((Path(__file__).parent / "dialogs" / "contract").glob("0[1-9]_*.yaml"))
BUSY_RETRIES = 120


def expected_order(dialog: Mapping[str, Any]) -> dict[str, Any] | None:
    """The order a dialog must end with (customer and product -> quantity), or None when it writes none."""
    orders = [turn["expect"]["order"] for turn in dialog["turns"] if "order" in turn.get("expect", {})]
    return {"customer": orders[-1]["customer"], "lines": dict(orders[-1]["lines"])} if orders else None


@dataclass
class FaultyServer:
    """One app process that a timer may SIGKILL; `ensure_up` restarts it after a kill."""

    make: Callable[[], ServerProcess]
    port: int
    kills: int = 0
    process: ServerProcess | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ensure_up(self) -> None:
        """Start the process unless it is running."""
        if self.process is None or self.process.process is None or self.process.process.poll() is not None:
            self.process = self.make().start()

    def kill(self) -> None:
        """SIGKILL the process (called from a timer thread)."""
        with self._lock:
            if self.process is not None and self.process.process and self.process.process.poll() is None:
                self.process.kill()
                self.kills += 1

    def stop(self) -> None:
        """Stop the process at the end."""
        if self.process is not None:
            self.process.stop()


class FaultPlayer:
    """Plays one dialog per chat session, arming a SIGKILL at a random moment of some turns."""

    def __init__(
        self, server: FaultyServer, rng: random.Random, kill_chance: float, kill_window: float, lease_seconds: float
    ) -> None:
        self.server, self.rng, self.lease_seconds = server, rng, lease_seconds
        self.kill_chance, self.kill_window = kill_chance, kill_window
        self.log: dict[str, list[str]] = {}

    def _progress(self, session: str, run_id: str | None) -> tuple[str, int] | None:
        if run_id is None:
            return None
        status, body = get_json(self.server.port, f"/orchestrator/run_status/{run_id}", {"X-Chat-Session": session})
        assert status == 200, body
        return body["status"], len(body["steps_done"])

    def _send(self, session: str, message: str, armed: bool) -> dict[str, Any] | None:
        timer = threading.Timer(self.rng.uniform(0, self.kill_window), self.server.kill) if armed else None
        if timer:
            timer.start()
        try:
            status, body = post_chat(self.server.port, session, message)
        except HttpFailure:
            body, status = None, 0
        finally:
            if timer:
                timer.join()  # a kill that lands after the reply is a crash between turns: as good a moment
        self.server.ensure_up()
        assert status < 500 or body is None or status == 0, body  # a 5xx is a defect, not a fault
        return body if status == 200 else None

    def deliver(self, session: str, message: str, run_id: str | None) -> dict[str, Any]:
        """Send one message until it is applied exactly once; the reply (or the session's state after it).

        In these dialogs every message moves a run on, so an `idle` reply is always «still busy» (the killed
        process's lease on the run has not run out yet): the message is sent again once the run is free.
        """
        before = self._progress(session, run_id)
        armed = self.rng.random() < self.kill_chance
        for attempt in range(BUSY_RETRIES):
            kills = self.server.kills
            body = self._send(session, message, armed and attempt == 0)
            note = "killed" if self.server.kills > kills else ""
            shown = {k: body.get(k) for k in ("status", "run_id", "reply")} if body else None
            self.log.setdefault(session, []).append(f"{message!r} -> {shown} {note}")
            if body is not None and body.get("status") != "idle":
                return body
            if run_id is not None:  # lost or refused: did the run move on before the kill?
                now = self._progress(session, run_id)
                if now != before:
                    assert now is not None
                    return {"status": now[0], "run_id": run_id}
            elif body is None and self._settled_waiting(session):
                state = self._send(session, "!status", False)
                assert state is not None and state["status"] == "waiting", state
                return state
            time.sleep(0.25)
        raise AssertionError(f"«{message}» never got through in session {session}")

    def _settled_waiting(self, session: str) -> bool:
        """Whether a run of the session waits, asked until no killed process's lease hides the answer."""
        deadline = time.monotonic() + self.lease_seconds + 2
        while time.monotonic() < deadline:
            state = self._send(session, "!status", False)
            if state is not None and state.get("status") == "waiting":
                return True
            time.sleep(0.25)
        return False

    def play(self, session: str, dialog: Mapping[str, Any]) -> None:
        """Play every user message of `dialog` in `session`."""
        run_id = None
        for turn in dialog["turns"]:
            reply = self.deliver(session, str(turn["user"]), run_id)
            run_id = reply.get("run_id") if reply.get("status") == "waiting" else None


def session_orders(checkpoint_url: str, data_url: str, session: str) -> list[dict[str, Any]]:
    """The orders written by the runs of one chat session."""
    engine = sa.create_engine(checkpoint_url)
    with engine.connect() as conn:
        query = sa.text("SELECT run_id FROM runs WHERE owner = :owner")
        runs = {row[0] for row in conn.execute(query, {"owner": f"chat:{session}"})}
    engine.dispose()
    return [order for run_id, order in orders_by_run(data_url).items() if run_id in runs]
