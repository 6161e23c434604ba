"""SIGKILL the server at random moments of the order dialogs: every dialog still ends with exactly its order.

The negative control runs the same dialogs with `CHECKPOINT_URL=memory://`, killing the server between turns:
the waiting runs are lost, and the same checks must see it.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness.dialogs import load_dialog
from harness.fault_player import CONTRACT_DIALOGS, FaultPlayer, FaultyServer, expected_order, session_orders
from harness.processes import app_env, flask_server, free_port, init_database

MIN_KILLS = 20
KILLED_DIALOGS = list(CONTRACT_DIALOGS)
# Dialog 07 buys the last two printers: it can be played once per database only.
REPEATABLE = [path for path in KILLED_DIALOGS if not path.name.startswith("07_")]
LEASE_SECONDS = "3"  # a run whose turn died with its process answers again after this long


def _deployment(tmp_path: Path, database: str | None, checkpoints: str | None = None) -> tuple[FaultyServer, str, str]:
    env, data_url, checkpoint_url = app_env(tmp_path / "data", database)
    env["RUN_LEASE_SECONDS"] = LEASE_SECONDS
    if checkpoints is not None:
        env["CHECKPOINT_URL"] = checkpoints
        checkpoint_url = f"sqlite:///{(tmp_path / 'data' / 'runs.db').resolve()}"
    init_database(env, tmp_path / "init.log")
    engine = sa.create_engine(data_url)
    with engine.begin() as conn:  # repeated rounds must not run out of stock (dialog 07 is played once)
        conn.execute(sa.text("UPDATE products SET stock = 100000 WHERE name <> 'Impresora láser'"))
    engine.dispose()
    port = free_port()
    server = FaultyServer(lambda: flask_server(port, env, tmp_path / "server.log"), port)
    server.ensure_up()
    return server, data_url, checkpoint_url


def _wrong_outcomes(played: list[tuple[str, dict]], data_url: str, checkpoint_url: str) -> dict[str, object]:
    wrong = {}
    for session, dialog in played:
        want = expected_order(dialog)
        got = session_orders(checkpoint_url, data_url, session)
        if got != ([want] if want else []):
            wrong[f"{session} {dialog['name']}"] = got
    return wrong


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sigkill_at_random_moments_leaves_exactly_the_right_orders(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    server, data_url, checkpoint_url = _deployment(tmp_path, database)
    player = FaultPlayer(server, random.Random(9), kill_chance=1.0, kill_window=0.4)
    played = []
    try:
        paths = KILLED_DIALOGS
        while server.kills < MIN_KILLS:
            for path in paths:
                session = f"kill9-{len(played):04d}-{path.stem[:2]}"
                dialog = load_dialog(path)
                player.play(session, dialog)
                played.append((session, dialog))
            paths = REPEATABLE
    finally:
        server.stop()
    assert server.kills >= MIN_KILLS
    wrong = _wrong_outcomes(played, data_url, checkpoint_url)
    if wrong:
        trace = {session: player.log[session.split()[0]] for session in wrong}
        (tmp_path / "player.json").write_text(json.dumps({"wrong": wrong, "trace": trace}, ensure_ascii=False))
    assert wrong == {}, f"see {tmp_path / 'player.json'}"
    if backend == "sqlite":
        for name in ("app.db", "checkpoints.db"):
            with sqlite3.connect(tmp_path / "data" / name) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_negative_control_in_memory_checkpoints_lose_the_waiting_runs(tmp_path: Path) -> None:
    server, data_url, checkpoint_url = _deployment(tmp_path, None, checkpoints="memory://")
    # Kill after every reply (window 0 fires as soon as the turn is sent), so each waiting run dies with it.
    player = FaultPlayer(server, random.Random(9), kill_chance=0.0, kill_window=0.0)
    played, broken = [], []
    try:
        for path in CONTRACT_DIALOGS[:4]:
            session, dialog = f"control-{path.stem[:2]}", load_dialog(path)
            first, *rest = dialog["turns"]
            try:
                player.deliver(session, str(first["user"]))
                server.kill()
                server.ensure_up()
                for turn in rest:
                    player.deliver(session, str(turn["user"]))
            except AssertionError as exc:
                broken.append(f"{session}: {exc}")
            played.append((session, dialog))
    finally:
        server.stop()
    assert server.kills == 4
    wrong = _wrong_outcomes(played, data_url, checkpoint_url)
    assert len(wrong) + len(broken) >= 3, (wrong, broken)  # dialog 05 (cancel) writes nothing either way
