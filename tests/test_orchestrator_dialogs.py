"""Every dialog that starts with `!run`, played through /orchestrator/run_chain + /resume (same outcomes as chat)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from config import Config
from harness.dialogs import load_dialog, play_dialog, starts_with_run
from tests.dialog_support import RestartableApp, load_dialogs

OWN = sorted((Path(__file__).parent / "dialogs" / "orchestrator").glob("*.yaml"))
SHARED = [(name, d) for name, d in load_dialogs() if starts_with_run(d) and not d.get("chat_only")]


@pytest.mark.parametrize("path", OWN, ids=[p.stem for p in OWN])
def test_own_dialogs_through_the_api(client: FlaskClient, path: Path) -> None:
    def nothing_written(where: str, expect: Mapping[str, Any], run_ids: list[str], run_id: str | None) -> None:
        assert expect.get("no_order") and "order" not in expect, where
        for rid in run_ids:  # these pipelines write nothing; a cancelled run must say so
            assert client.get(f"/orchestrator/run_status/{rid}").get_json()["status"] == "cancelled", where

    bodies = play_dialog(client, path, check_orders=nothing_written)
    assert len(bodies) == len(load_dialog(path)["turns"])


@pytest.mark.parametrize(("name", "dialog"), SHARED, ids=[name for name, _ in SHARED])
def test_dialog_through_run_chain_and_resume(restartable: RestartableApp, name: str, dialog: dict) -> None:
    play_dialog(
        restartable.app.test_client(),
        {"name": name, **dialog},
        check_orders=restartable.check_orders,
        before_turn=restartable.before_turn,
    )


def test_a_dialog_plays_the_same_with_a_bearer_token(settings: Config) -> None:
    token = "t" * 32
    app = create_app(settings.model_copy(update={"API_TOKENS": [token]}))
    try:
        play_dialog(app.test_client(), OWN[0], headers={"Authorization": f"Bearer {token}"})
    finally:
        app.extensions["t7"].engine.close()


def test_the_harness_fails_loudly_on_a_wrong_expectation(client: FlaskClient) -> None:
    dialog = {
        "name": "wrong",
        "turns": [
            {"user": "!run ejemplo_simple nombre=Ana", "expect": {"status": "completed", "reply_contains": ["adiós"]}}
        ],
    }
    with pytest.raises(AssertionError, match="dialog wrong, turn 1"):
        play_dialog(client, dialog)
    order = {"name": "order", "turns": [{"user": "!run ejemplo_simple nombre=Ana", "expect": {"no_order": True}}]}
    with pytest.raises(AssertionError, match="no check_orders"):
        play_dialog(client, order)
