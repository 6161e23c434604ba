"""Dialogs as data: load the conversation files and check each turn's expectations."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config
from graphs.testing.dialog_check import change_catalog, order_differences, return_differences
from graphs.testing.dialog_files import parse_turn
from textnorm import fold
from tools.orders.sql_returns import SqlReturns

__all__ = ["RestartableApp", "check_orders", "fold", "load_dialogs"]
DIALOG_DIRS = [
    Path(__file__).parent / "dialogs" / name for name in ("contract", "pedido", "devolucion", "understanding")
]


def load_dialogs() -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, dialog) for every dialog file."""
    for folder in DIALOG_DIRS:
        for path in sorted(folder.glob("*.yaml")):
            yield f"{folder.name}/{path.stem}", yaml.safe_load(path.read_text(encoding="utf-8"))


def check_orders(where: str, expect: dict[str, Any], sql: Any, run_ids: list[str], run_id: str | None) -> None:
    """Assert the `order` / `no_order` and `return` / `no_return` expectations against the database."""
    found = order_differences(expect, sql, run_ids, run_id)
    found += return_differences(expect, SqlReturns(sql.engine), run_ids, run_id)
    assert not found, f"{where}: expected {found[0][0]}, got {found[0][1]}"


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
        change_catalog(parse_turn(turn), self.app.extensions["services"].sql)
        return client

    def check_orders(self, where: str, expect: Mapping[str, Any], run_ids: list[str], run_id: str | None) -> None:
        """The `order` / `no_order` checks against the orders table."""
        check_orders(where, dict(expect), self.app.extensions["services"].sql, run_ids, run_id)


@contextlib.contextmanager
def app_on_backend(request: Any, settings: Config) -> Iterator[Flask]:
    """The app with its business data, run table and checkpoints on SQLite, or on a fresh PostgreSQL schema when
    the fixture's `request.param` is "postgresql"; every connection closed afterwards (the schema is dropped)."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        settings = settings.model_copy(update={"DATABASE_URL": url, "CHECKPOINT_URL": url})
    running = RestartableApp(settings)
    try:
        yield running.app
    finally:
        running.close()
        services = running.app.extensions["services"]
        services.sql.dispose()
        services.memory.facts.close()
