"""Shared fixtures: an app on a temporary DATA_DIR, its client and engine."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import PROJECT_DIR, Config
from graphs.run.engine import Engine
from tests.dialog_support import RestartableApp

TEST_PIPELINES = Path(__file__).parent / "pipelines"
pytest_plugins = ["sql_fixtures", "runner_fixtures", "llm_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    """Every app and server process of the run shares one folder of trained readers (keyed by what they learnt
    from), so the reader is trained once per set of pipelines, not once per test."""
    if "READER_CACHE_DIR" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="t7-readers-"))
        os.environ["READER_CACHE_DIR"] = str(folder)
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture
def pipelines_dir(tmp_path: Path) -> Path:
    """A pipelines folder with the shipped pipelines and the test pipelines."""
    folder = tmp_path / "pipelines"
    folder.mkdir()
    for source in [*(PROJECT_DIR / "pipelines").glob("*.yaml"), *TEST_PIPELINES.glob("*.yaml")]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path, pipelines_dir: Path) -> Config:
    """Offline settings on a temporary DATA_DIR."""
    return Config(
        DATA_DIR=tmp_path / "data",
        PIPELINES_DIR=pipelines_dir,
        SECRET_KEY="test",
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        DATABASE_URL=None,
        CHECKPOINT_URL=None,
    )


@pytest.fixture
def app(settings: Config) -> Iterator[Flask]:
    """The application on a temporary DATA_DIR."""
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["t7"].engine.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def engine(app: Flask) -> Engine:
    """The app's engine."""
    return app.extensions["t7"].engine


@pytest.fixture
def restartable(settings: Config) -> Iterator[RestartableApp]:
    """An app a dialog may restart."""
    holder = RestartableApp(settings)
    yield holder
    holder.close()
