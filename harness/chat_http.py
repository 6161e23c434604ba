"""Talking to a served app over real HTTP, and reading back what it wrote (orders, checkpoint chains)."""

from __future__ import annotations

import http.client
import json
from collections import Counter
from typing import Any

import sqlalchemy as sa


class HttpFailure(Exception):
    """The server closed the connection or refused it before answering (e.g. it was killed)."""


def post_chat(
    port: int, session_id: str, message: str, timeout: float = 120.0, message_id: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST /chat on 127.0.0.1:`port` (with the client's `message_id` if given); the HTTP status and the JSON body
    (empty for a non-JSON one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        fields = {"message": message, "session_id": session_id}
        body = json.dumps({**fields, "message_id": message_id} if message_id else fields)
        conn.request("POST", "/chat", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as exc:
        raise HttpFailure(f"{type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, {}


def _rows(url: str, query: sa.TextClause) -> list[Any]:
    """Every row `query` returns on the database at `url` (a connection of its own, closed after)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query).all())
    finally:
        engine.dispose()


def orders_by_run(database_url: str) -> dict[str, dict[str, Any]]:
    """Every order written, by the run that wrote it (its side-effect key starts with the run id): the customer's
    name and product name -> quantity."""
    query = sa.text(
        "SELECT o.idempotency_key, c.name, l.product_name, l.quantity FROM orders o "
        "JOIN customers c ON c.id = o.customer_id JOIN order_lines l ON l.order_id = o.id"
    )
    rows = _rows(database_url, query)
    orders: dict[str, dict[str, Any]] = {}
    for key, customer, product, quantity in rows:
        order = orders.setdefault(str(key).split(":", 1)[0], {"customer": customer, "lines": {}})
        order["lines"][product] = order["lines"].get(product, 0) + int(quantity)
    return orders


def forked_threads(checkpoint_url: str) -> dict[str, str]:
    """Threads whose LangGraph checkpoint history is not one chain: thread id -> what is wrong."""
    query = sa.text("SELECT thread_id, checkpoint_id, parent_checkpoint_id FROM checkpoints WHERE checkpoint_ns = ''")
    rows = _rows(checkpoint_url, query)
    by_thread: dict[str, list[tuple[str, str | None]]] = {}
    for thread, checkpoint, parent in rows:
        by_thread.setdefault(thread, []).append((checkpoint, parent))
    problems = {}
    for thread, links in by_thread.items():
        ids = {checkpoint for checkpoint, _ in links}
        roots = [c for c, parent in links if parent is None or parent not in ids]
        children = Counter(parent for _, parent in links if parent is not None)
        forks = [parent for parent, count in children.items() if count > 1]
        if len(roots) != 1 or forks:
            problems[thread] = f"{len(roots)} roots, forks at {forks}"
    return problems


def get_json(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """GET `path` on 127.0.0.1:`port`; the HTTP status and the JSON body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()
