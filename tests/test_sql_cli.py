"""`flask db init|seed|reset` on a small Flask app holding a real SqlService."""

from __future__ import annotations

import pytest
from flask import Flask

from tools.catalog.db_cli import register_db_cli
from tools.catalog.sql import SqlService
from tools.registry import Services


@pytest.fixture
def cli_app(sql_url: str) -> Flask:
    """A Flask app whose services hold a SqlService on an empty database."""
    app = Flask(__name__)
    app.extensions["services"] = Services(sql=SqlService(sql_url))
    register_db_cli(app)
    return app


def test_db_commands(cli_app: Flask) -> None:
    runner = cli_app.test_cli_runner()
    service: SqlService = cli_app.extensions["services"].sql
    try:
        first = runner.invoke(args=["db", "init"])
        assert first.exit_code == 0 and "demo data seeded" in first.output
        again = runner.invoke(args=["db", "init"])
        assert again.exit_code == 0 and "already present" in again.output
        assert "nothing was written" in runner.invoke(args=["db", "seed"]).output
        service.create_order("Globex", [{"sku": "GRA-01", "quantity": 1}], "cli")
        refused = runner.invoke(args=["db", "reset"], input="n\n")
        assert refused.exit_code != 0 and service.count_orders() == 1
        reset = runner.invoke(args=["db", "reset", "--yes"])
        assert reset.exit_code == 0 and "reset and seeded" in reset.output
        assert service.count_orders() == 0 and len(service.list_products()) >= 200
        empty = runner.invoke(args=["db", "reset", "--yes", "--no-seed"])
        assert empty.exit_code == 0 and service.list_products() == []
        seeded = runner.invoke(args=["db", "seed"])
        assert "Demo data seeded" in seeded.output and len(service.list_products()) >= 200
    finally:
        service.dispose()
