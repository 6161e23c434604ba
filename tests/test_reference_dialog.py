"""The YAML order dialog (unfused and fused) asks, says and writes what the hand-written LangGraph reference does,
on SqliteSaver and on PostgresSaver; the reference owes nothing to the compiler or the pipeline language."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from bench.bench_dialog import figures, interleaved, restock
from bench.checkpoint_bytes import bytes_added, bytes_written, checkpoint_count
from bench.reference_dialogs import DIALOGS, turns
from bench.reference_env import NAMES, contenders, postgres_schema, sqlite_urls
from bench.reference_play import Contender, differences
from config import PROJECT_DIR
from tests.sql_fixtures import POSTGRES_URL, require_postgres
from tools.catalog.demo_data import demo_products

REFERENCE_FILES = sorted((PROJECT_DIR / "bench").glob("reference_*.py"))
INDEPENDENT = ("bench/reference_dialog.py", "bench/reference_text.py", "bench/engine_graphs.py")
SAVERS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=SAVERS)
def players(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Contender]]:
    """The reference and the YAML graphs (unfused, fused), each on its own demo database, on one saver kind."""
    folder = tmp_path_factory.mktemp(f"reference-{request.param}")
    if request.param == "sqlite":
        with contenders(folder, sqlite_urls(folder)) as built:
            yield built
        return
    require_postgres()
    with postgres_schema(POSTGRES_URL) as url, contenders(folder, lambda _name: url) as built:
        yield built


@pytest.mark.parametrize("dialog", DIALOGS, ids=[d["name"] for d in DIALOGS])
def test_yaml_graphs_ask_say_and_write_what_the_reference_does(
    players: list[Contender], dialog: dict[str, Any]
) -> None:
    reference, *yaml_graphs = players
    expected = reference.start(dialog, "test").play()
    assert [view["status"] for view in expected["turns"]] == ["waiting"] * len(dialog["answers"]) + [dialog["ends"]]
    assert len(expected["orders"]) == (1 if dialog["ends"] == "completed" else 0)
    assert all(order["idempotency_key_of_run"] for order in expected["orders"])
    assert all(view["asked"]["question"] for view in expected["turns"][:-1])
    for contender in yaml_graphs:
        actual = contender.start(dialog, "test").play()
        assert differences(expected, actual) == [], contender.name
        assert actual == expected, contender.name


def test_the_comparison_sees_a_different_answer(players: list[Contender]) -> None:
    reference, yaml_graph, _fused = players
    edited = next(d for d in DIALOGS if d["name"] == "cambio_de_cantidad")
    changed = {**edited, "answers": ["cambia la grapadora a 4", "sí"]}
    found = differences(reference.start(edited, "neg").play(), yaml_graph.start(changed, "neg").play())
    assert any(line.startswith("turn 1 asked") for line in found), found
    assert any(line.startswith("outputs") for line in found) and any(line.startswith("orders") for line in found)


def test_a_turn_writes_checkpoint_bytes_and_sync_takes_one_checkpoint_per_superstep(
    players: list[Contender],
) -> None:
    reference = players[0]
    if not isinstance(reference.graph.checkpointer, SqliteSaver):
        pytest.skip("checkpoint bytes are read from SqliteSaver's tables")
    conn = reference.graph.checkpointer.conn
    dialog = next(d for d in DIALOGS if d["name"] == "cambio_de_cantidad")
    play = reference.start(dialog, "bytes")
    thread = play.config["configurable"]["thread_id"]
    assert bytes_written(conn, thread, play.invoke) > 500
    before = checkpoint_count(conn, thread)
    play.invoke(durability="sync")  # ask_confirm, check_products, check_stock, then ask_confirm waits
    assert checkpoint_count(conn, thread) - before == 3
    assert bytes_added({("k",): 5}, {("k",): 5, ("n",): 7}) == 7 and bytes_added({("k",): 5}, {("k",): 6}) == 6


def test_one_benchmark_round_times_every_turn_on_the_three_graphs(players: list[Contender]) -> None:
    seeded = {product["sku"]: product["stock"] for product in demo_products()}
    for player in players:  # the dialogs above took stock: the printers are gone
        restock(player.sql, seeded)
    samples = interleaved(players, rounds=1, warmup=0)
    assert {name: sum(map(len, by_turn.values())) for name, by_turn in samples.items()} == dict.fromkeys(NAMES, turns())
    result = figures(samples)
    assert all(result[name]["p50_ms"] > 0 for name in NAMES) and result["ratio_fused_p99"] > 0


def test_the_reference_imports_neither_the_compiler_nor_the_pipeline_language() -> None:
    for name in INDEPENDENT:
        tree = ast.parse((PROJECT_DIR / name).read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m.split(".")[0] in ("graphs", "pipelines")], name
    code = (
        "import sys, bench.reference_dialog; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('graphs', 'pipelines')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    assert Path(PROJECT_DIR / INDEPENDENT[0]) in REFERENCE_FILES
