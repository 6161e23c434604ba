"""Conversation events: what the runner writes to the `events` table as a dialog goes on, on SQLite and
PostgreSQL, fused and unfused; written with the run-table update (never for a turn that wrote nothing), pruned
with the runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from config import Config
from errors import ConflictError
from graphs.run.engine import Engine
from graphs.store.events import EVENT_KINDS, events_of, events_table
from graphs.store.retention import prune_runs
from tests.dialog_support import app_on_backend
from tests.sql_fixtures import BACKENDS


@pytest.fixture
def fuse_steps() -> bool:
    """Whether the graphs fuse chains of steps (as shipped); tests parametrize it."""
    return True


@pytest.fixture(params=BACKENDS)
def backend_engine(request: pytest.FixtureRequest, settings: Config, fuse_steps: bool) -> Iterator[Engine]:
    """The app's engine with its run table and checkpoints on SQLite or on a fresh PostgreSQL schema."""
    with app_on_backend(request, settings.model_copy(update={"FUSE_STEPS": fuse_steps})) as app:
        yield app.extensions["t7"].engine


def _told(engine: Engine, run_id: str) -> list[tuple[str, str | None, str | None]]:
    return [(e["kind"], e["step"], e["command"]) for e in events_of(engine.runs.engine, run_id)]


@pytest.mark.parametrize("fuse_steps", [True, False], ids=["fused", "unfused"])
def test_a_dialog_with_a_correction_tells_every_question_reading_and_repair(backend_engine: Engine) -> None:
    engine = backend_engine
    runner = engine.runner("alta_pedido")
    waiting = runner.start({"cliente": "Initech"}, owner="sesion-1")
    corrected = runner.resume(waiting.run_id, "no, el cliente es umbrela corp")
    assert corrected.step == "cliente__choose"
    chosen = runner.resume(waiting.run_id, "el primero")
    assert chosen.step == "productos"
    cancelled = runner.resume(waiting.run_id, "cancelar")
    assert cancelled.status == "cancelled"
    told = _told(engine, waiting.run_id)
    assert told == [
        ("started", None, None),
        ("asked", "productos", None),
        ("read", "productos", "correct"),
        ("repaired", "productos", "correct"),
        ("asked", "cliente__choose", None),
        ("read", "cliente__choose", "choose"),
        ("repaired", "cliente__choose", "choose"),
        ("asked", "productos", None),
        ("read", "productos", "cancel"),
        ("repaired", "productos", "cancel"),
        ("cancelled", None, None),
    ]
    rows = events_of(engine.runs.engine, waiting.run_id)
    assert {r["pipeline"] for r in rows} == {"alta_pedido"} and {r["session"] for r in rows} == {"sesion-1"}
    assert {r["version"] for r in rows} == {runner.version}
    assert all(r["kind"] in EVENT_KINDS for r in rows)
    correction = rows[3]
    assert correction["detail"]["slot"] == "cliente"
    read = rows[2]
    assert read["text"] == "no, el cliente es umbrela corp" and 0 < read["confidence"] <= 1
    assert rows[4]["text"] == corrected.question  # the question as it was asked
    stamps = [r["at"] for r in rows]
    assert stamps == sorted(stamps)


def test_help_is_told_though_the_run_table_does_not_change(backend_engine: Engine) -> None:
    runner = backend_engine.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "2 teclados"})
    assert waiting.step == "producto__choose"
    runner.resume(waiting.run_id, "no entiendo")
    assert _told(backend_engine, waiting.run_id)[-2:] == [
        ("read", "producto__choose", "help"),
        ("repaired", "producto__choose", "help"),
    ]


def test_a_completed_order_ends_with_completed_and_an_api_answer_is_read_as_given(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "1 grapadora"})
    assert waiting.step == "confirmar"
    done = runner.resume(waiting.run_id, "sí", understand=False)
    assert done.status == "completed"
    assert _told(engine, waiting.run_id)[-3:] == [
        ("asked", "confirmar", None),
        ("read", "confirmar", "answer"),
        ("completed", None, None),
    ]


def test_a_digression_tells_its_own_run_and_the_repair_on_the_interrupted_one(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    parent = runner.start({"cliente": "Globex"})
    child = runner.resume(parent.run_id, "¿cuánto stock hay de teclados?")
    assert child.parent == parent.run_id
    assert _told(engine, parent.run_id)[-1] == ("repaired", "productos", "digress")
    child_rows = events_of(engine.runs.engine, child.run_id)
    assert child_rows[0]["kind"] == "started" and child_rows[0]["detail"]["parent"] == parent.run_id
    assert "teclado" in str(child_rows[0]["detail"]["args"])  # what the digression was started with
    assert child_rows[0]["pipeline"] == "stock"


def test_a_refused_answer_writes_no_event(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "1 grapadora"})
    runner.resume(waiting.run_id, "sí")
    before = _told(engine, waiting.run_id)
    with pytest.raises(ConflictError):
        runner.resume(waiting.run_id, "sí")
    assert _told(engine, waiting.run_id) == before


def test_pruning_a_run_deletes_its_events_and_keeps_a_waiting_runs(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    ended = runner.start({"cliente": "Globex", "productos": "1 grapadora"})
    runner.resume(ended.run_id, "sí")
    waiting = runner.start({"cliente": "Globex"})
    report = prune_runs(engine, 0, now=10**10)
    assert report.pruned == 1
    assert events_of(engine.runs.engine, ended.run_id) == []
    assert [e["kind"] for e in events_of(engine.runs.engine, waiting.run_id)] == ["started", "asked"]
    with engine.runs.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(events_table)).scalar() == 2
