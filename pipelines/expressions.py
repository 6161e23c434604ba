"""The one sandboxed Jinja2 environment for templates ("Hola, {{ nombre }}") and conditions ("x | length > 0").

It lives in pipelines/ because load-time checks need the very same environment (syntax, filters, variables)
that the compiled graphs use at run time, and pipelines/ may not import graphs/.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, meta, pass_context
from jinja2.runtime import Context

import textnorm
from pipelines.sandbox import SafeEnvironment, joined, plain, range_budget

_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}|\{\{).)*)\}\}\s*$", re.DOTALL)


def _normalize(value: Any) -> str:
    """Lower-case, accent-free, single-spaced text (filter `norm`): textnorm.fold."""
    return textnorm.fold(str(value or ""))


def _replace_at(items: Any, index: int, value: Any) -> list[Any]:
    """A copy of `items` with the item at `index` replaced (filter `replace_at`)."""
    result = list(items or [])
    result[int(index)] = value
    return result


def _remove_at(items: Any, index: int) -> list[Any]:
    """A copy of `items` without the item at `index` (filter `remove_at`)."""
    result = list(items or [])
    del result[int(index)]
    return result


def _merge(base: Any, *others: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
    """A copy of a mapping updated with other mappings and keywords (filter `merge`)."""
    result = dict(base or {})
    for other in others:
        result.update(other or {})
    result.update(fields)
    return result


def _index_of(items: Any, key: str, value: Any = None) -> int:
    """Index of the first mapping whose `key` equals `value` (None matches a missing key), else -1."""
    for position, item in enumerate(items or []):
        if isinstance(item, Mapping) and item.get(key) == value:
            return position
    return -1


def _filled(mapping: Any) -> dict[str, Any]:
    """A copy of a mapping without its empty (None or "") fields (filter `filled`)."""
    return {k: v for k, v in dict(mapping or {}).items() if v is not None and v != ""}


@pass_context
def _pending_index(context: Context, items: Any, name: str, done: str) -> int:
    """Index of the first item for which the condition `done` (the item bound to `name`) is false, else -1
    (filter `pending_index`: how a foreach with `done` finds its next item)."""
    check = _compiled_expression(_condition_source(done))
    scope = context.get_all()
    for position, item in enumerate(items or []):
        if not check(**{**scope, name: item}):
            return position
    return -1


ENV = SafeEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
ENV.filters.update(norm=_normalize, replace_at=_replace_at, remove_at=_remove_at, merge=_merge, index_of=_index_of)
ENV.filters.update(filled=_filled, pending_index=_pending_index)


class ExpressionSyntaxError(ValueError):
    """A template or condition that does not parse; `.lineno` is relative to the template."""


def expression_of(template: str) -> str | None:
    """The inner expression when `template` is exactly one `{{ … }}`, else None."""
    match = _SINGLE_EXPRESSION.match(template)
    return match.group("expr") if match else None


def _condition_source(condition: str) -> str:
    inner = expression_of(condition)
    return inner if inner is not None else condition


@lru_cache(maxsize=4096)
def _compiled_template(source: str) -> Any:
    return ENV.from_string(source)


@lru_cache(maxsize=4096)
def _compiled_expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=4096)
def _variables(source: str, is_expression: bool) -> frozenset[str]:
    wrapped = "{{ " + source + " }}" if is_expression else source
    return frozenset(meta.find_undeclared_variables(ENV.parse(wrapped)))


def check_syntax(text: str, *, condition: bool = False) -> None:
    """Raise ExpressionSyntaxError unless `text` parses (and its filters and tests exist)."""
    source = _condition_source(text) if condition else text
    try:
        if condition:
            _compiled_expression(source)
        else:
            _compiled_template(source)
    except TemplateError as exc:
        err = ExpressionSyntaxError(getattr(exc, "message", None) or str(exc))
        err.lineno = getattr(exc, "lineno", 1) or 1  # type: ignore[attr-defined]
        raise err from None


def variables(text: str, *, condition: bool = False) -> frozenset[str]:
    """The names a template or condition reads from the state."""
    if condition:
        return _variables(_condition_source(text), True)
    return _variables(text, False) if "{" in text else frozenset()


def template_strings(value: Any) -> list[str]:
    """Every string inside a (possibly nested) template value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in template_strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in template_strings(v)]
    return []


def _check_defined(source: str, names: frozenset[str], context: Mapping[str, Any]) -> None:
    missing = sorted(n for n in names if n not in context and n not in ENV.globals)
    if missing:
        raise NameError(f"undefined variable '{missing[0]}' in {source!r}")


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """Render a template value: strings are templates (`"{{ x }}"` alone keeps x's type), dicts/lists recurse."""
    if isinstance(value, str):
        if "{" not in value:
            return value
        inner = expression_of(value)
        if inner is not None:
            _check_defined(value, _variables(inner, True), context)
            with range_budget():
                return plain(_compiled_expression(inner)(**context))
        _check_defined(value, _variables(value, False), context)
        with range_budget():
            return joined(_compiled_template(value).generate(**context))
    if isinstance(value, Mapping):
        return {k: render(v, context) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [render(v, context) for v in value]
    return value


def evaluate(condition: str, context: Mapping[str, Any]) -> bool:
    """Evaluate a condition such as `invalid | length > 0` to a bool."""
    source = _condition_source(condition)
    _check_defined(condition, _variables(source, True), context)
    with range_budget():
        result = _compiled_expression(source)(**context)
    return False if isinstance(result, Undefined) else bool(result)
