"""What reading a message as a command costs: the offline reader alone, and a turn with it vs the same turn without.

The turn answers the order confirmation with a text no command matches, so both paths run the same graph steps
(the pipeline's «not understood» reply and the confirmation again); the only difference is the reader (and the
checkpoint read it needs to see the pending question).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench import measure, print_table, scaled, summary

RUNS = 300
TURNS_PER_RUN = 40  # the confirmation allows 100 visits: a fresh order well before that
# Messages of every kind, at the order confirmation (options sí/no, two lines).
MESSAGES = [
    "sí",
    "cancélalo, ya no lo quiero",
    "¿qué tengo que poner?",
    "perdona, el cliente es Umbrella Corp",
    "quita la grapadora",
    "mejor 3 teclados mecánicos",
    "¿cuánto stock hay de sillas ergonómicas?",
    "¿cómo va el pedido 3?",
    "el segundo",
    "vale, pero sin la grapadora",
    "I want to change the customer to Globex",
    "zzz qqq",
]
LINES = [
    {"text": "3 teclado mecánico", "product": "Teclado mecánico", "quantity": 3, "sku": "TEC-MEC-01"},
    {"text": "2 grapadoras", "product": "Grapadora", "quantity": 2, "sku": "GRA-01"},
]


def _reader_args(engine: Any, message: str) -> dict[str, Any]:
    from graphs.repair import _digressions

    config = engine.config("alta_pedido")
    corrections = [
        {"slot": slot, "words": c.words or [slot], "lines": c.lines, "items": LINES if c.lines else []}
        for slot, c in config.corrections().items()
    ]
    return {
        "message": message,
        "question": "Pedido para ACME S.A.: 2 línea(s). ¿Lo confirmo?",
        "options": ["sí", "no"],
        "corrections": corrections,
        "digressions": _digressions(engine, config),
    }


def main() -> dict[str, Any]:
    """Measure and print the reader per message and the turn with and without it; returns the figures."""
    from app import create_app
    from bench.command_set import COMMANDS, HOLDOUT, accuracy, load_cases
    from config import Config
    from tools.language.commands import CommandArgs, read_command

    cases = load_cases()
    totals, right, _misses = accuracy(cases)
    rows = [[kind, totals[kind], right[kind], round(100 * right[kind] / totals[kind], 1)] for kind in COMMANDS]
    rows.append(["overall", len(cases), sum(right.values()), round(100 * sum(right.values()) / len(cases), 1)])
    held = load_cases(HOLDOUT)
    held_totals, held_right, _ = accuracy(held)
    for row in rows[:-1]:
        kind = row[0]
        row.append(f"{held_right[kind]}/{held_totals[kind]}")
    held_percent = round(100 * sum(held_right.values()) / len(held), 1)
    rows[-1].append(f"{sum(held_right.values())}/{len(held)} = {held_percent} %")
    header = ["command", "messages", "right", "%", "held-out (never tuned on)"]
    print_table("command reader accuracy on the labelled set (offline)", rows, header)

    folder = Path(tempfile.mkdtemp(prefix="bench-commands-"))
    app = create_app(Config(DATA_DIR=folder / "data", SECRET_KEY="bench"))
    engine = app.extensions["t7"].engine
    prepared = [CommandArgs.model_validate(_reader_args(engine, m)) for m in MESSAGES]
    per_message = measure({"reader": lambda: [read_command(args) for args in prepared]}, runs=scaled(RUNS), warmup=20)
    reader_ns = [sample // len(prepared) for sample in per_message["reader"]]

    runner = engine.runner("alta_pedido")
    order = {"cliente": "ACME S.A.", "productos": "3 teclado mecánico, 2 grapadoras"}
    state = {"run": runner.start(order).run_id, "turns": 0}

    def turn(understand: bool) -> None:
        if state["turns"] >= TURNS_PER_RUN:
            engine.cancel(state["run"])
            state["run"], state["turns"] = runner.start(order).run_id, 0
        state["turns"] += 1
        result = runner.resume(state["run"], "zzz qqq", understand=understand)
        assert result.status == "waiting" and result.step == "confirmar", result

    turns = measure({"with reader": lambda: turn(True), "without reader": lambda: turn(False)}, runs=scaled(RUNS))
    figures = {
        "accuracy_percent": {row[0]: row[3] for row in rows},
        "labelled_messages": len(cases),
        "held_out_messages": len(held),
        "held_out_accuracy_percent": held_percent,
        "reader_per_message": summary(reader_ns),
        "turn_with_reader": summary(turns["with reader"]),
        "turn_without_reader": summary(turns["without reader"]),
    }
    with_ms = figures["turn_with_reader"]["median_ms"]
    without_ms = figures["turn_without_reader"]["median_ms"]
    figures["reader_overhead_p50_ms"] = round(with_ms - without_ms, 3)
    figures["turn_ratio_p50"] = round(with_ms / without_ms, 3)
    print_table(
        "command reader (offline) and one alta_pedido turn at the confirmation, interleaved",
        [
            ["reader alone, per message", figures["reader_per_message"]["median_ms"], "-"],
            ["turn with reader", with_ms, figures["turn_ratio_p50"]],
            ["turn without reader", without_ms, 1.0],
        ],
        ["case", "p50 ms", "ratio"],
    )
    print(f"  reader overhead per turn (p50): {figures['reader_overhead_p50_ms']} ms")
    engine.close()
    return figures


if __name__ == "__main__":
    main()
