"""One chat turn of alta_pedido through the Flask test client vs a bare 5-node LangGraph graph on SqliteSaver."""

from __future__ import annotations

import itertools
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, TypedDict

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

TURNS = 200
TURNS_PER_RUN = 40  # the confirmation step allows 100 visits; start a fresh order well before that


class _State(TypedDict, total=False):
    n: int


def _bare_graph(path: Path) -> Any:
    builder = StateGraph(_State)
    names = [f"n{i}" for i in range(5)]
    for name in names:
        builder.add_node(name, lambda state: {"n": state.get("n", 0) + 1})
    builder.add_edge(START, names[0])
    for left, right in itertools.pairwise(names):
        builder.add_edge(left, right)
    builder.add_edge(names[-1], END)
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return builder.compile(checkpointer=SqliteSaver(conn))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> dict[str, Any]:
    """Measure and print p50/p99 of one chat turn and of the bare graph; returns the figures."""
    from app import create_app
    from config import Config

    folder = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    app = create_app(Config(DATA_DIR=folder / "data", SECRET_KEY="bench"))
    client = app.test_client()
    bare = _bare_graph(folder / "bare.db")

    def start() -> str:
        message = '!run alta_pedido cliente="ACME S.A." productos="3 teclado mecánico, 2 grapadoras"'
        body = client.post("/chat", json={"message": message}).get_json()
        assert body["status"] == "waiting", body
        return body["session_id"]

    chat_ms, bare_ms = [], []
    session = start()
    for turn in range(TURNS + 20):
        if turn and turn % TURNS_PER_RUN == 0:
            client.post("/chat", json={"message": "!cancel", "session_id": session})
            session = start()
        message = f"cambia la grapadora a {2 + turn % 5}"
        began = time.perf_counter_ns()
        body = client.post("/chat", json={"message": message, "session_id": session}).get_json()
        chat = (time.perf_counter_ns() - began) / 1e6
        assert body["status"] == "waiting", body
        began = time.perf_counter_ns()
        bare.invoke({"n": 0}, {"configurable": {"thread_id": f"t{turn}"}}, durability="exit")
        reference = (time.perf_counter_ns() - began) / 1e6
        if turn >= 20:  # warm-up
            chat_ms.append(chat)
            bare_ms.append(reference)
    result = {
        "chat_turn_p50_ms": round(statistics.median(chat_ms), 2),
        "chat_turn_p99_ms": round(_percentile(chat_ms, 0.99), 2),
        "bare_5_nodes_p50_ms": round(statistics.median(bare_ms), 2),
        "bare_5_nodes_p99_ms": round(_percentile(bare_ms, 0.99), 2),
    }
    result["ratio_p50"] = round(result["chat_turn_p50_ms"] / result["bare_5_nodes_p50_ms"], 2)
    print("chat turn of alta_pedido (edit at the confirmation) vs bare 5-node LangGraph on SqliteSaver")
    for key, value in result.items():
        print(f"  {key:22} {value}")
    app.extensions["t7"].engine.close()
    return result


if __name__ == "__main__":
    main()
