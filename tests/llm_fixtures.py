"""Fixtures of an app whose model is a local OpenAI-compatible HTTP server (tests/llm_server.py), no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from config import Config
from tests.llm_server import OpenAICompatServer

# Long enough for a gated or slow scripted answer on a loaded machine; failures are scripted, never timed out.
LLM_TIMEOUT = 20


@pytest.fixture
def server() -> Iterator[OpenAICompatServer]:
    """A fresh local OpenAI-compatible server."""
    with OpenAICompatServer() as running:
        yield running


@pytest.fixture
def llm_app(tmp_path: Path, pipelines_dir: Path, server: OpenAICompatServer) -> Iterator[Flask]:
    """The app with its model (and so its `llm` steps and command reader) answered by `server`."""
    settings = Config(
        DATA_DIR=tmp_path / "data",
        PIPELINES_DIR=pipelines_dir,
        SECRET_KEY="test",
        OPENAI_BASE_URL=server.base_url,
        OPENAI_API_KEY="test",
        LLM_MODEL="stub-model",
        LLM_TIMEOUT=LLM_TIMEOUT,
    )
    application = create_app(settings)
    yield application
    application.extensions["t7"].engine.close()
