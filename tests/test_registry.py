"""The tool registry: kinds by name, duplicates refused, unknown names listing the valid ones, argument checks."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from errors import ToolError
from tools.generic import generic_toolset
from tools.registry import NoParams, Services, ToolContext, ToolRegistry, ToolSet


class AddArgs(BaseModel):
    """Two numbers."""

    model_config = ConfigDict(extra="forbid")
    a: int
    b: int = 0


class ScaleParams(BaseModel):
    """How much to multiply by."""

    model_config = ConfigDict(extra="forbid")
    factor: int = Field(default=1, ge=1)


def make_toolset() -> ToolSet:
    """A toolset with one kind that records what it received."""
    toolset = ToolSet()

    @toolset.tool("add", args=AddArgs, params=ScaleParams)
    def add(args: AddArgs, ctx: ToolContext) -> dict[str, object]:
        """Add two numbers, times the factor."""
        return {
            "sum": (args.a + args.b) * ctx.params.factor,  # type: ignore[attr-defined]
            "run": ctx.run_id,
            "session": ctx.session_id,
            "step": ctx.step,
        }

    return toolset


def test_kinds_are_registered_by_name_with_their_models() -> None:
    registry = ToolRegistry(Services(), [make_toolset(), generic_toolset])
    assert registry.names() == ["add", "echo", "length", "split_list", "to_number"]
    kind = registry.get("add")
    assert kind.args_model is AddArgs and kind.params_model is ScaleParams
    assert kind.description == "Add two numbers, times the factor."
    assert registry.param_models()["add"] is ScaleParams
    assert registry.param_models()["echo"] is NoParams


def test_a_name_registered_twice_raises() -> None:
    registry = ToolRegistry(Services(), [make_toolset()])
    with pytest.raises(ValueError, match="'add' is already registered"):
        registry.include(make_toolset())
    assert registry.names() == ["add"]


def test_an_unknown_name_lists_the_valid_ones() -> None:
    registry = ToolRegistry(Services(), [make_toolset(), generic_toolset])
    with pytest.raises(ToolError) as info:
        registry.get("ad")
    assert "Did you mean 'add'?" in info.value.message
    assert "Valid kinds: add, echo, length, split_list, to_number" in info.value.message
    assert info.value.details == {"valid": registry.names()}
    with pytest.raises(ToolError, match="unknown tool kind 'zzz'"):
        registry.call("zzz", {}, {})


def test_call_validates_arguments_and_passes_the_context() -> None:
    registry = ToolRegistry(Services(), [make_toolset()])
    result = registry.call("add", {"factor": 3}, {"a": 1, "b": "2"}, run_id="r1", session_id="s1", step="sumar")
    assert result == {"sum": 9, "run": "r1", "session": "s1", "step": "sumar"}
    assert registry.call("add", ScaleParams(), {"a": 4})["sum"] == 4


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({}, "a: Field required"),
        ({"a": "x"}, "a: Input should be a valid integer"),
        ({"a": 1, "c": 2}, "c: Extra inputs are not permitted"),
    ],
)
def test_bad_arguments_raise_a_tool_error_naming_the_step(args: dict[str, object], words: str) -> None:
    registry = ToolRegistry(Services(), [make_toolset()])
    with pytest.raises(ToolError) as info:
        registry.call("add", {}, args, step="sumar")
    assert words in info.value.message and "step 'sumar'" in info.value.message
    assert info.value.step == "sumar"  # type: ignore[attr-defined]


def test_services_require_names_what_is_missing() -> None:
    services = Services(sql="db", extra={"mail": "smtp"})
    assert services.require("sql") == "db" and services.require("mail") == "smtp"
    with pytest.raises(ToolError, match="'memory' service is not configured"):
        services.require("memory")
    with pytest.raises(ToolError, match="'other' service"):
        services.require("other")


@pytest.mark.parametrize(
    ("kind", "args", "expected"),
    [
        ("echo", {"a": 1, "b": [2]}, {"a": 1, "b": [2]}),
        ("to_number", {"text": "quiero 12,5 kilos"}, 12.5),
        ("to_number", {"text": "-3 unidades"}, -3),
        ("to_number", {"text": "ninguno"}, None),
        ("to_number", {"text": None}, None),
        ("split_list", {"text": "a, b;c\n d ,"}, ["a", "b", "c", "d"]),
        ("split_list", {"text": "a|b", "separators": ["|"]}, ["a", "b"]),
        ("length", {"value": [1, 2, 3]}, 3),
        ("length", {"value": None}, 0),
    ],
)
def test_generic_tools(kind: str, args: dict[str, object], expected: object) -> None:
    registry = ToolRegistry(Services(), [generic_toolset])
    assert registry.call(kind, {}, args) == expected
