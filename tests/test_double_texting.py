"""Messages typed in a burst, over real HTTP, to gunicorn with several workers: each waits for its session's turn
(DOUBLE_TEXTING=enqueue) and is answered once, in order of arrival, whichever worker it reached; no turn is lost
and no checkpoint chain forks. SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from harness.chat_http import forked_threads, post_chat
from harness.fault_player import session_orders
from harness.processes import app_env, free_port, gunicorn_server, init_database

START = '!run alta_pedido cliente=Globex productos="1 grapadora"'
EDITS = {
    "añade 1 teclado mecánico": "Teclado mecánico",
    "añade 1 monitor 27 pulgadas": "Monitor 27 pulgadas",
    "añade 2 teclado inalámbrico": "Teclado inalámbrico",
}
SESSIONS = 3


def _post(port: int, session: str, message: str, message_id: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        body = json.dumps({"message": message, "session_id": session, "message_id": message_id})
        conn.request("POST", "/chat", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _arrival(checkpoint_url: str, session: str) -> list[str]:
    """The session's message ids in the order the inbox stored them."""
    engine = sa.create_engine(checkpoint_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT message_id FROM inbox WHERE conversation = :c ORDER BY seq")
            return [row[0] for row in conn.execute(query, {"c": f"chat:{session}"})]
    finally:
        engine.dispose()


def _burst(port: int, session: str) -> dict[str, tuple[int, dict[str, Any]]]:
    """The edits sent at once from as many threads: message id -> (HTTP status, body)."""
    replies: dict[str, tuple[int, dict[str, Any]]] = {}
    barrier = threading.Barrier(len(EDITS))

    def send(index: int, text: str) -> None:
        barrier.wait()
        replies[f"edit-{index}"] = _post(port, session, text, f"edit-{index}")

    threads = [threading.Thread(target=send, args=(i, text)) for i, text in enumerate(EDITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return replies


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_burst_is_answered_once_each_in_order_of_arrival_across_workers(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    env, data_url, checkpoint_url = app_env(tmp_path / "data", database)
    init_database(env, tmp_path / "init.log")
    port = free_port()
    server = gunicorn_server(port, env, tmp_path / "server.log", workers=2, threads=4).start()
    try:
        texts = list(EDITS)
        for number in range(SESSIONS):
            session = f"burst-session-{number}"
            status, started = post_chat(port, session, START)
            assert status == 200 and started["status"] == "waiting", started
            replies = _burst(port, session)
            assert sorted(replies) == [f"edit-{i}" for i in range(len(EDITS))]
            arrived = [m for m in _arrival(checkpoint_url, session) if m.startswith("edit-")]
            # each reply shows the order as the edits before it, in order of arrival, left it
            products = {"Grapadora"}
            for message_id in arrived:
                status, body = replies[message_id]
                products.add(EDITS[texts[int(message_id.split("-")[1])]])
                shown = {line["product"] for line in (body.get("data") or {}).get("lines", [])}
                assert status == 200 and body["status"] == "waiting" and shown == products, (message_id, body)
            status, done = _post(port, session, "sí", "confirm")
            assert status == 200 and done["status"] == "completed", done
            lines = {"Grapadora": 1, "Teclado mecánico": 1, "Monitor 27 pulgadas": 1, "Teclado inalámbrico": 2}
            assert session_orders(checkpoint_url, data_url, session) == [{"customer": "Globex", "lines": lines}]
        assert forked_threads(checkpoint_url) == {}
    finally:
        server.stop()
