"""Hypothesis feeds the loader arbitrary text and YAML documents: the only exception it may raise is PipelineError."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errors import PipelineError
from pipelines.loader import collect_errors, parse_text
from pipelines.schema import STEP_KINDS
from tools.generic import generic_toolset
from tools.registry import ToolRegistry

KINDS = ToolRegistry(None, [generic_toolset]).param_models()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = [
    "name",
    "steps",
    "id",
    "kind",
    "next",
    "goto",
    "when",
    "tools",
    "inputs",
    "outputs",
    "with",
    "save_as",
    "slot",
    "question",
    "options",
    "values",
    "message",
    "end",
    "max_visits",
    "pipeline",
    "type",
    "a",
    "b",
    "end",
    "{{ a }}",
    "{{ a | length > 0 }}",
    "{{",
    "}}",
    "{% for %}",
    *STEP_KINDS,
]
KNOWN = ["p", "ejemplo_simple"]


def check(text: str) -> None:
    """collect_errors never raises; parse_text raises only PipelineError; both agree."""
    config, problems = collect_errors(text, file="fuzz.yaml", tool_kinds=KINDS, known_pipelines=KNOWN)
    assert all(isinstance(p, PipelineError) for p in problems)
    for problem in problems:
        assert problem.location().startswith("fuzz.yaml:")
        assert isinstance(problem.line, int) and isinstance(problem.column, int)
    try:
        parsed = parse_text(text, file="fuzz.yaml", tool_kinds=KINDS, known_pipelines=KNOWN)
    except PipelineError:
        assert problems
    else:
        assert not problems and config is not None and parsed.name == config.name


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.sampled_from(WORDS), st.text(max_size=20)
)
keys = st.one_of(st.sampled_from(WORDS), st.text(max_size=8), st.integers(-3, 3), st.booleans())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


def step_like() -> st.SearchStrategy[dict[str, Any]]:
    """Dictionaries that look much like steps, to get past the first validation layers."""
    return st.fixed_dictionaries(
        {"id": st.sampled_from(["a", "b", "c", "end", "B-1"]), "kind": st.sampled_from([*STEP_KINDS, "tol"])},
        optional={
            "next": st.one_of(
                st.sampled_from(["a", "b", "end", "zz"]),
                st.lists(
                    st.fixed_dictionaries(
                        {"goto": st.sampled_from(["a", "b", "end"])}, optional={"when": st.sampled_from(WORDS)}
                    )
                ),
            ),
            "message": st.sampled_from(WORDS),
            "question": st.sampled_from(WORDS),
            "slot": st.sampled_from(["a", "b", "run_id"]),
            "save_as": st.sampled_from(["a", "b"]),
            "tool": st.sampled_from(["t", "u"]),
            "values": st.dictionaries(st.sampled_from(["a", "b"]), scalars),
            "pipeline": st.sampled_from(KNOWN),
            "max_visits": st.integers(-1, 3),
            "options": st.one_of(st.sampled_from(WORDS), st.lists(scalars, max_size=3)),
            "with": st.dictionaries(st.sampled_from(["text", "value"]), scalars, max_size=2),
            "end": st.booleans(),
            "fallback": st.sampled_from(["t", "u"]),
            "prompt": st.sampled_from(WORDS),
        },
    )


pipelines = st.fixed_dictionaries(
    {"name": st.sampled_from(["p", "q", "Bad"]), "steps": st.lists(step_like(), max_size=4)},
    optional={
        "inputs": st.dictionaries(
            st.sampled_from(["a", "b", "session_id"]),
            st.fixed_dictionaries({}, optional={"type": st.sampled_from(["string", "integer", "nope"])}),
            max_size=2,
        ),
        "tools": st.dictionaries(
            st.sampled_from(["t", "u"]),
            st.fixed_dictionaries({"kind": st.sampled_from(["to_number", "echo", "nope"])}, optional={"x": scalars}),
            max_size=2,
        ),
        "outputs": st.one_of(
            st.lists(st.sampled_from(["a", "b"])), st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(WORDS))
        ),
    },
)


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    check(text)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                *":-[]{}&*!|>'\"#%@`,?\t\n \\",
                "a",
                "b",
                "1",
                "---",
                "!!python/",
                "\n  ",
                "name: p\n",
                "steps:\n",
                "  - id: a\n",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_text_made_of_yaml_punctuation(text: str) -> None:
    check(text)


@FUZZ
@given(documents)
def test_arbitrary_yaml_documents(document: Any) -> None:
    check(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(pipelines)
def test_documents_shaped_like_pipelines(document: dict[str, Any]) -> None:
    check(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
