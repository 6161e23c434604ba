"""The three contenders of the order-dialog comparison, each with its own demo database and checkpointer."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import postgres_schema as _postgres_schema
from bench.reference_dialog import reference_graph
from bench.reference_play import Contender
from config import PROJECT_DIR, Config
from graphs.run.engine import Engine
from graphs.store.databases import open_checkpointer

PIPELINE = "alta_pedido"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NAMES = ("reference", "yaml_unfused", "yaml_fused")


def postgres_schema(url: str = POSTGRES_URL) -> contextlib.AbstractContextManager[str]:
    """A URL of the test PostgreSQL database whose search_path is a fresh schema, dropped on exit."""
    return _postgres_schema(url)


def settings(folder: Path) -> Config:
    """Offline settings on `folder`: a fresh demo database, no LLM, the shipped pipelines."""
    return Config(
        DATA_DIR=folder,
        PIPELINES_DIR=PROJECT_DIR / "pipelines",
        SECRET_KEY="bench",
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        DATABASE_URL=None,
        CHECKPOINT_URL=None,
    )


@contextlib.contextmanager
def contenders(folder: Path, checkpoint_url: Callable[[str], str]) -> Iterator[list[Contender]]:
    """The reference, the unfused and the fused YAML graph, each on its own demo database in `folder` and on
    the checkpointer `checkpoint_url(name)` names."""
    with contextlib.ExitStack() as stack:
        built = []
        for name in NAMES:
            engine = Engine(settings(folder / name))
            stack.callback(engine.close)
            saver, close = open_checkpointer(checkpoint_url(name))
            stack.callback(close)
            sql = engine.registry.services.sql
            if name == "reference":
                built.append(Contender(name, reference_graph(engine.registry.services, saver), sql))
            else:
                config = engine.config(PIPELINE)
                graph = engine.graphs.get(config, saver, fuse=name == "yaml_fused")
                built.append(Contender(name, graph, sql, config))
        yield built


def sqlite_urls(folder: Path) -> Callable[[str], str]:
    """One SQLite checkpoint file per contender in `folder`."""
    return lambda name: f"sqlite:///{folder / f'{name}-checkpoints.db'}"
