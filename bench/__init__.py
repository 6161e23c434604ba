"""Benchmark helpers shared by every bench module: interleaved timing, medians, tables, the machine."""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from typing import Any

__all__ = ["machine", "measure", "median_ms", "print_table", "summary"]


def machine() -> dict[str, Any]:
    """Where the figures were taken: CPU count and model, Python and key library versions."""
    model = platform.processor() or platform.machine()
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("Model name:")), model
        )
    except (OSError, subprocess.SubprocessError):
        pass
    versions = {}
    for package in ("langgraph", "langgraph-checkpoint-sqlite", "pydantic", "flask", "sqlalchemy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


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


def summary(samples: Sequence[int]) -> dict[str, float]:
    """Median, 10th and 90th percentiles (ms) and the sample count."""
    cuts = statistics.quantiles(samples, n=10) if len(samples) > 1 else [samples[0]] * 9
    return {
        "median_ms": round(median_ms(samples), 4),
        "p10_ms": round(cuts[0] / 1e6, 4),
        "p90_ms": round(cuts[-1] / 1e6, 4),
        "runs": len(samples),
    }


def print_table(title: str, rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    """Print an aligned plain-text table."""
    cells = [[str(c) for c in header], *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for number, row in enumerate(cells):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  " + "  ".join("-" * width for width in widths))
