"""Orchestrator API latency through the Flask test client: run_status, and graph?format=svg with cached pictures."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import print_table

RUNS = 400
WARMUP = 30


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time(call: Callable[[], Any], runs: int = RUNS, warmup: int = WARMUP) -> list[float]:
    """Milliseconds per call, after warm-up calls."""
    samples = []
    for number in range(warmup + runs):
        began = time.perf_counter_ns()
        call()
        elapsed = (time.perf_counter_ns() - began) / 1e6
        if number >= warmup:
            samples.append(elapsed)
    return samples


def _figures(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 3), "p99_ms": round(_percentile(samples, 0.99), 3)}


def main() -> dict[str, Any]:
    """Measure and print p50/p99 of each request; returns the figures."""
    from app import create_app
    from config import Config
    from graphs.drawing import clear_cache

    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    app = create_app(Config(DATA_DIR=folder / "data", SECRET_KEY="bench"))
    client = app.test_client()
    started = client.post(
        "/orchestrator/run_chain",
        json={"pipeline": "alta_pedido", "args": {"cliente": "ACME S.A.", "productos": "3 teclado mecánico"}},
    ).get_json()
    assert started["status"] == "waiting", started
    run_id = started["run_id"]

    def get(url: str, mimetype: str) -> Callable[[], Any]:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200 and response.mimetype == mimetype, response.status_code

        return call

    def uncached_svg() -> None:
        clear_cache()
        get("/orchestrator/pipelines/alta_pedido/graph?format=svg", "image/svg+xml")()

    cases = {
        "GET run_status/<run_id>": get(f"/orchestrator/run_status/{run_id}", "application/json"),
        "GET graph?format=svg (cached)": get("/orchestrator/pipelines/alta_pedido/graph?format=svg", "image/svg+xml"),
        "GET graph?format=svg&run_id (cached)": get(
            f"/orchestrator/pipelines/alta_pedido/graph?format=svg&run_id={run_id}", "image/svg+xml"
        ),
        "GET pipelines": get("/orchestrator/pipelines", "application/json"),
    }
    results = {name: _figures(_time(call)) for name, call in cases.items()}
    # Drawing with Graphviz takes milliseconds; a few dozen samples say enough.
    results["GET graph?format=svg (drawn every time)"] = _figures(_time(uncached_svg, runs=40, warmup=3))
    app.extensions["t7"].engine.close()
    print_table(
        "Orchestrator API through the Flask test client (ms)",
        [(name, f["p50_ms"], f["p99_ms"]) for name, f in results.items()],
        ("request", "p50", "p99"),
    )
    return results


if __name__ == "__main__":
    main()
