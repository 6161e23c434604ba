"""Hostile chat messages (tests/data/hostile.yaml) through POST /chat: a clear reply, no echo of invisible
characters, no internals, and never an order nobody confirmed — with no run and at every question of alta_pedido."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from flask.testing import FlaskClient

DATA = Path(__file__).parent / "data" / "hostile.yaml"
MAX_MESSAGE = 2000
# alta_pedido waiting at each kind of question it asks.
QUESTIONS = {
    "customer": "!run alta_pedido",
    "products": "!run alta_pedido cliente=Globex",
    "suggestion": '!run alta_pedido cliente=Initech productos="2 tecaldo mecanico, 1 grapadora"',
    "ambiguity": '!run alta_pedido cliente=Globex productos="2 monitores"',
    "stock": '!run alta_pedido cliente=Globex productos="5 impresoras láser"',
    "confirmation": '!run alta_pedido cliente=Globex productos="2 grapadoras, 1 webcam"',
}
# Names and marks of the machinery that a chat user must never read (unless they typed them).
INTERNALS = (
    "traceback",
    "exception",
    "nonetype",
    "keyerror",
    "typeerror",
    "valueerror",
    "attributeerror",
    "jinja",
    "sqlalchemy",
    "sqlite",
    "psycopg",
    "langgraph",
    "pydantic",
    "undefined",
    "__",
    "<config",
    "secret",
    "1337",  # 7*191: a template that was evaluated
)
STATUSES = {"completed", "waiting", "cancelled", "failed", "idle"}


def _load() -> list[tuple[str, int]]:
    """(message, expected HTTP status) for every hostile message: seeds, seeds in frames, long messages."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    seeds, frames = data["seeds"], data["frames"]
    messages = [(seed, 200) for seed in seeds]
    messages += [(frames[i % len(frames)].replace("{}", seed), 200) for i, seed in enumerate(seeds)]
    for spec in data["long"]:
        text = (spec["text"] * (spec["size"] // len(spec["text"]) + 1))[: spec["size"]]
        messages.append((text, spec.get("status", 200)))
    return messages


MESSAGES = _load()


def _invisible(text: str) -> list[str]:
    """Control (but the line break), format (bidi, zero-width) and line/paragraph separator characters in `text`."""
    return [
        f"U+{ord(char):04X}" for char in text if char != "\n" and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}
    ]


def _snapshot(app: Flask) -> tuple[Any, ...]:
    """What a hostile message must never change: orders, their lines, products, stock, customers."""
    queries = (
        "SELECT count(*) FROM orders",
        "SELECT count(*) FROM order_lines",
        "SELECT count(*), sum(stock) FROM products",
        "SELECT count(*) FROM customers",
    )
    with app.extensions["services"].sql.engine.connect() as conn:
        return tuple(tuple(conn.execute(sa.text(query)).one()) for query in queries)


def _check(sent: str, response: Any, expected: int, where: str) -> dict[str, Any]:
    """Assert the reply to one hostile message is clear and clean; return its body."""
    label = f"{where}: {sent[:80]!r} ({len(sent)} characters)"
    assert response.status_code == expected, f"{label}: HTTP {response.status_code} {response.get_data(as_text=True)}"
    body = response.get_json()
    if expected != 200:
        assert set(body["error"]) >= {"code", "message"} and body["error"]["message"], label
        return body
    assert body["status"] in STATUSES, label
    assert isinstance(body["reply"], str) and body["reply"].strip(), f"{label}: empty reply"
    shown = "\n".join([body["reply"], *map(str, body["options"]), json.dumps(body["data"], ensure_ascii=False)])
    assert not _invisible(shown), f"{label}: echoes {_invisible(shown)} in {body['reply']!r}"
    leaked = [word for word in INTERNALS if word in shown.casefold() and word not in sent.casefold()]
    assert not leaked, f"{label}: shows {leaked} in {body['reply']!r}"
    return body


def test_the_corpus_is_big_and_varied() -> None:
    assert len(MESSAGES) >= 200
    assert any(len(text) == MAX_MESSAGE for text, _ in MESSAGES)
    assert any(len(text) == MAX_MESSAGE + 1 and status == 400 for text, status in MESSAGES)
    for mark in ("\0", "\u202e", "\u200b", "о", "Ｇ", "99999999999", "-5", "DROP TABLE", "{{", "{%", "<script"):
        assert any(mark in text for text, _ in MESSAGES), mark


def test_the_checks_see_what_they_look_for() -> None:
    assert _invisible("Glo\u202ebex \u200bgrapa\x00dora\u2028") == ["U+202E", "U+200B", "U+0000", "U+2028"]
    assert _invisible("Ratón «Globex»\n€ 👍🏽 ñ") == []
    assert [word for word in INTERNALS if word in "Traceback: KeyError in jinja2".casefold()]


def test_hostile_messages_with_no_run(app: Flask, client: FlaskClient) -> None:
    before = _snapshot(app)
    for text, expected in MESSAGES:
        response = client.post("/chat", json={"message": text})
        body = _check(text, response, expected, "no run")
        if expected == 200 and body["status"] == "waiting":
            # Free text may start a pipeline; the next message must find no run either.
            cancel = client.post("/chat", json={"message": "!cancel", "session_id": body["session_id"]})
            assert cancel.get_json()["status"] in {"cancelled", "idle"}
    assert _snapshot(app) == before


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_hostile_messages_at_a_waiting_question(app: Flask, client: FlaskClient, question: str) -> None:
    """Each message goes to two of the six questions (by its position), the question asked again when it still
    waits there, else a new session starts the run over."""
    before = _snapshot(app)
    turn = list(QUESTIONS).index(question)
    session, asked = None, None
    for index, (text, expected) in enumerate(MESSAGES):
        if index % 3 != turn % 3:
            continue
        if session is None:
            started = client.post("/chat", json={"message": QUESTIONS[question]}).get_json()
            assert started["status"] == "waiting", started
            session, asked = started["session_id"], (started["reply"], started["options"])
        response = client.post("/chat", json={"message": text, "session_id": session})
        body = _check(text, response, expected, f"at the {question} question")
        if expected == 200 and not (
            body["status"] == "waiting" and body["reply"].endswith(asked[0]) and body["options"] == asked[1]
        ):
            session = None
    assert _snapshot(app) == before
