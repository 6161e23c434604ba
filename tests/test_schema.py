"""The pydantic schema of the pipeline language: step kinds, strictness, shorthands and JSON Schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from pipelines.schema import (
    AskStep,
    Branch,
    LlmStep,
    PipelineConfig,
    PipelineStep,
    ReplyStep,
    SetStep,
    ToolConfig,
    ToolStep,
    provided_keys,
)

STEPS: dict[str, tuple[dict[str, Any], type]] = {
    "tool": ({"id": "t", "kind": "tool", "tool": "num", "with": {"text": "{{ a }}"}, "save_as": "n"}, ToolStep),
    "llm": (
        {
            "id": "l",
            "kind": "llm",
            "prompt": "Resume {{ a }}",
            "system": "Eres breve",
            "fallback": "num",
            "output": {"type": "object"},
            "save_as": "r",
        },
        LlmStep,
    ),
    "ask": (
        {
            "id": "q",
            "kind": "ask",
            "question": "¿Cuántos?",
            "slot": "a",
            "options": ["1", "2"],
            "valid": "a | length > 0",
            "max_visits": 3,
        },
        AskStep,
    ),
    "set": ({"id": "s", "kind": "set", "values": {"b": "{{ a }}"}}, SetStep),
    "pipeline": (
        {"id": "p", "kind": "pipeline", "pipeline": "otro", "with": {"x": "{{ a }}"}, "outputs": {"y": "z"}},
        PipelineStep,
    ),
    "reply": ({"id": "r", "kind": "reply", "message": "Adiós", "end": True, "status": "cancelled"}, ReplyStep),
}


def pipeline(*steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A minimal pipeline document around `steps`."""
    return {"name": "p", "steps": list(steps), **extra}


@pytest.mark.parametrize("kind", sorted(STEPS))
def test_every_step_kind_parses_into_its_own_model(kind: str) -> None:
    document, model = STEPS[kind]
    config = PipelineConfig.model_validate(pipeline(document))
    step = config.steps[0]
    assert type(step) is model
    assert step.kind == kind and step.id == document["id"]


def test_field_values_survive_parsing() -> None:
    tool = PipelineConfig.model_validate(pipeline(STEPS["tool"][0])).steps[0]
    assert isinstance(tool, ToolStep)
    assert tool.with_ == {"text": "{{ a }}"} and tool.save_as == "n"
    reply = PipelineConfig.model_validate(pipeline(STEPS["reply"][0])).steps[0]
    assert isinstance(reply, ReplyStep) and reply.end and reply.status == "cancelled"
    ask = PipelineConfig.model_validate(pipeline(STEPS["ask"][0])).steps[0]
    assert isinstance(ask, AskStep) and ask.target == "a" and ask.max_visits == 3


@pytest.mark.parametrize("kind", sorted(STEPS))
def test_extra_fields_are_forbidden_on_every_step_kind(kind: str) -> None:
    document = {**STEPS[kind][0], "colour": "red"}
    with pytest.raises(ValidationError) as info:
        PipelineConfig.model_validate(pipeline(document))
    errors = info.value.errors()
    assert [e["type"] for e in errors] == ["extra_forbidden"]
    assert errors[0]["loc"] == ("steps", 0, kind, "colour")


@pytest.mark.parametrize("where", ["top", "input", "branch"])
def test_extra_fields_are_forbidden_outside_steps(where: str) -> None:
    document = pipeline({"id": "r", "kind": "reply", "message": "x", "next": [{"goto": "end"}]})
    if where == "top":
        document["author"] = "me"
    elif where == "input":
        document["inputs"] = {"a": {"type": "string", "colour": "red"}}
    else:
        document["steps"][0]["next"][0]["colour"] = "red"
    with pytest.raises(ValidationError) as info:
        PipelineConfig.model_validate(document)
    assert {e["type"] for e in info.value.errors()} == {"extra_forbidden"}


def test_the_union_is_discriminated_by_kind() -> None:
    # A discriminated union reports the one model the kind names, not one error per alternative.
    with pytest.raises(ValidationError) as info:
        PipelineConfig.model_validate(pipeline({"id": "r", "kind": "reply"}))
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("missing", ("steps", 0, "reply", "message"))]
    with pytest.raises(ValidationError) as info:
        PipelineConfig.model_validate(pipeline({"id": "r", "kind": "tol"}))
    assert [e["type"] for e in info.value.errors()] == ["union_tag_invalid"]
    with pytest.raises(ValidationError) as info:
        PipelineConfig.model_validate(pipeline({"id": "r", "message": "x"}))
    assert [e["type"] for e in info.value.errors()] == ["union_tag_not_found"]


def test_json_schema_describes_every_step_kind_with_a_discriminator() -> None:
    schema = PipelineConfig.model_json_schema()
    json.dumps(schema)  # plain JSON, ready for the editor
    assert set(schema["required"]) == {"name", "steps"}
    assert schema["additionalProperties"] is False
    items = schema["properties"]["steps"]["items"]
    assert items["discriminator"]["propertyName"] == "kind"
    mapping = items["discriminator"]["mapping"]
    assert set(mapping) == set(STEPS) | {"collect", "foreach", "confirm"}  # composites: tests/test_composites.py
    for kind, ref in mapping.items():
        definition = schema["$defs"][ref.rsplit("/", 1)[-1]]
        assert definition["properties"]["kind"]["const"] == kind
        assert definition["additionalProperties"] is False
    assert "with" in schema["$defs"]["ToolStep"]["properties"]  # the alias, as written in YAML


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"slot": "a"}, True),
        ({"save_as": "a"}, True),
        ({}, False),
        ({"slot": "a", "save_as": "b"}, False),
    ],
)
def test_ask_needs_exactly_one_of_slot_and_save_as(fields: dict[str, str], ok: bool) -> None:
    document = pipeline({"id": "q", "kind": "ask", "question": "¿?", **fields})
    if ok:
        step = PipelineConfig.model_validate(document).steps[0]
        assert isinstance(step, AskStep) and step.target == "a"
    else:
        with pytest.raises(ValidationError, match="exactly one of 'slot'"):
            PipelineConfig.model_validate(document)


def test_outputs_list_shorthand_becomes_templates() -> None:
    config = PipelineConfig.model_validate(pipeline(STEPS["set"][0], outputs=["b", "c"]))
    assert config.outputs == {"b": "{{ b }}", "c": "{{ c }}"}
    mapping = PipelineConfig.model_validate(pipeline(STEPS["set"][0], outputs={"total": "{{ b }} €"}))
    assert mapping.outputs == {"total": "{{ b }} €"}


def test_next_string_shorthand_is_one_unconditional_branch() -> None:
    config = PipelineConfig.model_validate(pipeline({"id": "r", "kind": "reply", "message": "x", "next": "end"}))
    assert config.steps[0].next == [Branch(goto="end")]
    full = [{"when": "a", "goto": "r"}, {"goto": "end"}]
    config = PipelineConfig.model_validate(pipeline({"id": "r", "kind": "reply", "message": "x", "next": full}))
    assert config.steps[0].next == [Branch(when="a", goto="r"), Branch(goto="end")]


def test_tool_config_collects_parameters_besides_kind() -> None:
    tool = ToolConfig.model_validate({"kind": "catalog", "description": "d", "limit": 5, "table": "x"})
    assert tool.kind == "catalog" and tool.params == {"limit": 5, "table": "x"}
    explicit = ToolConfig.model_validate({"kind": "catalog", "params": {"limit": 5}})
    assert explicit.params == {"limit": 5}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Bad-Name"),
        ("name", "a" * 65),
        ("name", "1abc"),
        ("name", "ok\n"),
    ],
)
def test_names_follow_the_pattern(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as info:
        PipelineConfig.model_validate({**pipeline(STEPS["set"][0]), field: value})
    assert info.value.errors()[0]["type"] == "string_pattern_mismatch"


@pytest.mark.parametrize("bad", [0, -1, 10_001, "many"])
def test_max_visits_is_a_bounded_positive_integer(bad: Any) -> None:
    with pytest.raises(ValidationError):
        PipelineConfig.model_validate(pipeline({"id": "r", "kind": "reply", "message": "x", "max_visits": bad}))


def test_models_are_frozen_and_steps_need_at_least_one() -> None:
    config = PipelineConfig.model_validate(pipeline(STEPS["set"][0]))
    with pytest.raises(ValidationError):
        config.name = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        PipelineConfig.model_validate({"name": "p", "steps": []})


def test_state_keys_and_provided_keys() -> None:
    config = PipelineConfig.model_validate(
        {
            "name": "p",
            "inputs": {"a": {}},
            "steps": [
                STEPS["tool"][0],
                STEPS["set"][0],
                STEPS["pipeline"][0],
                {"id": "q2", "kind": "ask", "question": "¿?", "save_as": "resp"},
                STEPS["reply"][0],
            ],
        }
    )
    assert config.state_keys() == ["a", "n", "b", "y", "resp"]
    assert provided_keys(config.step("r")) == []
    with pytest.raises(KeyError):
        config.step("missing")


def test_content_hash_of_configs_built_in_python_is_stable() -> None:
    first = PipelineConfig.model_validate(pipeline(STEPS["set"][0]))
    second = PipelineConfig.model_validate(pipeline(STEPS["set"][0]))
    changed = PipelineConfig.model_validate(pipeline({"id": "s", "kind": "set", "values": {"b": "2"}}))
    assert first.content_hash == second.content_hash != changed.content_hash
    assert len(first.content_hash) == 16
    assert first.summary()["version"] == first.content_hash
