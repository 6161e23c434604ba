"""Durability of runs: they survive restarts and file changes, and concurrent answers never fork them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import PROJECT_DIR, Config
from errors import ConflictError
from graphs.result import RunResult
from graphs.run.engine import Engine
from tools.generic import generic_toolset
from tools.registry import Services, ToolRegistry

THREADS = 12


@pytest.fixture
def eng(settings: Config) -> Iterator[Engine]:
    """An engine on the test folders with the generic tools."""
    engine = Engine(settings, registry=ToolRegistry(Services(), [generic_toolset]))
    yield engine
    engine.close()


def run_python(code: str, settings: Config) -> dict[str, Any]:
    """Run `code` in a fresh interpreter configured only through the environment; return its JSON output."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "DATABASE_URL", "CHECKPOINT_URL", "LLM_", "EMBEDDINGS"))
    }
    env.update(
        DATA_DIR=str(settings.DATA_DIR),
        PIPELINES_DIR=str(settings.PIPELINES_DIR),
        SEED_DEMO_DATA="false",
        PYTHONPATH=str(PROJECT_DIR),
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_waiting_run_survives_a_process_restart(settings: Config) -> None:
    started = run_python(
        "import json\n"
        "from graphs import load_pipeline\n"
        "result = load_pipeline('todo_junto')(cantidad=3)\n"
        "print(json.dumps(result.to_dict()))\n",
        settings,
    )
    assert started["status"] == "waiting" and started["question"] == "¿Cómo te llamas?"
    # The second process builds its engine from the environment too (Config() reads DATA_DIR and PIPELINES_DIR),
    # with only the generic tools so it does not pay for importing the LLM client again.
    resumed = run_python(
        "import json\n"
        "from config import Config\n"
        "from graphs import Engine\n"
        "from tools.generic import generic_toolset\n"
        "from tools.registry import ToolRegistry\n"
        "engine = Engine(Config(), registry=ToolRegistry(None, [generic_toolset]))\n"
        f"result = engine.resume({started['run_id']!r}, 'Eva')\n"
        "print(json.dumps(result.status_dict()))\n",
        settings,
    )
    assert resumed["status"] == "completed" and resumed["run_id"] == started["run_id"]
    assert resumed["output"] == {"total": 6, "texto_saludo": "¡Hola, Eva!"}
    assert resumed["steps_done"] == ["pedir_cantidad", "leer_cantidad", "saludo", "calcular", "pequeno"]
    # And a third process (this one) sees the same finished run.
    engine = Engine(settings, registry=ToolRegistry(Services(), [generic_toolset]))
    try:
        assert engine.status(started["run_id"]).status == "completed"
    finally:
        engine.close()


@pytest.mark.parametrize("change", ["delete", "break"])
def test_runs_survive_their_pipeline_file_being_removed_or_broken(
    eng: Engine, pipelines_dir: Path, change: str
) -> None:
    waiting = eng.runner("ejemplo_simple")()
    path = pipelines_dir / "ejemplo_simple.yaml"
    if change == "delete":
        path.unlink()
    else:
        path.write_text("name: ejemplo_simple\nsteps: [\n")
    assert eng.status(waiting.run_id).status == "waiting"
    assert eng.resume(waiting.run_id, "Ana").output == {"saludo": "¡Hola, Ana!"}


def resume_all_at_once(engine: Engine, run_id: str, prefix: str) -> tuple[list[RunResult], list[ConflictError]]:
    """Answer one run from many threads released together; the successes and the refusals."""
    barrier = threading.Barrier(THREADS)
    results: list[RunResult] = []
    conflicts: list[ConflictError] = []
    lock = threading.Lock()

    def answer(i: int) -> None:
        barrier.wait()
        try:
            result = engine.resume(run_id, f"{prefix}{i + 1}")
        except ConflictError as exc:
            with lock:
                conflicts.append(exc)
        else:
            with lock:
                results.append(result)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, conflicts


def history(engine: Engine, run_id: str) -> list[Any]:
    """Every checkpoint of a run, newest first."""
    runner = engine.runner_for_run(run_id)
    return list(runner.graph.get_state_history({"configurable": {"thread_id": run_id}}))


def assert_single_chain(snapshots: list[Any]) -> None:
    """The checkpoints form one line: no two share a parent (a fork would)."""
    parents = [(s.parent_config or {}).get("configurable", {}).get("checkpoint_id") for s in snapshots]
    assert len(parents) == len(set(parents)), parents
    ids = [s.config["configurable"]["checkpoint_id"] for s in snapshots]
    assert parents[:-1] == ids[1:] and parents[-1] is None


def test_concurrent_resumes_one_wins_the_others_conflict(eng: Engine) -> None:
    waiting = eng.runner("ejemplo_simple")()
    results, conflicts = resume_all_at_once(eng, waiting.run_id, "Nombre")
    assert len(results) == 1 and len(conflicts) == THREADS - 1
    winner = results[0]
    assert winner.status == "completed"
    assert {c.details["status"] for c in conflicts} <= {"busy", "completed", "stale"}
    snapshots = history(eng, waiting.run_id)
    assert_single_chain(snapshots)
    answered = [s for s in snapshots if s.values.get("nombre")]
    assert {s.values["nombre"] for s in answered} == {winner.output["saludo"][7:-1]}  # type: ignore[index]
    assert len(snapshots) == 2  # the pause, then the one answer (durability "exit": one checkpoint per turn)


def test_concurrent_resumes_never_answer_the_next_question(eng: Engine) -> None:
    # After the winner's answer the run waits again (the sub-pipeline asks a name): a late thread must not take
    # its stale answer as the answer to that new question.
    waiting = eng.runner("todo_junto")(cantidad=0)
    results, conflicts = resume_all_at_once(eng, waiting.run_id, "")
    assert len(results) == 1 and len(conflicts) == THREADS - 1
    assert results[0].status == "waiting" and results[0].step == "pedir_nombre"
    status = eng.status(waiting.run_id)
    assert status.status == "waiting" and status.step == "pedir_nombre"  # nobody answered the name question
    assert status.steps_done == ["pedir_cantidad", "leer_cantidad"]
    assert_single_chain(history(eng, waiting.run_id))
