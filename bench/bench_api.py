"""Orchestrator API latency through the Flask test client: run_status, and graph?format=svg with cached pictures.

Every request is timed interleaved with a trivial route registered on this bench's app instance only
(`/bench-ping`), so each figure is also a ratio to what Flask and the test client cost by themselves.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import create_app
from bench import measure, print_table, ratio, scaled, summary
from config import Config
from graphs.draw.drawing import clear_cache

RUNS = 400
WARMUP = 30
DRAWN_RUNS = 40  # drawing with Graphviz takes milliseconds; a few dozen samples say enough
PING = "GET /bench-ping (reference)"


def _with_ratios(samples: dict[str, list[int]]) -> dict[str, dict[str, float]]:
    """summary() of each request plus its p50 and p99 ratios to the ping measured in the same rounds."""
    reference = summary(samples[PING])
    figures = {}
    for name, values in samples.items():
        if name != PING:
            row = summary(values)
            figures[name] = {**row, "ratio_p50": ratio(row, reference), "ratio_p99": ratio(row, reference, "p99_ms")}
    return figures


def main() -> dict[str, Any]:
    """Measure and print p50/p99 of each request and its ratio to the trivial route; returns the figures."""
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    app = create_app(Config(DATA_DIR=folder / "data", SECRET_KEY="bench", LOG_LEVEL="WARNING"))
    app.add_url_rule("/bench-ping", "bench_ping", lambda: {"ok": True})  # before the first request, as Flask needs
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

    ping = get("/bench-ping", "application/json")
    cases = {
        PING: ping,
        "GET run_status/<run_id>": get(f"/orchestrator/run_status/{run_id}", "application/json"),
        "GET graph?format=svg (cached)": get("/orchestrator/pipelines/alta_pedido/graph?format=svg", "image/svg+xml"),
        "GET graph?format=svg&run_id (cached)": get(
            f"/orchestrator/pipelines/alta_pedido/graph?format=svg&run_id={run_id}", "image/svg+xml"
        ),
        "GET pipelines": get("/orchestrator/pipelines", "application/json"),
    }
    try:
        samples = measure(cases, runs=scaled(RUNS), warmup=scaled(WARMUP))
        drawn = measure(
            {PING: ping, "GET graph?format=svg (drawn every time)": uncached_svg},
            runs=scaled(DRAWN_RUNS),
            warmup=3,
        )
    finally:
        app.extensions["t7"].engine.close()
    results: dict[str, Any] = {"reference": summary(samples[PING]), **_with_ratios(samples), **_with_ratios(drawn)}
    print_table(
        "Orchestrator API through the Flask test client, each request interleaved with a trivial route (ms)",
        [(name, f["p50_ms"], f["p99_ms"], f.get("ratio_p50", 1.0)) for name, f in results.items()],
        ("request", "p50", "p99", "ratio p50"),
    )
    return results


if __name__ == "__main__":
    main()
