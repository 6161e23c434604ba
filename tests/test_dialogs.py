"""Every dialog file, played through /chat, and (those starting with !run) through the Python API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from graphs.conversation import parse_run_command, reply_text
from tests.dialog_support import check_orders, check_turn, load_dialogs

DIALOGS = list(load_dialogs())
SHARED = Path(__file__).resolve().parents[2] / "shared" / "dialogs"


def test_contract_dialogs_match_shared_copy() -> None:
    if not SHARED.is_dir():
        pytest.skip("shared/dialogs is not beside this checkout")
    ours = Path(__file__).parent / "dialogs" / "contract"
    for path in SHARED.glob("*.yaml"):
        assert (ours / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize(("name", "dialog"), DIALOGS, ids=[d[0] for d in DIALOGS])
def test_dialog_through_chat(app: Flask, name: str, dialog: dict[str, Any]) -> None:
    client, sql = app.test_client(), app.extensions["services"].sql
    _prepare(app, dialog)
    session_id, run_ids, run_id = None, [], None
    for number, turn in enumerate(dialog["turns"], 1):
        _before_turn(app, turn)
        body = {"message": turn["user"], **({"session_id": session_id} if session_id else {})}
        response = client.post("/chat", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        reply = response.get_json()
        session_id = reply["session_id"]
        if reply["run_id"]:
            run_id = reply["run_id"]
            run_ids.append(run_id)
        where = f"{name} turn {number} ({turn['user']!r})"
        expect = turn.get("expect", {})
        check_turn(where, expect, status=reply["status"], reply=reply["reply"], options=reply["options"],
                   data=reply["data"])
        check_orders(where, expect, sql, run_ids, run_id)


PYTHON_DIALOGS = [d for d in DIALOGS if d[1]["turns"][0]["user"].startswith("!run") and not d[1].get("chat_only")]


@pytest.mark.parametrize(("name", "dialog"), PYTHON_DIALOGS, ids=[d[0] for d in PYTHON_DIALOGS])
def test_dialog_through_python_api(app: Flask, name: str, dialog: dict[str, Any]) -> None:
    engine, sql = app.extensions["t7"].engine, app.extensions["services"].sql
    _prepare(app, dialog)
    result = None
    for number, turn in enumerate(dialog["turns"], 1):
        _before_turn(app, turn)
        text = turn["user"]
        if text.startswith("!run"):
            pipeline, args = parse_run_command(text)
            result = engine.runner(pipeline).start(args)
        elif text.strip() == "!cancel":
            result = engine.cancel(result.run_id)
        else:
            result = engine.resume(result.run_id, text)
        where = f"{name} turn {number} ({text!r}) via Python"
        expect = turn.get("expect", {})
        data = result.data if result.data is not None else result.output
        check_turn(where, expect, status=result.status, reply=reply_text(result), options=result.options, data=data)
        check_orders(where, expect, sql, [result.run_id], result.run_id)


def _prepare(app: Flask, dialog: dict[str, Any]) -> None:
    """Optional catalog set-up a dialog declares (e.g. a product's stock)."""
    sql = app.extensions["services"].sql
    for sku, active in (dialog.get("setup", {}).get("active") or {}).items():
        sql.set_product_active(sku, active)


def _before_turn(app: Flask, turn: dict[str, Any]) -> None:
    """Catalog changes a turn makes before its message (e.g. a product deactivated mid-dialog)."""
    sql = app.extensions["services"].sql
    for name in turn.get("deactivate", []):
        match = sql.resolve_product(name)["match"]
        assert match, f"cannot deactivate unknown product {name!r}"
        sql.set_product_active(match["sku"], False)
    if turn.get("restart"):
        app.extensions["t7"].engine.graphs.clear()
