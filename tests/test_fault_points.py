"""Kill -9 at the named points of a turn (graphs/observe/faults.py), where a crash hurts: after an order is written and
before its checkpoint, inside a fused chain, between the checkpoint and the run table, between the run table and
the stored reply. The client then does what a real one would: it sends again, with its id, the message that got
no reply, and goes on. Every dialog must end with exactly the order the user confirmed, and no reply may
contradict the database."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from config import PROJECT_DIR
from graphs.observe import faults
from harness.fault_player import session_orders
from harness.processes import app_env, init_database
from tests.sub_pipelines import write_sub_pipelines

START = '!run alta_pedido cliente=Globex productos="2 grapadora, 1 teclado mecánico"'
SCRIPT = [START, "cambia grapadora a 3", "sí"]
CONFIRMED = {"customer": "Globex", "lines": {"Grapadora": 3, "Teclado mecánico": 1}}
# (point, passage): the turns pass each point once each (the order is written in the third), a fused chain
# several times a turn (its first passages are in the first turn)
KILLS = [
    ("after_effect", 1),
    *[("in_fused_chain", n) for n in (1, 2, 3)],
    ("in_fused_chain@crear_pedido", 1),  # the order is written, the reply step not run yet
    *[(point, n) for point in ("after_checkpoint", "after_run_update", "after_reply") for n in (1, 2, 3)],
]
MIN_KILLS = 20
NOTHING_SAVED = "No se ha guardado nada"


def _talk(env: dict[str, str], session: str, messages: list[dict[str, str]], kill_at: str | None) -> tuple[int, list]:
    """Post `messages` from a process of their own (killed at `kill_at`): its exit code and the replies it saw."""
    run_env = {**os.environ, **env, "T7_KILL_AT": kill_at or ""}
    done = subprocess.run(
        [sys.executable, "-m", "tests.chat_process", session, json.dumps(messages)],
        cwd=PROJECT_DIR,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    replies = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode not in (0, -9):
        raise AssertionError(f"the chat process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.returncode, replies


def _deployment(tmp_path: Path, database: str | None) -> tuple[dict[str, str], str, str]:
    env, data_url, checkpoint_url = app_env(tmp_path / "data", database)
    env["RUN_LEASE_SECONDS"] = "1"  # a dead process's leases run out after this long
    init_database(env, tmp_path / "init.log")
    engine = sa.create_engine(data_url)
    with engine.begin() as conn:  # many dialogs buy from one catalog
        conn.execute(sa.text("UPDATE products SET stock = 100000"))
    engine.dispose()
    return env, data_url, checkpoint_url


def _contradictions(replies: list[dict[str, Any]], orders: list[dict[str, Any]]) -> list[str]:
    """Replies that say something the database denies."""
    wrong = []
    for reply in replies:
        text = (reply["body"] or {}).get("reply") or (reply["body"] or {}).get("error", {}).get("message", "")
        if orders and NOTHING_SAVED in text:
            wrong.append(f"{reply['message_id']}: {text!r} while an order was written")
        if reply["status"] >= 500:
            wrong.append(f"{reply['message_id']}: HTTP {reply['status']}")
    return wrong


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_kills_at_every_named_point_leave_exactly_the_confirmed_order(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    env, data_url, checkpoint_url = _deployment(tmp_path, database)
    kills, problems = 0, {}
    for fused in ("1", "0"):
        for point, passage in KILLS:
            if point.startswith("in_fused_chain") and fused == "0":
                continue
            case_env = {**env, "FUSE_STEPS": fused}
            session = f"kill-{point.replace('@', '-')}-{passage}-{fused}-{secrets.token_hex(4)}"
            messages = [{"message": text, "message_id": f"m{i}"} for i, text in enumerate(SCRIPT)]
            code, seen = _talk(case_env, session, messages, f"{point}:{passage}")
            kills += code == -9
            # the client sends again what got no reply (with its id), then the rest of its script
            _, after = _talk(case_env, session, messages[len(seen) :], None)
            replies = seen + after
            orders = session_orders(checkpoint_url, data_url, session)
            last = replies[-1]["body"]
            wrong = _contradictions(replies, orders)
            if orders != [CONFIRMED] or last.get("status") != "completed" or wrong:
                problems[session] = {"orders": orders, "last": last, "wrong": wrong}
    assert problems == {}
    assert kills >= MIN_KILLS


@pytest.mark.parametrize("fused", ["1", "0"])
def test_a_no_after_a_crash_behind_the_written_order_tells_the_truth(fused: str, tmp_path: Path) -> None:
    """The process dies right after the order commits, before the checkpoint; the user, who saw no reply, writes
    «no»: the «sí» is finished first (the order it wrote is the one kept) and the «no» cancels nothing."""
    env, data_url, checkpoint_url = _deployment(tmp_path, None)
    env["FUSE_STEPS"] = fused
    session = f"no-after-crash-{fused}-{secrets.token_hex(4)}"
    messages = [{"message": START, "message_id": "m0"}, {"message": "sí", "message_id": "m1"}]
    code, seen = _talk(env, session, messages, "after_effect:1")
    assert code == -9 and [r["message_id"] for r in seen] == ["m0"]
    _, after = _talk(env, session, [{"message": "no", "message_id": "m2"}], None)
    orders = session_orders(checkpoint_url, data_url, session)
    assert len(orders) == 1
    reply = after[0]["body"]["reply"]
    assert NOTHING_SAVED not in reply and "cancelado" not in reply.lower()
    assert "registrado" in reply
    # the «sí» sent again with its id gets the reply it was finished with
    _, resent = _talk(env, session, [messages[1]], None)
    assert resent[0]["body"]["status"] == "completed" and "registrado" in resent[0]["body"]["reply"]
    assert len(session_orders(checkpoint_url, data_url, session)) == 1


@pytest.mark.parametrize("fused", ["1", "0"])
def test_a_correction_killed_before_its_turn_is_finished_before_the_next_message(fused: str, tmp_path: Path) -> None:
    """The process dies after a correction is written and before the turn that checks it; the client sends it
    again, and that process dies after finishing that turn; a third sends what got no reply. The correction's reply
    shows the order as corrected, and the «sí» after it confirms it (it was once taken for what moved the run)."""
    env, data_url, checkpoint_url = _deployment(tmp_path, None)
    env["FUSE_STEPS"] = fused
    session = f"repair-kill-{fused}-{secrets.token_hex(4)}"
    messages = [
        {"message": text, "message_id": f"m{i}"} for i, text in enumerate([START, "quita el teclado mecánico", "sí"])
    ]
    replies: list[dict[str, Any]] = []
    for kill_at in ("after_repair:1", "after_checkpoint:1", None):
        code, seen = _talk(env, session, messages[len(replies) :], kill_at)
        assert code == (-9 if kill_at else 0)
        replies += seen
    assert [reply["message_id"] for reply in replies] == ["m0", "m1", "m2"]
    assert "1 línea(s)" in replies[1]["body"]["reply"]
    assert replies[2]["body"]["status"] == "completed"
    assert session_orders(checkpoint_url, data_url, session) == [{"customer": "Globex", "lines": {"Grapadora": 2}}]


@pytest.mark.parametrize("kill_at", ["in_undo:1", "after_checkpoint:4"])
@pytest.mark.parametrize("fused", ["1", "0"])
def test_a_kill_inside_an_undo_of_a_sub_pipeline_leaves_one_undo(fused: str, kill_at: str, tmp_path: Path) -> None:
    """The process dies after an undo put the sub-pipeline's earlier question back: before its turn ran, or after
    its turn's checkpoint and before the run's row; the client sends the undo again: the run goes back one
    question (not two) and the dialog ends as the user said."""
    env, _, _ = _deployment(tmp_path, None)
    folder = tmp_path / "pipelines"
    folder.mkdir()
    for source in (PROJECT_DIR / "pipelines").glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    write_sub_pipelines(folder)
    env.update(PIPELINES_DIR=str(folder), FUSE_STEPS=fused)
    session = f"undo-kill-{fused}-{secrets.token_hex(4)}"
    script = ["!run envio_cliente", "Globex", "Calle Mayor 1", "!undo", "Calle Sol 3", "700", "urgente"]
    messages = [{"message": text, "message_id": f"m{i}"} for i, text in enumerate(script)]
    code, seen = _talk(env, session, messages, kill_at)
    assert code == -9 and [reply["message_id"] for reply in seen] == ["m0", "m1", "m2"]
    assert "teléfono" in seen[-1]["body"]["reply"]
    _, after = _talk(env, session, messages[3:], None)
    assert "¿A qué dirección enviamos lo de Globex?" in after[0]["body"]["reply"]
    assert "teléfono" in after[1]["body"]["reply"]
    assert after[-1]["body"]["status"] == "completed"
    assert "Listo: Globex, Calle Sol 3 / 700, urgente" in after[-1]["body"]["reply"]


def test_the_kill_hook_is_off_by_default_and_refuses_unknown_points(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(faults.ENV, raising=False)
    assert faults.armed() is None
    monkeypatch.setenv(faults.ENV, "in_fused_chain@crear_pedido:2")
    assert faults.armed() == ("in_fused_chain", "crear_pedido", 2)
    monkeypatch.setenv(faults.ENV, "somewhere")
    with pytest.raises(ValueError, match="after_effect"):
        faults.armed()
