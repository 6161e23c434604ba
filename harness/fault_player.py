"""Play dialog files against one app process that gets SIGKILLed at random moments, restarting it each time.

Every message carries an id, and a message whose reply was lost is sent again with that id, as the chat page does:
the server's inbox answers it once however often it comes (graphs/store/inbox.py), finishing a turn that died first.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from config import PROJECT_DIR
from harness.chat_http import HttpFailure, orders_by_run, post_chat
from harness.processes import ServerProcess

CONTRACT_DIALOGS = sorted((PROJECT_DIR / "tests" / "dialogs" / "contract").glob("0[1-9]_*.yaml"))
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

    def __init__(self, server: FaultyServer, rng: random.Random, kill_chance: float, kill_window: float) -> None:
        self.server, self.rng = server, rng
        self.kill_chance, self.kill_window = kill_chance, kill_window
        self.log: dict[str, list[str]] = {}

    def _send(self, session: str, message: str, message_id: str, armed: bool) -> tuple[int, dict[str, Any] | None]:
        timer = threading.Timer(self.rng.uniform(0, self.kill_window), self.server.kill) if armed else None
        if timer:
            timer.start()
        try:
            status, body = post_chat(self.server.port, session, message, message_id=message_id)
        except HttpFailure:
            status, body = 0, None
        finally:
            if timer:
                timer.join()  # a kill that lands after the reply is a crash between turns: as good a moment
        self.server.ensure_up()
        assert status < 500 or status == 0, body  # a 5xx is a defect, not a fault
        return status, body

    def deliver(self, session: str, message: str) -> dict[str, Any]:
        """Send one message until its reply comes, always with the same id; the reply."""
        message_id = f"m-{self.rng.getrandbits(64):016x}"
        armed = self.rng.random() < self.kill_chance
        for attempt in range(BUSY_RETRIES):
            kills = self.server.kills
            status, body = self._send(session, message, message_id, armed and attempt == 0)
            note = "killed" if self.server.kills > kills else ""
            shown = {k: body.get(k) for k in ("status", "run_id", "reply")} if status == 200 and body else status
            self.log.setdefault(session, []).append(f"{message!r} -> {shown} {note}")
            if status == 200 and body is not None:
                return body
            time.sleep(0.25)  # lost with the killed process, or queued behind the dead turn's lease: again
        raise AssertionError(f"«{message}» never got through in session {session}")

    def play(self, session: str, dialog: Mapping[str, Any]) -> None:
        """Play every user message of `dialog` in `session`."""
        for turn in dialog["turns"]:
            self.deliver(session, str(turn["user"]))


def session_orders(checkpoint_url: str, data_url: str, session: str) -> list[dict[str, Any]]:
    """The orders written by the runs of one chat session."""
    engine = sa.create_engine(checkpoint_url)
    with engine.connect() as conn:
        query = sa.text("SELECT run_id FROM runs WHERE owner = :owner")
        runs = {row[0] for row in conn.execute(query, {"owner": f"chat:{session}"})}
    engine.dispose()
    return [order for run_id, order in orders_by_run(data_url).items() if run_id in runs]
