"""Tools: the explicit registry of tool kinds and the services they use."""

from __future__ import annotations

from config import Config
from tools.generic import generic_toolset
from tools.registry import NoParams, Services, ToolContext, ToolKind, ToolRegistry, ToolSet


def build_registry(settings: Config | None = None, services: Services | None = None) -> ToolRegistry:
    """A registry with every shipped tool kind, bound to the services configured in `settings`."""
    return ToolRegistry(services or Services(), [generic_toolset])


__all__ = ["NoParams", "Services", "ToolContext", "ToolKind", "ToolRegistry", "ToolSet", "build_registry"]
