"""The Jinja2 sandbox of pipeline templates: no Python internals, no mutation of state, bounded memory and loops."""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable, Iterator, Mapping, MappingView
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from jinja2 import Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SEQUENCE = 100_000  # bound on `*`/`**` results so a template cannot exhaust memory
MAX_WIDTH = 10_000  # largest padding or field width a template may ask for
MAX_RANGE_TOTAL = 100_000  # items all `range()` calls of one rendering may produce together (nested loops too)
MAX_OUTPUT = 1_000_000  # characters one rendered template may produce
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
_WIDE_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_range_budget: ContextVar[list[int] | None] = ContextVar("range_budget", default=None)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def check_format(fmt: Any) -> None:
    """Refuse printf (`%`) and `str.format` strings whose widths or precisions could exhaust memory."""
    if not isinstance(fmt, str):
        return
    for width, precision in _PRINTF.findall(fmt):
        if "*" in (width, precision) or int(width or 0) > MAX_WIDTH or int(precision or 0) > MAX_WIDTH:
            raise SecurityError("format width too large in expression")
    if "{" not in fmt:
        return
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format itself will refuse it
    for _literal, _name, spec, _conversion in fields:
        if spec and ("{" in spec or any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", spec))):
            raise SecurityError("format width too large in expression")


def _check_width(*values: Any) -> None:
    if any(_number(v) > MAX_WIDTH for v in values):
        raise SecurityError("width too large in expression")


def _bounded_range(*args: int) -> range:
    """`range()` sharing one budget per rendering, so nested loops cannot spin for hours."""
    result = range(*args)
    budget = _range_budget.get()
    if len(result) > MAX_RANGE_TOTAL or (budget is not None and len(result) > budget[0]):
        raise SecurityError(f"range too big: one template may loop over at most {MAX_RANGE_TOTAL} numbers")
    if budget is not None:
        budget[0] -= len(result)
    return result


@contextmanager
def range_budget() -> Iterator[None]:
    """Give the renderings inside this block one shared `range()` budget."""
    token = _range_budget.set([MAX_RANGE_TOTAL])
    try:
        yield
    finally:
        _range_budget.reset(token)


def joined(chunks: Iterator[str]) -> str:
    """The rendered text, refused as soon as it grows past MAX_OUTPUT characters."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the template produced more than {MAX_OUTPUT} characters")
        parts.append(chunk)
    return "".join(parts)


def plain(value: Any) -> Any:
    """An expression's value as state data: Undefined -> None, generators, views and ranges -> lists.

    State is checkpointed with msgpack, so a generator (`items | map(...)` without `| list`), a dict view or a
    Jinja helper object must never reach it; other values (dates, decimals from tools) pass unchanged.
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Undefined):
        return None
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | range | Iterator | MappingView):
        items = list(itertools.islice(value, MAX_SEQUENCE + 1))
        if len(items) > MAX_SEQUENCE:
            raise SecurityError(f"the expression gives more than {MAX_SEQUENCE} items")
        return [plain(item) for item in items]
    if callable(value) or type(value).__module__.startswith("jinja2"):
        raise TypeError(f"the expression gives a {type(value).__name__} object, which is not data that can be stored")
    return value


def _guarded_filter(original: Callable[..., Any], check: Callable[..., None]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(*args, **kwargs)
        return original(*args, **kwargs)

    return guarded


class SafeEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox (templates cannot change state in place) with bounds on memory and loop sizes."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _bounded_range
        self.filters["format"] = _guarded_filter(self.filters["format"], lambda fmt, *a, **k: check_format(fmt))
        self.filters["center"] = _guarded_filter(self.filters["center"], lambda v, width=80: _check_width(width))
        self.filters["indent"] = _guarded_filter(
            self.filters["indent"], lambda v, width=4, *a, **k: _check_width(width)
        )

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Binary operators with bounds on exponents, repetitions and printf widths."""
        if operator == "**" and (abs(_number(right)) > 64 or abs(_number(left)) > 10**6):
            raise SecurityError("exponent too large in expression")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and _number(times) * len(seq) > MAX_SEQUENCE:
                    raise SecurityError("repetition too large in expression")
        if operator == "%":
            check_format(left)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` / `format_map`, refused up front when their format string asks for huge widths."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            check_format(value.__self__)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls, with the str methods that pad (center, ljust, zfill…) bounded."""
        if isinstance(getattr(__obj, "__self__", None), str) and getattr(__obj, "__name__", "") in _WIDE_METHODS:
            _check_width(*args, *kwargs.values())
        return super().call(__context, __obj, *args, **kwargs)
