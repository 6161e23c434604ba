"""Return dialogs with the business database and checkpoints on PostgreSQL, through run_chain + resume."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Config
from harness.dialogs import play_dialog
from tests.dialog_support import RestartableApp
from tests.sql_fixtures import postgres_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres
DIALOGS = Path(__file__).parent / "dialogs" / "devolucion"
PLAYED = [
    DIALOGS / "01_happy_path.yaml",
    DIALOGS / "05_edit_at_confirmation.yaml",
    DIALOGS / "08_already_returned.yaml",
]


@pytest.fixture
def pg_app(settings: Config, postgres_url: str) -> Iterator[RestartableApp]:  # noqa: F811
    """The app with its orders, returns, run table and checkpoints in a fresh PostgreSQL schema."""
    app = RestartableApp(settings.model_copy(update={"DATABASE_URL": postgres_url, "CHECKPOINT_URL": postgres_url}))
    yield app
    app.close()
    services = app.app.extensions["services"]
    services.sql.dispose()  # the schema is dropped next: no pooled connection may hold it
    services.memory.facts.close()


@pytest.mark.parametrize("path", PLAYED, ids=[p.stem for p in PLAYED])
def test_return_dialog_on_postgres(pg_app: RestartableApp, path: Path) -> None:
    assert pg_app.app.extensions["services"].sql.backend == "postgresql"
    bodies = play_dialog(
        pg_app.app.test_client(), path, check_orders=pg_app.check_orders, before_turn=pg_app.before_turn
    )
    assert bodies[-1]["status"] == "completed" and bodies[-1]["output"]["return_id"] >= 1
