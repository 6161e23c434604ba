"""Conversation events under kill -9: a process killed between a turn's checkpoint and its run-table write (where
the events are written) or between that write and the stored reply; the client sends again what got no reply.
Every run must tell each outcome exactly once: one start, one end, no question told twice for one asking."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import PROJECT_DIR
from harness.processes import app_env, init_database

SCRIPT = ['!run alta_pedido cliente=Globex productos="2 grapadora"', "cambia grapadora a 3", "sí"]
# (point, passage): the turn that dies; the edit's turn is the second passage of each point
KILLS = [("after_checkpoint", 1), ("after_checkpoint", 2), ("after_checkpoint", 3), ("after_run_update", 2)]


def _talk(env: dict[str, str], session: str, messages: list[dict[str, str]], kill_at: str) -> tuple[int, list]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.chat_process", session, json.dumps(messages)],
        cwd=PROJECT_DIR,
        env={**os.environ, **env, "T7_KILL_AT": kill_at},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode not in (0, -9):
        raise AssertionError(f"the chat process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _events(checkpoint_url: str, session: str) -> list[dict[str, object]]:
    engine = sa.create_engine(checkpoint_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT kind, step, command, detail FROM events WHERE session = :s ORDER BY id")
            return [dict(row) for row in conn.execute(query, {"s": f"chat:{session}"}).mappings()]
    finally:
        engine.dispose()


@pytest.mark.parametrize("fused", ["1", "0"], ids=["fused", "unfused"])
def test_a_killed_turn_tells_its_outcome_once(fused: str, tmp_path: Path) -> None:
    env, _data_url, checkpoint_url = app_env(tmp_path / "data", None)
    env.update(RUN_LEASE_SECONDS="1", FUSE_STEPS=fused)
    init_database(env, tmp_path / "init.log")
    kills, problems = 0, {}
    for point, passage in KILLS:
        session = f"events-{point}-{passage}-{fused}-{secrets.token_hex(4)}"
        messages = [{"message": text, "message_id": f"m{i}"} for i, text in enumerate(SCRIPT)]
        code, seen = _talk(env, session, messages, f"{point}:{passage}")
        kills += code == -9
        _, after = _talk(env, session, messages[len(seen) :], "")
        told = _events(checkpoint_url, session)
        kinds = Counter(str(e["kind"]) for e in told)
        asked = [e["step"] for e in told if e["kind"] == "asked"]
        # started → confirmar; the edit → confirmar again; «sí» → completed: each told once, dead turn or not
        if (
            (seen + after)[-1]["body"]["status"] != "completed"
            or kinds["started"] != 1
            or kinds["completed"] != 1
            or asked != ["confirmar", "confirmar"]
        ):
            problems[session] = told
    assert problems == {}
    assert kills == len(KILLS)
