"""One chat turn of alta_pedido through the Flask test client vs a bare 5-node LangGraph graph on SqliteSaver.

Both are timed interleaved (the order rotates every round) after warm-up rounds; the reference uses the runner's
own durability, so the ratio is what the YAML layer, the chat and Flask add to the smallest hand-made graph.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, TypedDict

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from app import create_app
from bench import measure, print_table, ratio, scaled, summary
from config import Config
from graphs.run.runner import DURABILITY

TURNS = 200
WARMUP = 20
TURNS_PER_RUN = 40  # the confirmation step allows 100 visits; start a fresh order well before that
ORDER = '!run alta_pedido cliente="ACME S.A." productos="3 teclado mecánico, 2 grapadoras"'


class _State(TypedDict, total=False):
    n: int


def _step(state: _State) -> _State:
    return {"n": state.get("n", 0) + 1}


def bare_graph(path: Path) -> Any:
    """The reference: five plain nodes in a row on SqliteSaver (WAL), compiled once."""
    builder = StateGraph(_State)
    names = [f"n{i}" for i in range(5)]
    for name in names:
        builder.add_node(name, _step)
    builder.add_edge(START, names[0])
    for left, right in itertools.pairwise(names):
        builder.add_edge(left, right)
    builder.add_edge(names[-1], END)
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return builder.compile(checkpointer=SqliteSaver(conn))


def main() -> dict[str, Any]:
    """Measure and print p50/p99 of one chat turn and of the bare graph, interleaved; returns the figures."""
    folder = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    app = create_app(Config(DATA_DIR=folder / "data", SECRET_KEY="bench", LOG_LEVEL="WARNING"))
    client = app.test_client()
    bare = bare_graph(folder / "bare.db")
    threads = itertools.count()
    state: dict[str, Any] = {"session": None, "turns": TURNS_PER_RUN}

    def fresh_order() -> None:
        """Untimed: a new waiting order once the current one has taken TURNS_PER_RUN edits."""
        if state["turns"] < TURNS_PER_RUN:
            return
        if state["session"] is not None:
            client.post("/chat", json={"message": "!cancel", "session_id": state["session"]})
        body = client.post("/chat", json={"message": ORDER}).get_json()
        assert body["status"] == "waiting", body
        state["session"], state["turns"] = body["session_id"], 0

    def chat_turn() -> None:
        message = f"cambia la grapadora a {2 + state['turns'] % 5}"
        state["turns"] += 1
        body = client.post("/chat", json={"message": message, "session_id": state["session"]}).get_json()
        assert body["status"] == "waiting", body

    def reference() -> None:
        bare.invoke({"n": 0}, {"configurable": {"thread_id": f"t{next(threads)}"}}, durability=DURABILITY)

    try:
        samples = measure(
            {"chat turn": lambda _: chat_turn(), "bare 5-node graph": lambda _: reference()},
            runs=scaled(TURNS),
            warmup=scaled(WARMUP),
            setup=fresh_order,
        )
    finally:
        app.extensions["t7"].engine.close()
    chat, bare_figures = summary(samples["chat turn"]), summary(samples["bare 5-node graph"])
    figures: dict[str, Any] = {
        "durability": DURABILITY,
        "chat_turn": chat,
        "bare_5_nodes": bare_figures,
        "ratio_p50": ratio(chat, bare_figures, "p50_ms"),
        "ratio_p99": ratio(chat, bare_figures, "p99_ms"),
    }
    print_table(
        f"chat turn of alta_pedido (edit at the confirmation) vs bare 5-node LangGraph on SqliteSaver, "
        f'durability "{DURABILITY}", interleaved',
        [
            ["chat turn", chat["p50_ms"], chat["p99_ms"]],
            ["bare 5-node graph", bare_figures["p50_ms"], bare_figures["p99_ms"]],
            ["ratio", figures["ratio_p50"], figures["ratio_p99"]],
        ],
        ["case", "p50 ms", "p99 ms"],
    )
    return figures


if __name__ == "__main__":
    main()
