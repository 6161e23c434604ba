"""Shared runner fixtures: an Engine with the generic tools (and one tool that crashes), the todo_junto runner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from config import Config
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from tools.generic import generic_toolset
from tools.registry import Services, ToolContext, ToolRegistry, ToolSet

# The nodes of tests/pipelines/todo_junto.yaml's graph, as compiled and as drawn.
TODO_JUNTO_NODES = {
    "__start__",
    "pedir_cantidad",
    "leer_cantidad",
    "saludo",
    "calcular",
    "grande",
    "pequeno",
    "__end__",
    "__repair__",  # where a correction of the slot `cantidad` jumps through
}

_failing = ToolSet()


class _NoArgs(BaseModel):
    """No arguments."""


@_failing.tool("boom", args=_NoArgs)
def boom(args: _NoArgs, ctx: ToolContext) -> None:
    """Fail like a buggy tool would."""
    raise RuntimeError("internal detail that must not reach the user")


def make_engine(settings: Config, **overrides: Any) -> Engine:
    """An engine on the test folders with the generic tools (and one that fails)."""
    return Engine(settings.model_copy(update=overrides), registry=ToolRegistry(Services(), [generic_toolset, _failing]))


@pytest.fixture
def eng(settings: Config) -> Iterator[Engine]:
    """An engine of its own (no Flask app needed)."""
    engine = make_engine(settings)
    yield engine
    engine.close()


@pytest.fixture
def todo(eng: Engine) -> Runner:
    """The runner of the test pipeline that uses every step kind."""
    return eng.runner("todo_junto")
