"""Product look-up quality: top-1 and false suggestions on tests/data/lookups.yaml, the floor calibration, latency.

`python -m bench.bench_lookup` (or `make bench`). The suggestion floor of the embeddings in use is calibrated
here: every floor of FLOOR_GRID is tried on the whole labelled set, and the highest floor with the best top-1
is the calibrated one (the most cautious floor that loses nothing); put it in vector_memory/likeness.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/bench_lookup.py` as well as `python -m bench.bench_lookup`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import summary
from bench.lookups import HOLDOUT, WORDS, demo_registry, evaluate, load_lookups, play
from tools.registry import ToolRegistry
from vector_memory import likeness

FLOOR_GRID = [round(0.05 + 0.025 * step, 3) for step in range(17)]  # 0.05 … 0.45


def calibrate(registry: ToolRegistry) -> list[dict[str, Any]]:
    """Top-1 and false-suggestion rate of the labelled set at every floor of FLOOR_GRID (the pipeline step's
    own `min_score` left out, so the floor alone decides)."""
    space = registry.services.memory.space
    lookups = load_lookups()
    saved = dict(likeness.SUGGEST_FLOORS)
    rows = []
    try:
        for floor in FLOOR_GRID:
            likeness.SUGGEST_FLOORS[space] = floor
            report = evaluate(registry, lookups, step_floor=False)
            rows.append(
                {
                    "floor": floor,
                    "top1": report["top1"],
                    "false_suggestion_rate": report["false_suggestion_rate"],
                    "offered_when_nothing_fits": report["offered_when_nothing_fits"],
                }
            )
    finally:
        likeness.SUGGEST_FLOORS.clear()
        likeness.SUGGEST_FLOORS.update(saved)
    return rows


def best_floor(rows: list[dict[str, Any]]) -> float:
    """The highest floor among those with the best top-1 (then the fewest false suggestions)."""
    best = max(rows, key=lambda row: (row["top1"], -row["false_suggestion_rate"], row["floor"]))
    return float(best["floor"])


def _latency_ms(registry: ToolRegistry, texts: list[str]) -> dict[str, float]:
    """p50 / p90 / p99 milliseconds of one look-up through the dialog's path, after a warm-up pass."""
    for text in texts:
        play(registry, text)
    samples = []
    for _ in range(3):
        for text in texts:
            start = time.perf_counter_ns()
            play(registry, text)
            samples.append(time.perf_counter_ns() - start)
    figures = summary(samples)
    return {
        "p50_ms": figures["p50_ms"],
        "p90_ms": figures["p90_ms"],
        "p99_ms": figures["p99_ms"],
        "calls": len(samples),
    }


def main() -> dict[str, Any]:
    """Play the labelled look-ups, calibrate the floor, time the path; print and return the figures."""
    lookups = load_lookups()
    with demo_registry() as registry:
        memory = registry.services.memory
        floor = likeness.suggest_floor(memory.space, memory.suggest_min_score)
        report = evaluate(registry, lookups)
        holdout = evaluate(registry, load_lookups(HOLDOUT))
        words = {name: evaluate(registry, load_lookups(path)) for name, path in WORDS.items()}
        grid = calibrate(registry)
        latency = _latency_ms(registry, [lookup.text for lookup in lookups])
        space = memory.space
    figures = {
        "space": space,
        "floor_in_use": floor,
        "calibrated_floor": best_floor(grid),
        **{key: value for key, value in report.items() if key != "misses"},
        "misses": report["misses"],
        "holdout": holdout,
        # synonyms, measures in words, plurals with slips: the dev part (tuned on) and the frozen held-out part,
        # whose misses are never printed nor kept (nobody tunes on them)
        "words": {
            name: {k: v for k, v in found.items() if k != "misses" or name == "dev"} for name, found in words.items()
        },
        "calibration": grid,
        "latency": latency,
    }
    print(f"Product look-ups — {report['lookups']} labelled texts, embeddings {space}")
    offers, nothing = report["suggestions"], report["offered_when_nothing_fits"]
    false_rate = report["false_suggestion_rate"]
    print(f"top-1: {report['top1']:.1%}   false suggestions: {false_rate:.1%} of {offers} offers", end="")
    print(f"   offered when nothing fits: {nothing}")
    print("top-1 by kind: " + ", ".join(f"{kind} {value:.0%}" for kind, value in report["top1_by_kind"].items()))
    for miss in report["misses"]:
        print(f"  miss: {miss['text']!r} expected {miss['expect'] or 'nothing'}, got {miss['got']} {miss['offered']}")
    held = f"top-1 {holdout['top1']:.1%} of {holdout['lookups']}"
    held += f", false suggestions {holdout['false_suggestion_rate']:.1%}"
    print(f"held-out set (never tuned on): {held}, offered when nothing fits {holdout['offered_when_nothing_fits']}")
    for miss in holdout["misses"]:
        print(f"  held-out miss: {miss['text']!r} expected {miss['expect'] or 'nothing'}, got {miss['got']}")
    for name, found in words.items():
        kinds = ", ".join(f"{kind} {value:.0%}" for kind, value in found["top1_by_kind"].items())
        print(f"words the names lack, {name}: top-1 {found['top1']:.1%} of {found['lookups']} ({kinds})")
    print(f"floor in use {floor}; calibrated floor {figures['calibrated_floor']} (highest floor with the best top-1)")
    print(f"{'floor':>6} {'top-1':>7} {'false sugg.':>11} {'offered/none':>13}")
    for row in grid:
        print(f"{row['floor']:6.3f} {row['top1']:7.1%} {row['false_suggestion_rate']:11.1%} "
              f"{row['offered_when_nothing_fits']:>13}")  # fmt: skip
    print(f"one look-up through the dialog's path: p50 {latency['p50_ms']} ms, p99 {latency['p99_ms']} ms")
    return figures


if __name__ == "__main__":
    main()
