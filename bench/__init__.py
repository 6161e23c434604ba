"""Benchmark helpers shared by every bench module: interleaved timing, medians, tables, the machine."""

from __future__ import annotations

import contextlib
import gc
import math
import os
import secrets
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import psycopg
import sqlalchemy as sa

from bench.machine import machine

__all__ = ["machine", "measure", "median_ms", "percentile_ms", "print_table", "ratio", "scaled", "summary"]

# BENCH_SCALE=0.05 shrinks every count for a quick trial run; figures for the docs come from the default 1.
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def scaled(count: int, floor: int = 3) -> int:
    """`count` times BENCH_SCALE (at least `floor`): the real count unless a quick trial run asked for less."""
    return count if SCALE == 1 else max(floor, round(count * SCALE))


def measure(
    cases: Mapping[str, Callable[..., Any]], *, runs: int, warmup: int = 10, setup: Callable[[], Any] | None = None
) -> dict[str, list[int]]:
    """Nanoseconds per call of each case, interleaved (the order rotates every round) after warm-up rounds.

    `setup` runs untimed before every round; when given, each case is called with its result.
    """
    names = list(cases)
    samples: dict[str, list[int]] = {name: [] for name in names}
    gc.collect()
    for round_ in range(warmup + runs):
        shift = round_ % len(names)
        prepared = setup() if setup is not None else None
        for name in names[shift:] + names[:shift]:
            func = cases[name]
            args = () if setup is None else (prepared,)
            start = time.perf_counter_ns()
            func(*args)
            elapsed = time.perf_counter_ns() - start
            if round_ >= warmup:
                samples[name].append(elapsed)
    return samples


def median_ms(samples: Sequence[int]) -> float:
    """Median of nanosecond samples, in milliseconds."""
    return statistics.median(samples) / 1e6


def percentile_ms(samples: Sequence[int], q: float) -> float:
    """The nearest-rank `q` quantile (0 < q <= 1) of nanosecond samples, in milliseconds."""
    ordered = sorted(samples)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1] / 1e6


def summary(samples: Sequence[int]) -> dict[str, float]:
    """Median (also as p50), 10th, 90th and 99th percentiles (ms) and the sample count."""
    median = round(median_ms(samples), 4)
    return {
        "median_ms": median,
        "p50_ms": median,
        "p10_ms": round(percentile_ms(samples, 0.10), 4),
        "p90_ms": round(percentile_ms(samples, 0.90), 4),
        "p99_ms": round(percentile_ms(samples, 0.99), 4),
        "runs": len(samples),
    }


def ratio(measured: Mapping[str, float], reference: Mapping[str, float], key: str = "p50_ms") -> float:
    """`measured[key] / reference[key]`, rounded to 3 places."""
    return round(measured[key] / reference[key], 3)


def print_table(title: str, rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    """Print an aligned plain-text table."""
    cells = [[str(c) for c in header], *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for number, row in enumerate(cells):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  " + "  ".join("-" * width for width in widths))


@contextlib.contextmanager
def postgres_schema(url: str, prefix: str = "b") -> Iterator[str]:
    """`url` (a PostgreSQL database) with its search_path set to a fresh schema, dropped on exit."""
    conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")  # a random hex name made here: safe to format
    try:
        yield (
            sa.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
