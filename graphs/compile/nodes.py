"""The LangGraph node of one step: visits counted, the path kept, progress announced; its body by step kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_type_hints

from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphInterrupt

from errors import LoopLimitError
from graphs.compile.step_bodies import BODIES
from graphs.compile.step_context import EFFECT, PATH, NodeContext, effect_key, variables_of
from graphs.observe import progress
from graphs.observe.metrics import timed_step
from pipelines.schema import StepConfig

Node = Callable[[dict[str, Any], RunnableConfig], dict[str, Any]]


class StepNode:
    """The LangGraph node running one step, with visit counting and the path taken.

    A callable object, not a closure: when compiling, LangGraph disassembles every closure node to look for
    sub-graphs (two thirds of compiling a 20-step pipeline); a sub-pipeline runs inside its node's body, where
    that scan never finds it, so skipping it changes nothing but the time (measured: see the README, Benchmarks).
    """

    def __init__(
        self, step: StepConfig, body: Callable[..., dict[str, Any]], keys: tuple[str, ...], pipeline: str, index: int
    ) -> None:
        self.step, self.body, self.keys, self.pipeline, self.index = step, body, keys, pipeline, index
        self.__name__ = step.id

    def __call__(self, state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        step = self.step
        visits = (state.get(PATH) or []).count(self.index) + 1
        if step.max_visits is not None and visits > step.max_visits:
            raise LoopLimitError(
                f"step '{step.id}' ran more than its max_visits of {step.max_visits} times", step=step.id
            )
        context = variables_of(state, self.keys, config)
        context[EFFECT] = effect_key(config, self.pipeline, step.id, visits)
        if progress.SINK.get() is None:
            update = self.body(state, context, config)
        else:
            update = self._followed(state, context, config)
        update[PATH] = [self.index]
        return update

    def _followed(self, state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        """The body, with start and end events for a client following the turn."""
        progress.announce(self.step, self.pipeline, "start")
        try:
            update = self.body(state, context, config)
        except GraphInterrupt:
            progress.announce(self.step, self.pipeline, "end", waiting=True)
            raise
        except Exception:
            progress.announce(self.step, self.pipeline, "end")
            raise
        progress.announce(self.step, self.pipeline, "end")
        return update


# LangGraph reads a node's type hints on every add_node; resolved once here, the string annotations of
# `from __future__ import annotations` are not eval'd again for each node of each compile (-16 % compile time).
StepNode.__call__.__annotations__ = get_type_hints(StepNode.__call__)


def make_node(step: StepConfig, ctx: NodeContext) -> Node:
    """The LangGraph node running `step`, with visit counting and the path taken."""
    body = timed_step(step, ctx.config.name, BODIES[type(step)](step, ctx))
    index = next(i for i, other in enumerate(ctx.config.steps) if other.id == step.id)
    return StepNode(step, body, tuple(ctx.config.state_keys()), ctx.config.name, index)
