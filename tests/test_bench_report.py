"""`python -m bench --readme`: the benchmark tables of docs/benchmarks.md are rendered from bench/results.json."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

import bench.__main__ as bench_main
from bench import report

FIXTURE = Path(__file__).parent / "data" / "bench_results.json"
BLOCKS = ("machine", "targets", "dialog", "durability", "vector", "sql", "api", "reader", "confusion")


@pytest.fixture
def results() -> dict[str, Any]:
    """The small fixture report (bench_prune missing on purpose)."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _rows(results: dict[str, Any]) -> dict[str, list[str]]:
    return {row[0]: row for row in report.target_rows(results)}


def _outside_markers(text: str) -> str:
    return re.sub(r"<!-- bench:(\w+) -->.*?<!-- /bench:\1 -->", "", text, flags=re.S)


@pytest.mark.parametrize(
    ("what", "figure", "verdict"),
    [
        (
            "load + validate + compile a 20-step pipeline (no cache)",
            "**11.1 ms** (load+validate 2.60 (YAML 1.50), compile 8.40; LangGraph compiling it by hand 7.40)",
            "**missed**",
        ),
        (
            "the 20-step YAML pipeline / the same pipeline written by hand in LangGraph, no checkpointer",
            "fused 9.00 / 10.9 ms = **0.824**; unfused 11.1 ms = **1.018**",
            "**met**",
        ),
        (
            "the 20-step YAML pipeline / the same pipeline written by hand in LangGraph, SqliteSaver",
            "fused 12.0 / 12.8 ms = **0.936**; unfused 13.6 ms = **1.061**",
            "**missed**",
        ),
        (
            "the 20-step YAML pipeline / the same pipeline written by hand in LangGraph, SqliteSaver, grande",
            "= **1.029**",
            "**met**",
        ),
        ("one resume, `Runner.resume` / bare LangGraph `invoke(Command)` on SqliteSaver", "**2.47×**", "reported"),
        (
            "one `alta_pedido` turn, YAML unfused / the independent reference, SqliteSaver",
            "p50 10.2 / 10.0 ms = **1.02×**; p99 21.0 / 20.0 ms = 1.05×",
            "**met**",
        ),
        ("one `alta_pedido` turn, YAML fused / the independent reference, SqliteSaver", "**0.75×**", "**met**"),
        ("one `alta_pedido` turn, YAML unfused / the independent reference, PostgresSaver", "**1.10×**", "**missed**"),
        ("one `alta_pedido` turn, YAML fused / the independent reference, PostgresSaver", "**0.85×**", "**missed**"),
        (
            "YAML (fused and unfused) and the reference give the same outputs, orders and questions",
            "**yes**, 12 dialogs, 40 turns",
            "**met**",
        ),
        ("checkpoint bytes per turn: reference / YAML unfused / fused", "2100 / 9800 / 4200", "reported"),
        ("supersteps per turn: reference / YAML unfused / fused", "3.00 / 7.50 / 2.50", "reported"),
        (
            "one chat turn of `alta_pedido` through Flask (an edit at the confirmation) / a bare 5-node LangGraph "
            "graph on SqliteSaver, the runner's durability",
            "p50 7.00 / 5.00 ms = **1.40×**; p99 14.0 / 7.00 ms = 2.00×",
            "**missed**",
        ),
        (
            "message reader accuracy on the frozen test set (written before tuning, never tuned on)",
            "**95.3 %** of 619 (453 to a waiting run, 166 idle); lowest command recall affirm 88.0 %",
            "**met**",
        ),
        ("… every command's recall on the test set", "affirm 88.0 %", "**missed**"),
        ("reading one message (offline), at its question / routing an idle one", "p50 0.600", "**met**"),
        ("the trained reader in memory (pickled)", "**9.60 MB** (9.40 MB)", "**met**"),
        ("training it from scratch (the shipped pipelines)", "**4.50 s** (12000 + 8000 samples)", "**met**"),
        ("vector `suggest` over the generated catalog (query embedding included)", "p50 0.740 / p99", "**met**"),
        (
            "recall@3 against exact brute-force search: exact names / realistic typos",
            "**0.998** / **0.981**",
            "**met**",
        ),
        ("typo top-1, realistic typos of the seeded demo catalog", "**93.0 %** of 500", "**missed**"),
        (
            "catalog look-up `resolve_product` (dialog phrases) / a raw parameterised query, SQLite",
            "**2.00×**",
            "reported",
        ),
        ("prune 10,000 finished dialogs", "not measured", "not measured"),
    ],
)
def test_rows_show_the_figure_and_a_computed_verdict(
    results: dict[str, Any], what: str, figure: str, verdict: str
) -> None:
    row = _rows(results)[what]
    assert figure in row[1]
    assert row[3] == verdict


def test_a_verdict_follows_the_figures(results: dict[str, Any]) -> None:
    results["results"]["bench_chat"]["figures"]["ratio_p50"] = 0.97
    assert _rows(results)["one chat turn of `alta_pedido` through Flask (an edit at the confirmation) / a bare "
                          "5-node LangGraph graph on SqliteSaver, the runner's durability"][3] == "**met**"  # fmt: skip
    results["results"]["bench_dialog"]["figures"]["equivalent"] = False
    row = _rows(results)["YAML (fused and unfused) and the reference give the same outputs, orders and questions"]
    assert row[1].startswith("**no**") and row[3] == "**missed**"


def test_a_missing_module_renders_not_measured(results: dict[str, Any]) -> None:
    del results["results"]["bench_dialog"]
    results["results"]["bench_vector"] = {"status": "error", "error": "boom"}
    rows = report.target_rows(results)
    for row in rows:
        if row[0].startswith(("one `alta_pedido` turn", "checkpoint bytes", "supersteps", "vector `suggest`")):
            assert row[1:] == ["not measured", row[2], "not measured"], row
    assert "| not measured |" in report.render_block("dialog", results)
    assert "| not measured |" in report.render_block("vector", results)
    assert "`bench_vector` (error)" in report.machine_line(results)


def test_a_figure_missing_from_a_module_renders_not_measured(results: dict[str, Any]) -> None:
    del results["results"]["bench_chat"]["figures"]["chat_turn"]
    chat = [row for row in report.target_rows(results) if row[0].startswith("one chat turn")]
    assert chat[0][1] == chat[0][3] == "not measured"


def test_the_machine_line_names_cpu_memory_versions_and_date(results: dict[str, Any]) -> None:
    line = report.machine_line(results)
    for part in ("2 CPUs", "Test CPU 9000", "23.5 GiB", "Python 3.11.7", "faiss-cpu 1.15.1", "2026-11-29T01:00:00Z"):
        assert part in line
    assert "trial run" not in line
    trial = copy.deepcopy(results)
    trial["scale"] = 0.05
    assert "trial run (BENCH_SCALE=0.05)" in report.machine_line(trial)
    assert "not measured yet" in report.machine_line({})


def test_detail_tables_come_from_the_figures(results: dict[str, Any]) -> None:
    assert "| SqliteSaver | YAML fused | 7.50 | 15.0 | 0.75× | 0.75× |" in report.render_block("dialog", results)
    assert "| exit | 4.17 | 6.00 |" in report.render_block("durability", results)
    assert "| faiss-cpu | 1.15.1 |" in report.render_block("vector", results)
    assert "| memory: RSS delta of the build / of a cold load | 245 / 140 MiB |" in report.render_block(
        "vector", results
    )
    api = report.render_block("api", results)
    assert "| `GET /bench-ping` (the reference) | 0.800 | 1.00 | 1.00× | 1.00× |" in api
    assert "| `GET run_status/<run_id>` | 3.00 | 6.00 | 3.75× | 6.00× |" in api
    assert "| `check_stock` | 0.500 | 0.900 | 0.280 | 0.450 | 1.79× | 2.00× |" in report.render_block("sql", results)


def test_an_unknown_block_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown benchmark block 'tables'"):
        report.render_page("<!-- bench:tables -->\nx\n<!-- /bench:tables -->\n", {})


def test_readme_rewrites_only_the_blocks_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page, readme, operations = tmp_path / "benchmarks.md", tmp_path / "README.md", tmp_path / "operations.md"
    original = report.PAGE.read_text(encoding="utf-8")
    original_readme = report.README.read_text(encoding="utf-8")
    page.write_text(original, encoding="utf-8")
    readme.write_text(original_readme, encoding="utf-8")
    operations.write_text(report.OPERATIONS.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(report, "PAGE", page)
    monkeypatch.setattr(report, "README", readme)
    monkeypatch.setattr(report, "OPERATIONS", operations)
    monkeypatch.setattr(report, "RESULTS", FIXTURE)
    assert bench_main.main(["--readme"]) == 0
    first, first_readme = page.read_text(encoding="utf-8"), readme.read_text(encoding="utf-8")
    assert "rewritten" in capsys.readouterr().out
    assert "**0.75×**" in first and "Test CPU 9000" in first
    assert "**0.75×**" in first_readme and "Test CPU 9000" in first_readme  # the README's targets and machine
    assert _outside_markers(first) == _outside_markers(original)
    assert _outside_markers(first_readme) == _outside_markers(original_readme)
    assert bench_main.main(["--readme"]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert page.read_text(encoding="utf-8") == first and readme.read_text(encoding="utf-8") == first_readme


def test_the_page_has_every_block() -> None:
    text = report.PAGE.read_text(encoding="utf-8")
    for name in BLOCKS:
        assert text.count(f"<!-- bench:{name} -->") == 1 and text.count(f"<!-- /bench:{name} -->") == 1, name


@pytest.mark.skipif(
    not report.RESULTS.exists(),
    reason="bench/results.json is not committed yet: `make bench` writes it and rewrites docs/benchmarks.md",
)
def test_the_docs_page_is_what_readme_renders_from_the_committed_results() -> None:
    for page in report.pages():
        text = page.read_text(encoding="utf-8")
        assert report.render_page(text, report.load()) == text, f"run `python -m bench --readme` and commit {page}"


def test_a_checkpointer_without_a_server_renders_not_measured(results: dict[str, Any]) -> None:
    results["results"]["bench_dialog"]["figures"]["postgres"] = None  # what bench_dialog returns without PostgreSQL
    rows = _rows(results)
    assert rows["one `alta_pedido` turn, YAML fused / the independent reference, PostgresSaver"][3] == "not measured"
    assert rows["one `alta_pedido` turn, YAML fused / the independent reference, SqliteSaver"][3] == "**met**"
    table = report.render_block("dialog", results)
    assert "| PostgresSaver | not measured |" in table and "| SqliteSaver | YAML fused | 7.50 |" in table


OPS_BLOCKS = ("prune_sqlite", "prune_postgresql", "prune_speed", "load", "load_ratio")


def _load_row(workers: int, sessions: int, errors: int) -> dict[str, Any]:
    return {"workers": workers, "threads": 4, "sessions": sessions, "dialogs": sessions * 20, "turns": sessions * 60,
            "orders": sessions * 20, "wrong_orders": 0, "crossed_sessions": 0, "server_errors": errors,
            "turns_per_s": 30.5, "p50_ms": 1400.0, "p95_ms": 2700.0, "p99_ms": 3100.0}  # fmt: skip


def test_the_operations_page_has_every_block_once() -> None:
    text = report.OPERATIONS.read_text(encoding="utf-8")
    for name in OPS_BLOCKS:
        assert text.count(f"<!-- bench:{name} -->") == 1 and text.count(f"<!-- /bench:{name} -->") == 1, name


def test_the_load_table_shows_the_server_errors_counted_and_the_ratio(results: dict[str, Any]) -> None:
    rows = [_load_row(1, 50, 0), _load_row(2, 50, 3), _load_row(2, 2, 0)]
    results["results"]["bench_load"] = {"status": "ok", "figures": {"rows": rows, "ratio_50_to_2": 0.85}}
    table = report.render_block("load", results)
    assert "| 2 | 4 | 50 | 1000 | 1000 | 0 | 0 | 3 | 30.5 |" in table
    assert "0.85× | ≥ 0.90× (missed)" in report.render_block("load_ratio", results)


def test_operations_tables_without_figures_say_not_measured(results: dict[str, Any]) -> None:
    for name in OPS_BLOCKS:  # the fixture has neither bench_prune nor bench_load
        assert "not measured" in report.render_block(name, results), name
