"""create_app: builds the services once, registers the blueprints, the error handler and the CLI."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from config import Config
from graphs.chat.conversation import Conversation
from graphs.chat.delivery import Delivery
from graphs.cli.nlu import nlu_cli
from graphs.cli.pipeline import pipeline_cli
from graphs.cli.runs import runs_cli
from graphs.observe.json_logs import configure_logging
from graphs.run.engine import Engine
from routes import chat_bp, orch_bp, pages_bp, register_error_handlers
from routes.ops import ops_bp
from tools import build_registry, build_services
from tools.catalog.db_cli import register_db_cli


@dataclass
class AppServices:
    """What the routes use, kept in `app.extensions["t7"]`."""

    settings: Config
    engine: Engine
    conversation: Conversation
    delivery: Delivery


def _secret_key(settings: Config) -> str:
    if settings.SECRET_KEY:
        return settings.SECRET_KEY
    path = Path(settings.DATA_DIR) / "secret_key"
    if not path.exists():
        # Written whole, then linked in: of several processes starting at once only the first key is kept,
        # so every process signs sessions with the same one.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        os.unlink(tmp)
    return path.read_text().strip()


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """The Flask app for `config` (a Config, a dict of overrides, or None for the environment)."""
    settings = config if isinstance(config, Config) else Config(**(config or {}))
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    configure_logging(settings.LOG_LEVEL)
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.MAX_CONTENT_LENGTH, SECRET_KEY=_secret_key(settings), JSON_SORT_KEYS=False
    )
    services = build_services(settings)
    engine = Engine(settings, registry=build_registry(settings, services))
    engine.understanding.reader()  # the message reader, trained (or loaded) before any request, never during one
    app.extensions["services"] = services
    conversation = Conversation(engine)
    app.extensions["t7"] = AppServices(settings, engine, conversation, Delivery(engine, conversation))
    register_error_handlers(app)
    app.register_blueprint(chat_bp)
    app.register_blueprint(orch_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(ops_bp)
    app.cli.add_command(pipeline_cli)
    app.cli.add_command(runs_cli)
    app.cli.add_command(nlu_cli)
    register_db_cli(app)
    return app
