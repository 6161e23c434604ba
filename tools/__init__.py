"""Tools: the explicit registry of tool kinds and the services they use."""

from __future__ import annotations

from config import Config
from tools.catalog.sql import SqlService
from tools.catalog.sql_tools import sql_toolset
from tools.generic import generic_toolset
from tools.language.llm import build_llm_client
from tools.language.llm_tools import llm_toolset
from tools.memory.memory_tools import memory_toolset
from tools.orders.order_tools import order_toolset
from tools.orders.return_tools import return_toolset
from tools.registry import NoParams, Services, ToolContext, ToolKind, ToolRegistry, ToolSet
from vector_memory import build_vector_memory


def shipped_toolsets() -> list[ToolSet]:
    """Every tool kind this project ships, grouped by module."""
    return [generic_toolset, sql_toolset, memory_toolset, llm_toolset, order_toolset, return_toolset]


def build_services(settings: Config) -> Services:
    """The business services for `settings`: SQL catalog (created and seeded once), vector memory, LLM."""
    sql = SqlService(settings.database_url())
    sql.ensure_ready(seed=settings.SEED_DEMO_DATA)
    return Services(sql=sql, memory=build_vector_memory(settings, source=sql), llm=build_llm_client(settings))


def build_registry(settings: Config | None = None, services: Services | None = None) -> ToolRegistry:
    """A registry with every shipped tool kind, bound to `services` (built from `settings` when not given)."""
    if services is None:
        services = build_services(settings or Config())
    return ToolRegistry(services, shipped_toolsets())


__all__ = [
    "NoParams",
    "Services",
    "ToolContext",
    "ToolKind",
    "ToolRegistry",
    "ToolSet",
    "build_registry",
    "build_services",
    "shipped_toolsets",
]
