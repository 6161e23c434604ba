"""Dialogs as data: load the conversation files and check each turn's expectations."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config

DIALOG_DIRS = [Path(__file__).parent / "dialogs" / "contract", Path(__file__).parent / "dialogs" / "pedido"]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def load_dialogs() -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, dialog) for every dialog file."""
    for folder in DIALOG_DIRS:
        for path in sorted(folder.glob("*.yaml")):
            yield f"{folder.name}/{path.stem}", yaml.safe_load(path.read_text(encoding="utf-8"))


def check_turn(where: str, expect: dict[str, Any], *, status: str, reply: str, options: list[str], data: Any) -> None:
    """Assert the response expectations of one turn (not the order checks)."""
    context = f"{where}: status={status!r} reply={reply!r} options={options!r}"
    if "status" in expect:
        assert status == expect["status"], context
    if "options_first" in expect:
        assert options and options[0] == expect["options_first"], context
    for option in expect.get("options_include", []):
        assert option in options, context
    for text in expect.get("reply_contains", []):
        assert fold(text) in fold(reply), context
    for text in expect.get("reply_lacks", []):
        assert fold(text) not in fold(reply), f"{context}: the reply must not contain {text!r}"
    encoded = fold(json.dumps(data, ensure_ascii=False))
    for text in expect.get("data_contains", []):
        assert fold(text) in encoded, f"{context} data={encoded}"
    for text in expect.get("data_lacks", []):
        assert fold(text) not in encoded, f"{context} data={encoded}: the data must not contain {text!r}"


def check_orders(where: str, expect: dict[str, Any], sql: Any, run_ids: list[str], run_id: str | None) -> None:
    """Assert the `order` / `no_order` expectations against the orders table."""
    if expect.get("no_order"):
        for rid in run_ids:
            assert sql.orders_for_key(rid) == [], f"{where}: run {rid} wrote an order"
    if "order" in expect:
        assert run_id, f"{where}: no run to look the order up by"
        ids = sql.orders_for_key(run_id)
        assert len(ids) == 1, f"{where}: expected exactly one order, found {ids}"
        order = sql.get_order(ids[0])
        wanted = expect["order"]
        assert order["customer"] == wanted["customer"], f"{where}: {order}"
        assert {line["product"]: line["quantity"] for line in order["lines"]} == wanted["lines"], f"{where}: {order}"


class RestartableApp:
    """The app under test; a turn with `restart: true` replaces it by a new app on the same data."""

    def __init__(self, settings: Config) -> None:
        self.settings = settings
        self.app = self._new()

    def _new(self) -> Flask:
        app = create_app(self.settings)
        app.config["TESTING"] = True
        return app

    def close(self) -> None:
        """Close the current app's connections."""
        self.app.extensions["t7"].engine.close()

    def before_turn(self, turn: Mapping[str, Any]) -> FlaskClient | None:
        """Restart and catalog changes a turn asks for; the new client when the app was restarted."""
        client = None
        if turn.get("restart"):
            self.close()
            self.app = self._new()
            client = self.app.test_client()
        sql = self.app.extensions["services"].sql
        for name in turn.get("deactivate", []):
            match = sql.resolve_product(name)["match"]
            assert match, f"cannot deactivate unknown product {name!r}"
            sql.set_product_active(match["sku"], False)
        return client

    def check_orders(self, where: str, expect: Mapping[str, Any], run_ids: list[str], run_id: str | None) -> None:
        """The `order` / `no_order` checks against the orders table."""
        check_orders(where, dict(expect), self.app.extensions["services"].sql, run_ids, run_id)
