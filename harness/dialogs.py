"""Play a dialog file (shared/dialogs/README.md format) through /orchestrator/run_chain + /resume, checking each
turn's expectations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from flask.testing import FlaskClient

from graphs.chat.conversation import parse_run_command
from graphs.testing.dialog_check import turn_differences

OrderCheck = Callable[[str, Mapping[str, Any], list[str], "str | None"], None]
"""`check_orders(where, expect, run_ids, run_id)`: assert a turn's `order` / `no_order` expectations."""
BeforeTurn = Callable[[Mapping[str, Any]], "FlaskClient | None"]
"""`before_turn(turn)`: prepare a turn (e.g. `restart`); may return the client of a restarted app."""


def load_dialog(path: Path) -> dict[str, Any]:
    """A dialog file as a dict with `name` and `turns`."""
    dialog = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(dialog, dict) or not isinstance(dialog.get("turns"), list) or not dialog["turns"]:
        raise ValueError(f"{path}: a dialog needs a non-empty 'turns' list")
    dialog.setdefault("name", path.stem)
    return dialog


def check_turn(where: str, expect: dict[str, Any], *, status: str, reply: str, options: list[str], data: Any) -> None:
    """Assert the response expectations of one turn (not the order checks)."""
    found = turn_differences(expect, status=status, reply=reply, options=options, data=data)
    context = f"{where}: status={status!r} reply={reply!r} options={options!r}"
    assert not found, f"{context}: expected {found[0][0]}, got {found[0][1]}"


def starts_with_run(dialog: Mapping[str, Any]) -> bool:
    """True when the dialog's first message is a `!run` command (only those can be played over the API)."""
    return str(dialog["turns"][0].get("user", "")).lstrip().lower().startswith("!run ")


def shown_data(body: Mapping[str, Any]) -> Any:
    """What the chat shows as `data`: the run's data, or its output once completed without data."""
    if body.get("status") == "completed" and body.get("data") is None:
        return body.get("output")
    return body.get("data")


def said(body: Mapping[str, Any]) -> str:
    """What the run said: its message and its question (what `reply_contains` is checked against)."""
    return "\n".join(str(body[k]) for k in ("message", "question") if body.get(k))


def _send(client: FlaskClient, text: str, run_id: str | None, headers: Mapping[str, str]) -> dict[str, Any]:
    stripped = text.strip()
    command = stripped.split(maxsplit=1)[0].lower() if stripped else ""
    if command == "!run":
        name, args = parse_run_command(stripped)
        response = client.post("/orchestrator/run_chain", json={"pipeline": name, "args": args}, headers=headers)
    elif run_id is None:
        raise AssertionError(f"«{text}» needs a run, but no run was started")
    elif command == "!cancel":
        response = client.post(f"/orchestrator/cancel/{run_id}", headers=headers)
    elif command == "!status":
        response = client.get(f"/orchestrator/run_status/{run_id}", headers=headers)
    else:
        response = client.post(f"/orchestrator/resume/{run_id}", json={"answer": text}, headers=headers)
    answer = f"«{text}» → HTTP {response.status_code}: {response.get_data(as_text=True)}"
    assert response.status_code == 200 or 400 <= response.status_code < 500, answer
    body = response.get_json()
    assert isinstance(body, dict), answer
    if response.status_code != 200:  # refused (e.g. a mistyped input): the error's sentence is the reply
        assert set(body) == {"error"} and isinstance(body["error"].get("message"), str), answer
        return {"status": "idle", "run_id": None, "message": body["error"]["message"], "options": [], "data": None}
    return body


def _switch(old: FlaskClient, new: FlaskClient) -> FlaskClient:
    """Carry the caller's session cookie over to the client of a restarted app."""
    cookie = old.get_cookie("session")
    if cookie is not None:
        new.set_cookie("session", cookie.value)
    return new


def play_dialog(
    client: FlaskClient,
    dialog: Path | Mapping[str, Any],
    *,
    check_orders: OrderCheck | None = None,
    before_turn: BeforeTurn | None = None,
    headers: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Play every turn through run_chain (`!run`), resume (answers), cancel (`!cancel`) and run_status (`!status`).

    Each response is checked against the turn's `expect` (status, options_first, options_include,
    reply_contains / reply_lacks against question + message, data_contains / data_lacks); a 4xx answer counts
    as an `idle` turn whose reply is the error's `message`; `order` / `no_order` go to `check_orders`.
    Returns the response bodies, one per turn.
    """
    loaded = load_dialog(dialog) if isinstance(dialog, Path) else dict(dialog)
    assert starts_with_run(loaded), f"dialog {loaded.get('name')} does not start with '!run'"
    run_id: str | None = None
    run_ids: list[str] = []
    bodies = []
    for number, turn in enumerate(loaded["turns"], start=1):
        if before_turn is not None:
            restarted = before_turn(turn)
            client = _switch(client, restarted) if restarted is not None else client
        text = str(turn["user"])
        body = _send(client, text, run_id, headers or {})
        if body.get("run_id") and body["run_id"] not in run_ids:
            run_ids.append(body["run_id"])
        run_id = body.get("run_id") or run_id
        where = f"dialog {loaded.get('name')}, turn {number} ({text!r}) via run_chain/resume"
        expect = turn.get("expect") or {}
        check_turn(
            where,
            expect,
            status=body["status"],
            reply=said(body),
            options=list(body.get("options") or []),
            data=shown_data(body),
        )
        if any(expect.get(key) for key in ("order", "no_order", "return", "no_return")):
            assert check_orders is not None, f"{where}: the dialog checks orders, but no check_orders was given"
            check_orders(where, expect, run_ids, run_id)
        bodies.append(body)
    return bodies
