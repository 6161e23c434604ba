"""The tables of docs/operations.md: retention (bench_prune, run by `make bench`) and load (bench_load, run by
`make bench-load`), rendered from bench/results.json like the benchmark page's."""

from __future__ import annotations

from collections.abc import Callable

from bench.report_rows import Figures, num, times

_SIZES = ("rows before", "rows after", "MB before", "MB after prune")
_LOAD_KEYS = ("workers", "threads", "sessions", "dialogs", "orders", "wrong_orders", "crossed_sessions")
_LOAD_KEYS += ("server_errors", "turns_per_s", "p50_ms", "p95_ms", "p99_ms")


def _prune_rows(backend: str) -> Callable[[Figures], list[list[str]]]:
    """One row per table of `backend`: rows and MB before, after the prune and after the vacuum."""

    def rows(f: Figures) -> list[list[str]]:
        figures = f[backend]
        out = []
        for table in figures["before"]:
            before, after, vacuumed = (figures[k][table] for k in ("before", "after", "vacuumed"))
            name = "whole file" if table == "(whole file)" else table
            counts = ["", ""] if table == "(whole file)" else [f"{before['rows']:,}", f"{after['rows']:,}"]
            sizes = [num(before["bytes"] / 1e6), num(after["bytes"] / 1e6), num(vacuumed["bytes"] / 1e6)]
            out.append([name, *counts, *sizes])
        return out

    return rows


def _prune_speed(f: Figures) -> list[list[str]]:
    return [[backend, num(f[backend]["prune_seconds"]), f"{f[backend]['runs_per_second']:,}"] for backend in f]


def _load_rows(f: Figures) -> list[list[str]]:
    return [[num(row[key]) if key.endswith("_ms") else str(row[key]) for key in _LOAD_KEYS] for row in f["rows"]]


def _load_ratio(f: Figures) -> list[list[str]]:
    best = max(f["rows"][:-1], key=lambda row: row["turns_per_s"])
    verdict = "met" if f["ratio_50_to_2"] >= 0.9 else "missed"
    return [[f"turns/s at {best['sessions']} sessions / at 2 sessions ({best['workers']} workers)",
             times(f["ratio_50_to_2"]), f"≥ 0.90× ({verdict})"]]  # fmt: skip


OPS_TABLES = {
    "prune_sqlite": ("bench_prune", ("SQLite (`CHECKPOINT_URL` default)", *_SIZES, "MB after `VACUUM`"),
                     _prune_rows("sqlite")),
    "prune_postgresql": ("bench_prune", ("PostgreSQL", *_SIZES, "MB after `VACUUM FULL`"), _prune_rows("postgresql")),
    "prune_speed": ("bench_prune", ("backend", "prune seconds", "runs pruned per second"), _prune_speed),
    "load": ("bench_load", ("workers", "threads", "sessions", "dialogs", "orders", "wrong orders", "crossed sessions",
                            "5xx", "turns/s", "p50 ms", "p95 ms", "p99 ms"), _load_rows),
    "load_ratio": ("bench_load", ("measure", "value", "target"), _load_ratio),
}  # fmt: skip
