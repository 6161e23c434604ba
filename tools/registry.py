"""Explicit tool registry: tool kinds registered in code by name; YAML refers to names only."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from errors import ToolError


class NoParams(BaseModel):
    """Parameter model of tool kinds that take no instance parameters."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class Services:
    """The external services tools may use; each is None when not configured."""

    sql: Any = None
    memory: Any = None
    llm: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def require(self, name: str) -> Any:
        """The named service, or a ToolError saying it is not configured."""
        service = getattr(self, name, None) if name in ("sql", "memory", "llm") else self.extra.get(name)
        if service is None:
            raise ToolError(f"the '{name}' service is not configured in this application")
        return service


@dataclass(frozen=True)
class ToolContext:
    """What a tool function receives besides its arguments."""

    params: BaseModel
    services: Services
    run_id: str | None = None
    session_id: str | None = None
    step: str | None = None
    # What a side effect is keyed on: the thread, the pipeline, the step and its visit — the same in every process,
    # retry, fused or unfused graph and LangGraph Server invocation that runs this step this time.
    effect_key: str | None = None


ToolFunc = Callable[[Any, ToolContext], Any]


@dataclass(frozen=True)
class ToolKind:
    """A registered tool kind: a plain function with a pydantic argument model."""

    name: str
    func: ToolFunc
    args_model: type[BaseModel]
    params_model: type[BaseModel]
    description: str
    writes: bool = False  # it changes business data (keyed on `ToolContext.effect_key`): not a read


class ToolSet:
    """A group of tool kinds declared with the `@toolset.tool(...)` decorator, added to registries later."""

    def __init__(self) -> None:
        self.kinds: list[ToolKind] = []

    def tool(
        self,
        name: str,
        *,
        args: type[BaseModel],
        params: type[BaseModel] = NoParams,
        description: str | None = None,
        writes: bool = False,
    ) -> Callable[[ToolFunc], ToolFunc]:
        """Declare `func(args, ctx)` as the tool kind `name` (`writes`: it changes business data)."""

        def decorate(func: ToolFunc) -> ToolFunc:
            doc = description or ((func.__doc__ or "").strip().splitlines() or [""])[0]
            self.kinds.append(ToolKind(name, func, args, params, doc, writes))
            return func

        return decorate


class ToolRegistry:
    """Tool kinds by name, bound to the services they may use."""

    def __init__(self, services: Services | None = None, toolsets: Iterable[ToolSet] = ()) -> None:
        self.services = services or Services()
        self._kinds: dict[str, ToolKind] = {}
        for toolset in toolsets:
            self.include(toolset)

    def add(self, kind: ToolKind) -> None:
        """Register one tool kind; a name registered twice raises."""
        if kind.name in self._kinds:
            raise ValueError(f"tool kind '{kind.name}' is already registered")
        self._kinds[kind.name] = kind

    def include(self, toolset: ToolSet) -> None:
        """Register every kind of a ToolSet."""
        for kind in toolset.kinds:
            self.add(kind)

    def names(self) -> list[str]:
        """The registered kind names, sorted."""
        return sorted(self._kinds)

    def param_models(self) -> Mapping[str, type[BaseModel]]:
        """Kind name -> its instance-parameter model (what the pipeline checks need)."""
        return {name: kind.params_model for name, kind in self._kinds.items()}

    def get(self, name: str) -> ToolKind:
        """The kind called `name`; an unknown name raises a ToolError listing the valid ones."""
        try:
            return self._kinds[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._kinds, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ToolError(
                f"unknown tool kind '{name}'.{hint} Valid kinds: {', '.join(self.names())}",
                details={"valid": self.names()},
            ) from None

    def call(
        self,
        kind_name: str,
        params: BaseModel | Mapping[str, Any],
        args: Mapping[str, Any],
        *,
        run_id: str | None = None,
        session_id: str | None = None,
        step: str | None = None,
        effect_key: str | None = None,
    ) -> Any:
        """Validate `args` with the kind's model and run it; bad arguments raise ToolError."""
        kind = self.get(kind_name)
        if not isinstance(params, BaseModel):
            params = kind.params_model.model_validate(dict(params))
        try:
            parsed = kind.args_model.model_validate(dict(args))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'args'}: {e['msg']}" for e in exc.errors())
            raise ToolError(f"bad arguments for tool '{kind_name}' in step '{step}': {problems}", step=step) from None
        ctx = ToolContext(
            params=params,
            services=self.services,
            run_id=run_id,
            session_id=session_id,
            step=step,
            effect_key=effect_key,
        )
        return kind.func(parsed, ctx)
