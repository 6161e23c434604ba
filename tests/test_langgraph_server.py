"""The pipelines served by LangGraph Server (`langgraph dev`, its own virtualenv made by `make`), through the SDK."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from config import PROJECT_DIR
from graphs.compile.server_graphs import pipeline_names
from harness.processes import ServerProcess, free_port

LANGGRAPH_BIN = PROJECT_DIR / ".venv-langgraph" / "bin" / "langgraph"
CONFIG = PROJECT_DIR / "langgraph.json"


def test_langgraph_json_serves_every_pipeline_under_its_name() -> None:
    graphs = json.loads(CONFIG.read_text())["graphs"]
    assert sorted(graphs) == pipeline_names() and len(graphs) >= 5
    assert all(spec == f"./graphs/compile/server_graphs.py:{name}" for name, spec in graphs.items())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SyncLangGraphClient, Path]]:
    """`langgraph dev` on a free port, serving langgraph.json with its paths made absolute, on a tmp DATA_DIR."""
    if not LANGGRAPH_BIN.exists():
        reason = f"{LANGGRAPH_BIN} is missing: `make test` (or `make langgraph-env`) creates it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("langgraph")
    config = json.loads(CONFIG.read_text())
    config["dependencies"] = [str(PROJECT_DIR)]
    config["graphs"] = {name: str(PROJECT_DIR / spec.removeprefix("./")) for name, spec in config["graphs"].items()}
    (folder / "langgraph.json").write_text(json.dumps(config))
    port = free_port()
    data_dir = folder / "data"
    argv = [str(LANGGRAPH_BIN), "dev", "--no-browser", "--no-reload", "--port", str(port), "--host", "127.0.0.1"]
    env = {"DATA_DIR": str(data_dir), "LANGSMITH_TRACING": "false", "LANGGRAPH_CLI_NO_ANALYTICS": "1"}
    for name in ("DATABASE_URL", "CHECKPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env[name] = ""
    ready = f"http://127.0.0.1:{port}/ok"
    process = ServerProcess(argv, env=env, ready_url=ready, log=folder / "server.log", cwd=folder)
    process.start(timeout=120)
    client = get_sync_client(url=f"http://127.0.0.1:{port}")
    try:
        yield client, data_dir
    finally:
        client.close()
        process.stop()


def _interrupt(client: SyncLangGraphClient, thread_id: str) -> dict:
    interrupts = client.threads.get_state(thread_id)["interrupts"]
    assert len(interrupts) == 1, interrupts
    return interrupts[0]["value"]


def test_alta_pedido_asks_resumes_with_command_and_writes_the_order(
    server: tuple[SyncLangGraphClient, Path],
) -> None:
    client, data_dir = server
    thread = client.threads.create()
    first = {"cliente": "ACME S.A.", "productos": "3 teclado mecánico, 2 grapdora"}
    client.runs.wait(thread["thread_id"], "alta_pedido", input=first)
    asked = _interrupt(client, thread["thread_id"])
    assert "grapdora" in asked["question"] and "Grapadora" in asked["options"]

    client.runs.wait(thread["thread_id"], "alta_pedido", command={"resume": "1"})
    confirm = _interrupt(client, thread["thread_id"])
    assert confirm["options"][:2] == ["sí", "no"]
    assert {line["product"]: line["quantity"] for line in confirm["data"]["lines"]} == {
        "Teclado mecánico": 3,
        "Grapadora": 2,
    }

    final = client.runs.wait(thread["thread_id"], "alta_pedido", command={"resume": "sí"})
    output = final["output"]
    assert output["customer"] == "ACME S.A." and output["order_id"] >= 1
    assert client.threads.get_state(thread["thread_id"])["interrupts"] == []
    with sa.create_engine(f"sqlite:///{data_dir / 'app.db'}").connect() as conn:
        rows = conn.execute(sa.text("SELECT id FROM orders")).all()
    assert [row[0] for row in rows] == [output["order_id"]]


def test_a_question_is_answered_only_by_command(server: tuple[SyncLangGraphClient, Path]) -> None:
    client, _ = server
    thread = client.threads.create()
    client.runs.wait(thread["thread_id"], "ejemplo_simple", input={})
    assert _interrupt(client, thread["thread_id"])["question"]
    final = client.runs.wait(thread["thread_id"], "ejemplo_simple", command={"resume": "Lucía"})
    assert "Lucía" in json.dumps(final["output"], ensure_ascii=False)


def test_a_resume_retried_from_the_paused_checkpoint_writes_one_order(
    server: tuple[SyncLangGraphClient, Path],
) -> None:
    """LangGraph Server gives every invocation a run id of its own: a client that retries its «sí» (its first
    attempt's answer was lost) replays the paused checkpoint, and must meet the order the first attempt wrote."""
    client, data_dir = server
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, "alta_pedido", input={"cliente": "Globex", "productos": "2 grapadora"})
    assert _interrupt(client, thread)["options"][:2] == ["sí", "no"]
    paused = client.threads.get_state(thread)["checkpoint"]["checkpoint_id"]
    outputs = [
        client.runs.wait(thread, "alta_pedido", command={"resume": "sí"}, checkpoint_id=paused)["output"]
        for _attempt in range(3)
    ]
    order_id = outputs[0]["order_id"]
    assert [output["order_id"] for output in outputs] == [order_id] * 3
    with sa.create_engine(f"sqlite:///{data_dir / 'app.db'}").connect() as conn:
        keys = conn.execute(sa.text("SELECT id, idempotency_key FROM orders WHERE id >= :id"), {"id": order_id}).all()
    assert [row[0] for row in keys] == [order_id] and keys[0][1].startswith(f"{thread}:alta_pedido:")
