"""Every pipeline as a LangGraph Server / Studio graph (see langgraph.json): compiled with no checkpointer.

Each pipeline in `pipelines/` becomes an async graph factory named after it. Importing this module only lists
that folder; the tool services (SQL catalog, vector memory) are built on the first call, in a worker thread,
because the server calls factories on its event loop, where blocking IO is refused.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from config import Config
from graphs.compile.compiler import compile_pipeline, state_schema
from graphs.compile.step_context import outputs_of
from pipelines.loader import load_config, pipeline_path
from pipelines.schema import PipelineConfig
from tools import build_registry
from tools.registry import ToolRegistry

PIPELINES_DIR = Config.model_fields["PIPELINES_DIR"].default
OUTPUT_KEY = "output"
RUN_NODE, OUTPUTS_NODE = "pipeline", "outputs"


def pipeline_names(folder: Path = PIPELINES_DIR) -> list[str]:
    """Names of the pipelines served: one graph per YAML file in the pipelines folder."""
    return sorted(path.stem for path in Path(folder).glob("*.yaml") if path.is_file())


def server_graph(config: PipelineConfig, registry: ToolRegistry, resolve: Callable[[str], PipelineConfig]) -> Any:
    """The pipeline's graph wrapped so its final state also holds `output` (the declared outputs); pure.

    The pipeline runs as a sub-graph node, so Studio shows its steps and its questions pause the whole run.
    """
    pipeline = compile_pipeline(config, registry, None, resolve=resolve)
    inner = state_schema(config)
    fields = {**inner.__annotations__, OUTPUT_KEY: dict}
    state = TypedDict(f"{config.name.title()}ServerState", fields, total=False)  # type: ignore[operator]
    inputs = TypedDict(f"{config.name.title()}Input", dict.fromkeys(config.inputs, Any), total=False)  # type: ignore[operator]

    pipeline_config = config

    def outputs(values: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        if values.get("__status__") not in (None, "completed"):
            return {}
        return {OUTPUT_KEY: outputs_of(pipeline_config, values, config)}

    builder = StateGraph(state, input_schema=inputs)
    builder.add_node(RUN_NODE, pipeline)
    builder.add_node(OUTPUTS_NODE, outputs)
    builder.add_edge(START, RUN_NODE)
    builder.add_edge(RUN_NODE, OUTPUTS_NODE)
    builder.add_edge(OUTPUTS_NODE, END)
    return builder.compile(name=config.name)


class _Served:
    """The registry (built once per server process) and the compiled graphs, by pipeline content hash."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._registry: ToolRegistry | None = None
        self._settings: Config | None = None
        self._graphs: dict[str, CompiledStateGraph] = {}

    def _config(self, name: str) -> PipelineConfig:
        assert self._settings is not None and self._registry is not None
        folder = Path(self._settings.PIPELINES_DIR)
        return load_config(
            pipeline_path(name, folder),
            pipelines_dir=folder,
            tool_kinds=self._registry.param_models(),
            known_pipelines=pipeline_names(folder),
            max_bytes=self._settings.MAX_PIPELINE_BYTES,
        )

    def graph(self, name: str) -> CompiledStateGraph:
        """The served graph of pipeline `name` as its file reads now (recompiled only when it changed)."""
        with self._lock:
            if self._registry is None:
                self._settings = Config()
                self._settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
                self._registry = build_registry(self._settings)
            config = self._config(name)
            graph = self._graphs.get(config.content_hash)
            if graph is None:
                graph = server_graph(config, self._registry, self._config)
                self._graphs[config.content_hash] = graph
            return graph


_served = _Served()


def _factory(name: str) -> Callable[[], Awaitable[CompiledStateGraph]]:
    async def factory() -> CompiledStateGraph:
        return await asyncio.to_thread(_served.graph, name)

    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = f"LangGraph Server factory of the pipeline '{name}'."
    return factory


# LangGraph Server reads each graph as a real module attribute (no module __getattr__), hence globals().
for _name in pipeline_names():
    globals()[_name] = _factory(_name)
