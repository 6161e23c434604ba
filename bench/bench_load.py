"""`make bench-load`: gunicorn on PostgreSQL, many concurrent chat sessions playing order dialogs over HTTP.

50 sessions × 20 dialogs (taken from tests/dialogs/contract, each ending with one order) for 1, 2 and 4
workers, plus 2 sessions on the best setting for the throughput ratio. Every run must end with exactly one order
per dialog with the dialog's lines, no order in another session's run, and no 5xx.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import machine, postgres_schema, print_table
from harness.chat_http import orders_by_run, post_chat
from harness.dialogs import load_dialog
from harness.fault_player import CONTRACT_DIALOGS, expected_order
from harness.processes import app_env, free_port, gunicorn_server, init_database

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SESSIONS, DIALOGS = int(os.environ.get("LOAD_SESSIONS", 50)), int(os.environ.get("LOAD_DIALOGS", 20))
WORKERS = [int(w) for w in os.environ.get("LOAD_WORKERS", "1,2,4").split(",")]
THREADS = int(os.environ.get("LOAD_THREADS", 4))
# Dialogs that end with an order and can be played any number of times once stock is plentiful.
PLAYABLE = [load_dialog(p) for p in CONTRACT_DIALOGS if expected_order(load_dialog(p)) and not p.name.startswith("07")]


def _play(
    port: int, session: str, dialogs: list[dict[str, Any]], latencies: list[float], errors: list[str]
) -> list[tuple[str, dict]]:
    """Play `dialogs` one after another in one session; (run id, dialog) of each. A 5xx is counted in `errors`
    (the dialog goes on: its order then comes out wrong or missing, and is counted too)."""
    done = []
    for dialog in dialogs:
        run_id = None
        for turn in dialog["turns"]:
            start = time.perf_counter()
            status, body = post_chat(port, session, str(turn["user"]))
            latencies.append(time.perf_counter() - start)
            if status >= 500:
                errors.append(f"{status} for «{turn['user']}»: {str(body)[:200]}")
            run_id = body.get("run_id") or run_id
        done.append((run_id, dialog))
    return done


def load_run(workers: int, sessions: int, dialogs: int, folder: Path) -> dict[str, Any]:
    """One gunicorn setting under `sessions` concurrent sessions of `dialogs` dialogs each; figures and checks."""
    with postgres_schema(POSTGRES_URL, "load") as url:
        env, data_url, checkpoint_url = app_env(folder / f"data-{workers}-{sessions}", url)
        env["SECRET_KEY"] = "bench"
        init_database(env, folder / "init.log")
        engine = sa.create_engine(data_url)
        with engine.begin() as conn:  # 1,000 orders would empty the demo stock and change the dialogs
            conn.execute(sa.text("UPDATE products SET stock = 1000000"))
        engine.dispose()
        port = free_port()
        server = gunicorn_server(port, env, folder / "gunicorn.log", workers=workers, threads=THREADS).start()
        plans = [[PLAYABLE[(s + d) % len(PLAYABLE)] for d in range(dialogs)] for s in range(sessions)]
        latencies: list[float] = []
        errors: list[str] = []
        try:
            # Warm every worker up (first compile, first vector sync) with dialogs that write no order.
            warm = [d for d in (load_dialog(p) for p in CONTRACT_DIALOGS) if d["name"] == "cancel"]
            with ThreadPoolExecutor(workers * THREADS) as pool:
                list(pool.map(lambda s: _play(port, f"warm-{s:04d}-x", warm * 2, [], errors), range(workers * THREADS)))
            start = time.perf_counter()
            with ThreadPoolExecutor(sessions) as pool:
                plays = pool.map(lambda s: _play(port, f"load-{s:04d}-x", plans[s], latencies, errors), range(sessions))
                played = list(plays)
            wall = time.perf_counter() - start
        finally:
            server.stop()
        orders = orders_by_run(data_url)
        engine = sa.create_engine(checkpoint_url)
        with engine.connect() as conn:
            owners = dict(conn.execute(sa.text("SELECT run_id, owner FROM runs")).all())
        engine.dispose()
    wrong = sum(orders.get(run) != expected_order(dialog) for runs in played for run, dialog in runs)
    crossed = sum(owners.get(run) != f"chat:load-{s:04d}-x" for s, runs in enumerate(played) for run, _ in runs)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "workers": workers,
        "threads": THREADS,
        "sessions": sessions,
        "dialogs": sessions * dialogs,
        "turns": len(latencies),
        "orders": len(orders),
        "wrong_orders": wrong,
        "crossed_sessions": crossed,
        "server_errors": len(errors),
        "turns_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
        "p99_ms": round(quantiles[98] * 1000, 1),
    }


def main() -> dict[str, Any]:
    """Run every setting, print the table, fail when a check does not hold."""
    host = machine()
    print(f"machine: {host['nproc']} CPUs, {host['cpu_model']}, Python {host['python']}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for workers in WORKERS:
            rows.append(load_run(workers, SESSIONS, DIALOGS, Path(tmp)))
            print(rows[-1], flush=True)
        best = max(rows, key=lambda row: row["turns_per_s"])
        rows.append(load_run(best["workers"], 2, DIALOGS, Path(tmp)))
        print(rows[-1], flush=True)
    keys = ["workers", "threads", "sessions", "dialogs", "orders", "wrong_orders", "crossed_sessions"]
    keys += ["server_errors", "turns_per_s", "p50_ms", "p95_ms", "p99_ms"]
    print_table(
        "load: gunicorn (gthread) on PostgreSQL, chat order dialogs over HTTP",
        [[r[k] for k in keys] for r in rows],
        keys,
    )
    ratio = best["turns_per_s"] / rows[-1]["turns_per_s"]
    print(f"throughput at {SESSIONS} sessions / at 2 sessions ({best['workers']} workers): {ratio:.2f}")
    problems = [
        r
        for r in rows[:-1]
        if r["orders"] != r["dialogs"] or r["wrong_orders"] or r["crossed_sessions"] or r["server_errors"]
    ]
    if problems or ratio < 0.9:
        raise RuntimeError(f"load checks failed: ratio {ratio:.2f}, {problems}")
    return {"machine": host, "rows": rows, "ratio_50_to_2": round(ratio, 2)}


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
