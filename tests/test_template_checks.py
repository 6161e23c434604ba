"""Template checks: variables set before they are read, syntax of templates and conditions, outputs."""

from __future__ import annotations

import pytest

from tests.test_checks import HEAD, one, problems, where


def test_template_variable_never_set() -> None:
    error = one(HEAD + "  - id: s1\n    kind: reply\n    message: 'Hola {{ nombre }}'\n")
    assert error.reason == "template variable 'nombre' is never set"
    assert where(error) == (9, 5, "steps.0.message", "s1")
    close = one(HEAD + "  - id: s1\n    kind: reply\n    message: 'Hola {{ aa }}'\n")
    assert close.hint == "did you mean 'a'?"


def test_template_variable_set_only_later() -> None:
    error = one(
        HEAD + "  - id: s1\n    kind: reply\n    message: 'total {{ total }}'\n"
        "  - id: s2\n    kind: set\n    values: {total: 3}\n"
    )
    assert error.reason == "template variable 'total' is set only by steps that cannot run before this one"
    assert "earlier" in (error.hint or "") and "did you mean" not in (error.hint or "")
    assert where(error) == (9, 5, "steps.0.message", "s1")


def test_variables_set_on_only_one_branch_are_found_through_the_graph() -> None:
    text = (
        HEAD + "  - {id: s1, kind: reply, message: hi, next: [{when: a, goto: s3}]}\n"
        "  - {id: s2, kind: set, values: {x: 1}}\n  - {id: s3, kind: reply, message: '{{ x }}'}\n"
    )
    # s3 follows s2 in the file, and s2 can run before it: the check follows the graph, not the order.
    assert problems(text) == []


def test_nested_template_values_are_located_exactly() -> None:
    error = one(
        HEAD + "  - id: s1\n    kind: tool\n    tool: num\n    with:\n      text: ok\n"
        "      other: ['{{ a }}', '{{ nope }}']\n"
    )
    assert where(error) == (12, 26, "steps.0.with.other.1", "s1")


def test_set_values_may_read_values_set_before_them_in_the_same_step() -> None:
    ok = HEAD + "  - id: s1\n    kind: set\n    values:\n      b: 1\n      c: '{{ b + 1 }}'\n"
    assert problems(ok) == []
    error = one(HEAD + "  - id: s1\n    kind: set\n    values:\n      c: '{{ b + 1 }}'\n      b: 1\n")
    assert error.message.startswith("template variable 'b' is set only by")
    assert where(error) == (10, 7, "steps.0.values.c", "s1")


def test_conditions_may_read_what_their_step_sets() -> None:
    ok = HEAD + "  - {id: s1, kind: set, values: {b: 1}, next: [{when: b > 0, goto: end}]}\n"
    assert problems(ok) == []


def test_outputs_are_checked() -> None:
    error = one(HEAD + "  - {id: s1, kind: reply, message: hi}\noutputs: {x: '{{ nope }}'}\n")
    assert where(error) == (8, 11, "outputs.x", None)
    assert error.reason == "template variable 'nope' is never set"


@pytest.mark.parametrize(
    ("template", "field", "column", "words"),
    [
        ("'Hola {{ a '", "message", 5, "unexpected end of template"),
        ("'{{ a | nofilter }}'", "message", 5, "No filter named 'nofilter'"),
        ("'{% for x in a %}'", "message", 5, "Unexpected end of template"),
        ("'{{ a | length > }}'", "message", 5, "unexpected"),
    ],
)
def test_template_syntax_errors(template: str, field: str, column: int, words: str) -> None:
    error = one(HEAD + f"  - id: s1\n    kind: reply\n    {field}: {template}\n")
    assert error.message.startswith("template error: ") and words in error.message
    assert where(error) == (9, column, f"steps.0.{field}", "s1")
    assert "braces" in (error.hint or "")


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ("'a =='", "unexpected"),
        ("'a is frobbed'", "No test named 'frobbed'"),
        ("'a | nofilter'", "No filter"),
    ],
)
def test_condition_syntax_errors(condition: str, words: str) -> None:
    error = one(
        HEAD + f"  - id: s1\n    kind: reply\n    message: hi\n    next:\n      - {{when: {condition}, goto: end}}\n"
    )
    assert words in error.message
    assert where(error) == (11, 10, "steps.0.next.0.when", "s1")


def test_ask_validity_condition_is_checked_as_a_condition() -> None:
    error = one(HEAD + "  - id: s1\n    kind: ask\n    slot: n\n    question: '¿n?'\n    valid: 'n > limite'\n")
    assert error.reason == "template variable 'limite' is never set"
    assert where(error) == (11, 5, "steps.0.valid", "s1")


def test_internal_state_keys_are_not_template_variables() -> None:
    error = one(HEAD + "  - {id: s1, kind: reply, message: '{{ __visits__ }}'}\n")
    assert "'__visits__' is never set" in error.message
