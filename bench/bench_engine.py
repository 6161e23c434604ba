"""Engine benchmarks: load+validate+compile, YAML graph vs hand-written graph, resume, durability modes."""

from __future__ import annotations

import itertools
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from bench import measure, median_ms, print_table, summary
from bench.engine_graphs import (
    INPUTS,
    INPUTS_GRANDE,
    RESUME_PIPELINE,
    bare_resume_graph,
    final_values,
    hand_graph,
    pipeline_text,
    registry,
    three_node_graph,
)
from config import Config
from graphs.compile.compiler import compile_pipeline
from graphs.run.engine import Engine
from graphs.store.databases import open_checkpointer
from pipelines.loader import parse_text
from pipelines.yaml_source import read_yaml
from tools.registry import ToolRegistry


def bench_compile(tools: ToolRegistry, runs: int = 200) -> dict[str, Any]:
    """(a) Load + validate + compile the 20-step pipeline (no cache), and each part alone."""
    text, kinds = pipeline_text(), tools.param_models()
    config = parse_text(text, tool_kinds=kinds)
    samples = measure(
        {
            "load+validate": lambda: parse_text(text, tool_kinds=kinds),
            "compile": lambda: compile_pipeline(config, tools, None),
            "load+validate+compile": lambda: compile_pipeline(parse_text(text, tool_kinds=kinds), tools, None),
            # where the time goes: YAML reading alone, and LangGraph compiling the same graph wired by hand
            "of which: YAML read (read_yaml)": lambda: read_yaml(text),
            "for reference: hand-wired graph compile": lambda: hand_graph(None),
        },
        runs=runs,
        warmup=20,
    )
    return {name: summary(values) for name, values in samples.items()}


def _invoke(graph: CompiledStateGraph, checkpointed: bool, inputs: dict[str, Any]) -> Callable[[], Any]:
    counter = itertools.count()

    def call() -> Any:
        if not checkpointed:
            return graph.invoke(dict(inputs))
        config = {"configurable": {"thread_id": f"t{next(counter)}"}, "recursion_limit": 500}
        return graph.invoke(dict(inputs), config, durability="exit")

    return call


def same_run(yaml_graph: CompiledStateGraph, hand: CompiledStateGraph, inputs: dict[str, Any]) -> dict[str, Any]:
    """Run both graphs on `inputs`; they must end in the same full state (every step writes a key of its own, so
    the same steps ran). The final values."""
    yaml_final, hand_final = yaml_graph.invoke(dict(inputs), _thread()), hand.invoke(dict(inputs), _thread())
    assert final_values(yaml_final) == final_values(hand_final), (final_values(yaml_final), hand_final)
    return hand_final


def bench_yaml_vs_hand(tools: ToolRegistry, folder: Path, runs: int = 300) -> dict[str, Any]:
    """(b) The compiled YAML pipeline vs the same pipeline written by hand in LangGraph, with no checkpointer and
    with SQLite, on the long path (`normal`) and on the branch that jumps to `grande`."""
    config = parse_text(pipeline_text(), tool_kinds=tools.param_models())
    figures: dict[str, Any] = {}
    saver, close = open_checkpointer(f"sqlite:///{folder / 'yaml_vs_hand.db'}")
    try:
        for label, checkpointer in (("no checkpointer", None), ("SqliteSaver", saver)):
            yaml_graph, hand = compile_pipeline(config, tools, checkpointer), hand_graph(checkpointer)
            unfused = compile_pipeline(config, tools, checkpointer, fuse=False)
            for path, inputs in (("", INPUTS), (", grande", INPUTS_GRANDE)):
                final = same_run(yaml_graph, hand, inputs)
                assert same_run(unfused, hand, inputs) == final
                assert final["messages"][0].startswith("Grande" if path else "Hecho"), final["messages"]
                samples = measure(
                    {
                        "yaml": _invoke(yaml_graph, checkpointer is not None, inputs),
                        "yaml_unfused": _invoke(unfused, checkpointer is not None, inputs),
                        "hand": _invoke(hand, checkpointer is not None, inputs),
                    },
                    runs=runs,
                    warmup=30,
                )
                hand_ms = median_ms(samples["hand"])
                figures[label + path] = {
                    "yaml": summary(samples["yaml"]),
                    "yaml_unfused": summary(samples["yaml_unfused"]),
                    "hand": summary(samples["hand"]),
                    "ratio": round(median_ms(samples["yaml"]) / hand_ms, 3),
                    "ratio_unfused": round(median_ms(samples["yaml_unfused"]) / hand_ms, 3),
                }
    finally:
        close()
    return figures


def _thread() -> dict[str, Any]:
    return {"configurable": {"thread_id": f"check-{uuid.uuid4()}"}, "recursion_limit": 500}


def bench_resume(folder: Path, runs: int = 200) -> dict[str, Any]:
    """(c) One resume of a waiting run on SQLite: Runner.resume vs the same graph invoked bare vs a bare graph."""
    pipelines = folder / "pipelines"
    pipelines.mkdir()
    (pipelines / "bench_resume.yaml").write_text(RESUME_PIPELINE, encoding="utf-8")
    engine = Engine(
        Config(
            DATA_DIR=folder / "data",
            PIPELINES_DIR=pipelines,
            SECRET_KEY="bench",
            DATABASE_URL=None,
            CHECKPOINT_URL=None,
            OPENAI_API_KEY=None,
            OPENAI_BASE_URL=None,
        ),
        registry=registry(),
    )
    runner = engine.runner("bench_resume")
    saver, close = open_checkpointer(f"sqlite:///{folder / 'bare.db'}")
    bare = bare_resume_graph(saver)
    counter = itertools.count()

    def waiting() -> dict[str, Any]:
        """Untimed set-up of one round: a waiting run for each contender."""
        bare_config = {"configurable": {"thread_id": f"b{next(counter)}"}}
        bare.invoke({}, bare_config, durability="exit")
        graph_run = runner.start({})
        graph_config = {
            "configurable": {"thread_id": graph_run.run_id, "run_id": graph_run.run_id},
            "recursion_limit": 500,
        }
        return {"runner": runner.start({}).run_id, "graph": graph_config, "bare": bare_config}

    try:
        samples = measure(
            {
                "Runner.resume": lambda r: runner.resume(r["runner"], "sí"),
                "runner.graph.invoke(Command)": lambda r: runner.graph.invoke(
                    Command(resume="sí"), r["graph"], durability="exit"
                ),
                "bare LangGraph invoke(Command)": lambda r: bare.invoke(
                    Command(resume="sí"), r["bare"], durability="exit"
                ),
            },
            runs=runs,
            warmup=20,
            setup=waiting,
        )
    finally:
        close()
        engine.close()
    figures: dict[str, Any] = {name: summary(values) for name, values in samples.items()}
    figures["ratio Runner.resume / bare"] = round(
        median_ms(samples["Runner.resume"]) / median_ms(samples["bare LangGraph invoke(Command)"]), 2
    )
    return figures


def bench_durability(folder: Path, runs: int = 200) -> dict[str, Any]:
    """Per-invoke cost of a 3-node graph: no checkpointer, and SqliteSaver with durability sync / exit / async."""
    builder = three_node_graph()
    saver, close = open_checkpointer(f"sqlite:///{folder / 'durability.db'}")
    plain, saved = builder.compile(), builder.compile(checkpointer=saver)
    counter = itertools.count()

    def with_mode(mode: str) -> Callable[[], Any]:
        return lambda: saved.invoke({"x": 0}, {"configurable": {"thread_id": f"d{next(counter)}"}}, durability=mode)

    try:
        samples = measure(
            {
                "no checkpointer": lambda: plain.invoke({"x": 0}),
                "sync": with_mode("sync"),
                "exit": with_mode("exit"),
                "async": with_mode("async"),
            },
            runs=runs,
            warmup=20,
        )
    finally:
        close()
    return {name: summary(values) for name, values in samples.items()}


def main() -> dict[str, Any]:
    """Run every engine benchmark, print the tables and return the figures."""
    tools = registry()
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        folder = Path(tmp)
        figures = {
            "compile": bench_compile(tools),
            "yaml_vs_hand": bench_yaml_vs_hand(tools, folder),
            "resume": bench_resume(folder),
            "durability": bench_durability(folder),
        }
    print_table(
        "(a) 20-step pipeline, no cache (target: load+validate+compile <= 10 ms)",
        [(k, v["median_ms"], v["p90_ms"]) for k, v in figures["compile"].items()],
        ("part", "median ms", "p90 ms"),
    )
    print_table(
        "(b) YAML pipeline (fused, unfused) vs the same pipeline written by hand in LangGraph (target ratio <= 1.05)",
        [
            (
                k,
                v["yaml"]["median_ms"],
                v["yaml_unfused"]["median_ms"],
                v["hand"]["median_ms"],
                v["ratio"],
                v["ratio_unfused"],
            )
            for k, v in figures["yaml_vs_hand"].items()
        ],
        ("checkpointer", "yaml ms", "unfused ms", "hand ms", "ratio", "unfused ratio"),
    )
    resume = figures["resume"]
    print_table(
        "(c) one resume of a waiting run, SQLite, durability exit",
        [(k, v["median_ms"], v["p90_ms"]) for k, v in resume.items() if isinstance(v, dict)],
        ("call", "median ms", "p90 ms"),
    )
    print(f"  Runner.resume / bare invoke: {resume['ratio Runner.resume / bare']}x")
    print_table(
        "durability per invoke, 3-node graph on SqliteSaver",
        [(k, v["median_ms"], v["p90_ms"]) for k, v in figures["durability"].items()],
        ("mode", "median ms", "p90 ms"),
    )
    return figures
