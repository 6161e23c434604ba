"""The trained message reader: accuracy on the dev set (tuned on) and the frozen test set (never tuned on), what
reading a message costs, the model's size in memory, how long training takes, and a turn with and without it.

The turn answers the order confirmation with a text that is no command, so both paths run the same graph steps
(the pipeline's «not understood» reply and the confirmation again); the only difference is the reader (and the
checkpoint read it needs to see the pending question).
"""

from __future__ import annotations

import pickle
import tempfile
import time
import tracemalloc
from itertools import cycle
from pathlib import Path
from typing import Any

from app import create_app
from bench import measure, print_table, scaled, summary
from config import Config
from graphs.repair.understanding import ask_step_at, question_at, read_case, reader_spec
from tools.language.reader.evaluation import evaluate, load_cases
from tools.language.reader.training import fit_reader, idle_samples, waiting_samples

RUNS = 300
READS = 2000
TURNS_PER_RUN = 40  # the confirmation allows 100 visits: a fresh order well before that
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"dev": DATA / "nlu_dev.yaml", "test": DATA / "nlu_test.yaml"}
COMMANDS = ("cancel", "help", "correct", "digress", "choose", "answer", "affirm", "deny")


def _accuracy(engine: Any) -> dict[str, Any]:
    """Each labelled set's report, and the share of its waiting messages a model would be asked about with
    MODEL_READS=unsure."""
    figures: dict[str, Any] = {}
    for name, path in SETS.items():
        cases = load_cases(path)
        report = evaluate(cases, lambda case: read_case(engine.understanding, case))
        figures[name] = report.to_dict()
        waiting = [case for case in cases if case.waiting]
        figures[name]["waiting"] = len(waiting)
        figures[name]["idle"] = len(cases) - len(waiting)
        scores = report.scores()
        rows = [[label, f"{s['precision']:.1%}", f"{s['recall']:.1%}", s["support"]] for label, s in scores.items()]
        rows.append(["accuracy", f"{report.accuracy:.1%}", "", f"{report.right}/{report.total}"])
        print_table(f"message reader on {path.name}", rows, ["label", "precision", "recall", "support"])
    return figures


def _unsure_share(engine: Any) -> dict[str, Any]:
    """How many dev messages to a waiting run the trained reader is unsure of (those a model would read)."""
    reader = engine.understanding.reader()
    unsure = total = 0
    for case in load_cases(SETS["dev"]):
        if not case.waiting:
            continue
        config = engine.config(case.pipeline)
        step = ask_step_at(config, case.at or "", options=bool(case.options))
        question = question_at(config, step, options=list(case.options) or None)
        total += 1
        unsure += not reader.read(case.text, question).sure
    return {"messages": total, "unsure": unsure, "share": round(unsure / total, 4) if total else 0.0}


def _size(trained: Any) -> dict[str, float]:
    """The trained reader's size: pickled, and in memory once loaded (traced allocations)."""
    blob = pickle.dumps(trained, protocol=pickle.HIGHEST_PROTOCOL)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loaded = pickle.loads(blob)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del loaded
    return {"pickled_mb": round(len(blob) / 2**20, 2), "memory_mb": round((after - before) / 2**20, 2)}


def _training(engine: Any) -> dict[str, Any]:
    """Seconds to train from scratch (no cache), and how many samples each model learns from."""
    sql = engine.registry.services.sql
    spec = reader_spec(engine.understanding.configs(), sql.product_names(), sql.customer_names())
    started = time.perf_counter()
    trained = fit_reader(spec, "bench")
    seconds = time.perf_counter() - started
    gazetteer = trained.gazetteer
    return {
        "seconds": round(seconds, 2),
        "waiting_samples": len(waiting_samples(spec, gazetteer)),
        "idle_samples": len(idle_samples(spec, gazetteer)),
        **_size(trained),
    }


def _per_message(engine: Any) -> dict[str, Any]:
    """Reading one message at its question (the dev set's waiting messages in turn), and routing an idle one."""
    reader = engine.understanding.reader()
    cases = load_cases(SETS["dev"])
    waiting = []
    for case in cases:
        if case.waiting:
            config = engine.config(case.pipeline)
            step = ask_step_at(config, case.at or "", options=bool(case.options))
            question = question_at(config, step, options=list(case.options) or None)
            waiting.append((case.text, question))
    idle = cycle([case.text for case in cases if not case.waiting])
    messages = cycle(waiting)

    def read() -> None:
        text, question = next(messages)
        reader.read(text, question)

    samples = measure({"read": read, "route": lambda: reader.route(next(idle))}, runs=scaled(READS), warmup=50)
    return {"read": summary(samples["read"]), "route": summary(samples["route"])}


def _turns(engine: Any) -> dict[str, Any]:
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
    with_reader, without = summary(turns["with reader"]), summary(turns["without reader"])
    return {
        "turn_with_reader": with_reader,
        "turn_without_reader": without,
        "reader_overhead_p50_ms": round(with_reader["median_ms"] - without["median_ms"], 3),
    }


def main() -> dict[str, Any]:
    """Measure and print every figure of the reader; returns them."""
    folder = Path(tempfile.mkdtemp(prefix="bench-reader-"))
    app = create_app(Config(DATA_DIR=folder / "data", SECRET_KEY="bench"))
    engine = app.extensions["t7"].engine
    engine.understanding.reader()  # trained (or loaded) before anything is timed
    figures: dict[str, Any] = {"training": _training(engine)}
    figures.update(_accuracy(engine))
    figures["model_reads_unsure"] = _unsure_share(engine)
    figures["per_message"] = _per_message(engine)
    figures.update(_turns(engine))
    training, per = figures["training"], figures["per_message"]
    print_table(
        "what the reader costs",
        [
            ["training from scratch (s)", training["seconds"]],
            ["model in memory (MB)", training["memory_mb"]],
            ["model pickled (MB)", training["pickled_mb"]],
            ["read one message, p50 / p99 (ms)", f"{per['read']['p50_ms']} / {per['read']['p99_ms']}"],
            ["route one idle message, p50 / p99 (ms)", f"{per['route']['p50_ms']} / {per['route']['p99_ms']}"],
            [
                "turn with / without the reader, p50 (ms)",
                f"{figures['turn_with_reader']['p50_ms']} / {figures['turn_without_reader']['p50_ms']}",
            ],
            ["dev messages a model would read (MODEL_READS=unsure)", figures["model_reads_unsure"]["share"]],
        ],
        ["figure", "value"],
    )
    engine.close()
    return figures
