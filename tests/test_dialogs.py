"""Every dialog file, played through /chat, and (those starting with !run) through the Python API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from errors import AppError
from graphs.chat.conversation import parse_run_command, reply_text
from harness.dialogs import check_turn
from tests.dialog_support import RestartableApp, check_orders, load_dialogs
from textnorm import language

DIALOGS = list(load_dialogs())
PYTHON_DIALOGS = [d for d in DIALOGS if d[1]["turns"][0]["user"].startswith("!run") and not d[1].get("chat_only")]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "dialogs"


def test_contract_dialogs_match_shared_copy() -> None:
    if not SHARED.is_dir():
        pytest.skip("shared/dialogs is not beside this checkout")
    ours = Path(__file__).parent / "dialogs" / "contract"
    for path in SHARED.glob("*.yaml"):
        assert (ours / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_there_are_enough_dialogs() -> None:
    assert len([d for d in DIALOGS if d[0].startswith("pedido/")]) >= 20


@pytest.mark.parametrize(("name", "dialog"), DIALOGS, ids=[d[0] for d in DIALOGS])
def test_dialog_through_chat(restartable: RestartableApp, name: str, dialog: dict[str, Any]) -> None:
    session_id, run_ids, run_id = None, [], None
    for number, turn in enumerate(dialog["turns"], 1):
        restartable.before_turn(turn)
        body = {"message": turn["user"], **({"session_id": session_id} if session_id else {})}
        response = restartable.app.test_client().post("/chat", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        reply = response.get_json()
        session_id = reply["session_id"]
        if reply["run_id"] and reply["run_id"] not in run_ids:
            run_ids.append(reply["run_id"])
        run_id = reply["run_id"] or run_id
        where = f"{name} turn {number} ({turn['user']!r})"
        expect = turn.get("expect", {})
        check_turn(
            where, expect, status=reply["status"], reply=reply["reply"], options=reply["options"], data=reply["data"]
        )
        check_orders(where, expect, restartable.app.extensions["services"].sql, run_ids, run_id)


@pytest.mark.parametrize(("name", "dialog"), PYTHON_DIALOGS, ids=[d[0] for d in PYTHON_DIALOGS])
def test_dialog_through_python_api(restartable: RestartableApp, name: str, dialog: dict[str, Any]) -> None:
    result = None
    for number, turn in enumerate(dialog["turns"], 1):
        restartable.before_turn(turn)
        engine = restartable.app.extensions["t7"].engine
        text = turn["user"]
        where = f"{name} turn {number} ({text!r}) via Python"
        expect = turn.get("expect", {})
        if text.startswith("!run"):
            pipeline, args = parse_run_command(text)
            try:
                result = engine.runner(pipeline).start(args)
            except AppError as exc:  # refused before starting: the user reads the error's sentence
                check_turn(where, expect, status="idle", reply=exc.user_message(language(text)), options=[], data=None)
                check_orders(where, expect, restartable.app.extensions["services"].sql, [], None)
                continue
        elif text.strip() == "!cancel":
            result = engine.cancel(result.run_id)
        elif text.strip() == "!status":
            result = engine.status(result.run_id)
        else:
            result = engine.resume(result.run_id, text)
        data = result.data if result.data is not None else result.output
        check_turn(where, expect, status=result.status, reply=reply_text(result), options=result.options, data=data)
        check_orders(where, expect, restartable.app.extensions["services"].sql, [result.run_id], result.run_id)


def test_order_numbers_beyond_any_id_are_refused_or_not_found(restartable: RestartableApp) -> None:
    client = restartable.app.test_client()
    too_big = client.post("/chat", json={"message": "!run consulta_pedido id=99999999999999999999"}).get_json()
    assert too_big["status"] == "idle" and "«id» es demasiado grande" in too_big["reply"]
    body = client.post("/chat", json={"message": "!run consulta_pedido id=9999999999"}).get_json()
    assert body["status"] == "completed"
    assert "No existe ningún pedido" in body["reply"]
