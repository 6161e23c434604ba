"""The YAML order dialog (unfused and fused) vs the hand-written LangGraph reference, per turn, interleaved.

Every scripted dialog (bench/reference_dialogs.py) is played on the three graphs at once: each turn is timed on
the three in an order that rotates every turn, after warm-up rounds, on SqliteSaver then on PostgresSaver.
Stock is put back between rounds (untimed) so every round asks the same questions. Untimed passes on
SqliteSaver measure the checkpoint bytes each turn writes and the checkpoints it takes with durability "sync".
"""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from bench import print_table
from bench.checkpoint_bytes import bytes_written, checkpoint_count
from bench.reference_dialogs import DIALOGS, turns
from bench.reference_env import NAMES, contenders, postgres_schema, sqlite_urls
from bench.reference_play import Contender, compare
from tools.catalog.sql_schema import products

ROUNDS = int(os.environ.get("BENCH_DIALOG_ROUNDS", "20"))
WARMUP = int(os.environ.get("BENCH_DIALOG_WARMUP", "3"))
Samples = dict[str, dict[tuple[str, int], list[int]]]


def _stock(sql: Any) -> dict[str, int]:
    with sql.engine.connect() as conn:
        return {row.sku: int(row.stock) for row in conn.execute(sa.select(products.c.sku, products.c.stock))}


def restock(sql: Any, wanted: dict[str, int]) -> None:
    """Put back the stock the orders took, so the next round asks what this one asked."""
    changed = [{"k": sku, "s": wanted[sku]} for sku, stock in _stock(sql).items() if stock != wanted.get(sku, stock)]
    if changed:
        with sql.engine.begin() as conn:
            conn.execute(
                sa.update(products).where(products.c.sku == sa.bindparam("k")).values(stock=sa.bindparam("s")), changed
            )


def interleaved(players: list[Contender], rounds: int, warmup: int) -> Samples:
    """Nanoseconds of every turn of every dialog on each contender, interleaved, after `warmup` rounds."""
    samples: Samples = {p.name: {} for p in players}
    stock = {p.name: _stock(p.sql) for p in players}
    shift = 0
    gc.collect()
    for round_ in range(warmup + rounds):
        for dialog in DIALOGS:
            plays = [p.start(dialog, f"r{round_}") for p in players]
            for turn in range(1 + len(dialog["answers"])):
                shift += 1
                for index in range(len(plays)):
                    play = plays[(index + shift) % len(plays)]
                    began = time.perf_counter_ns()
                    play.invoke()
                    elapsed = time.perf_counter_ns() - began
                    if round_ >= warmup:
                        samples[play.contender.name].setdefault((dialog["name"], turn), []).append(elapsed)
            for play in plays:  # a round that drifted (stock, a changed question) would time another dialog
                play.record()
                if play.views[-1]["status"] != dialog["ends"]:
                    raise RuntimeError(f"{play.contender.name} ended {dialog['name']} as {play.views[-1]['status']}")
        for player in players:
            restock(player.sql, stock[player.name])
    return samples


def _p99(values: list[int]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] / 1e6


def figures(samples: Samples) -> dict[str, Any]:
    """p50 and p99 (ms) over every turn of each contender, and the YAML / reference ratios."""
    result: dict[str, Any] = {}
    for name, by_turn in samples.items():
        every = [value for values in by_turn.values() for value in values]
        result[name] = {"p50_ms": round(statistics.median(every) / 1e6, 4), "p99_ms": round(_p99(every), 4)}
    for variant in ("unfused", "fused"):
        for cut in ("p50", "p99"):
            ratio = result[f"yaml_{variant}"][f"{cut}_ms"] / result["reference"][f"{cut}_ms"]
            result[f"ratio_{variant}_{cut}"] = round(ratio, 3)
    return result


def _per_turn_table(title: str, samples: Samples) -> None:
    rows = []
    for key in samples["reference"]:
        medians = [statistics.median(samples[name][key]) / 1e6 for name in NAMES]
        rows.append((f"{key[0]} #{key[1]}", *medians, medians[1] / medians[0], medians[2] / medians[0]))
    print_table(title, rows, ("turn", *(f"{n} ms" for n in NAMES), "unfused/ref", "fused/ref"))


def per_turn_costs(players: list[Contender]) -> tuple[dict[str, int], dict[str, float]]:
    """Untimed, on SqliteSaver: mean checkpoint bytes a turn writes (durability "exit") and mean checkpoints
    a turn takes with durability "sync" (one per superstep)."""
    written: dict[str, list[int]] = {p.name: [] for p in players}
    steps: dict[str, list[int]] = {p.name: [] for p in players}
    for player in players:
        conn, stock = player.graph.checkpointer.conn, _stock(player.sql)  # type: ignore[union-attr]
        for dialog in DIALOGS:
            play = player.start(dialog, "bytes")
            thread = play.config["configurable"]["thread_id"]
            while not play.done:
                written[player.name].append(bytes_written(conn, thread, play.invoke))
            play = player.start(dialog, "steps")
            thread = play.config["configurable"]["thread_id"]
            while not play.done:
                before = checkpoint_count(conn, thread)
                play.invoke(durability="sync")
                steps[player.name].append(checkpoint_count(conn, thread) - before)
        restock(player.sql, stock)
    return (
        {name: round(statistics.mean(values)) for name, values in written.items()},
        {name: round(statistics.mean(values), 2) for name, values in steps.items()},
    )


@contextlib.contextmanager
def _on(saver: str, folder: Path) -> Iterator[list[Contender]]:
    if saver == "sqlite":
        with contenders(folder, sqlite_urls(folder)) as built:
            yield built
        return
    with postgres_schema() as url, contenders(folder, lambda _name: url) as built:
        yield built


def _equivalent(players: list[Contender]) -> bool:
    report = compare(players, DIALOGS)
    problems = {f"{dialog}/{name}": found for dialog, per in report.items() for name, found in per.items() if found}
    for where, found in problems.items():
        print(f"  NOT EQUIVALENT {where}: {found[0][:300]}")
    return not problems


def main(rounds: int = ROUNDS, warmup: int = WARMUP) -> dict[str, Any]:
    """Measure, print and return the per-turn figures (see the module docstring)."""
    result: dict[str, Any] = {"dialogs": len(DIALOGS), "turns": turns(), "equivalent": True}
    for saver in ("sqlite", "postgres"):
        with tempfile.TemporaryDirectory(prefix=f"bench-dialog-{saver}-") as tmp, contextlib.ExitStack() as stack:
            try:
                players = stack.enter_context(_on(saver, Path(tmp)))
            except (OSError, psycopg.OperationalError) as exc:  # no PostgreSQL server: say so, keep the rest
                print(f"\n{saver}: not measured ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
                result[saver] = None
                continue
            stock = {player.name: _stock(player.sql) for player in players}
            result["equivalent"] = _equivalent(players) and result["equivalent"]
            for player in players:
                restock(player.sql, stock[player.name])
            samples = interleaved(players, rounds, warmup)
            result[saver] = figures(samples)
            _per_turn_table(f"order dialog per turn on {saver} (median ms, interleaved, {rounds} rounds)", samples)
            if saver == "sqlite":
                result["checkpoint_bytes_per_turn"], result["supersteps_per_turn"] = per_turn_costs(players)
    _print_summary(result)
    return result


def _print_summary(result: dict[str, Any]) -> None:
    rows = []
    for saver in ("sqlite", "postgres"):
        figures_ = result.get(saver)
        if figures_:
            for name in NAMES:
                rows.append((saver, name, figures_[name]["p50_ms"], figures_[name]["p99_ms"]))
    print_table(
        "order dialog, every turn (target: unfused <= 1.05x, fused <= 0.8x the reference)",
        rows,
        ("saver", "graph", "p50 ms", "p99 ms"),
    )
    for saver in ("sqlite", "postgres"):
        if result.get(saver):
            f = result[saver]
            print(
                f"  {saver}: unfused/ref p50 {f['ratio_unfused_p50']}x p99 {f['ratio_unfused_p99']}x; "
                f"fused/ref p50 {f['ratio_fused_p50']}x p99 {f['ratio_fused_p99']}x"
            )
    costs = [
        (n, result.get("checkpoint_bytes_per_turn", {}).get(n), result.get("supersteps_per_turn", {}).get(n))
        for n in NAMES
    ]
    print_table("per turn on SqliteSaver (untimed passes)", costs, ("graph", "checkpoint bytes", "checkpoints (sync)"))
    print(f"  {result['dialogs']} dialogs, {result['turns']} turns each round; equivalent: {result['equivalent']}")


if __name__ == "__main__":
    main()
