"""Compile and run: pipelines as LangGraph graphs, their runner, drawing and CLI."""

from graphs.compile.compiler import GraphCache, compile_pipeline
from graphs.result import RunResult
from graphs.run.engine import Engine, default_engine, load_pipeline
from graphs.run.runner import Runner

__all__ = ["Engine", "GraphCache", "RunResult", "Runner", "compile_pipeline", "default_engine", "load_pipeline"]
