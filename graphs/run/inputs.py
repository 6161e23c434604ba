"""Run arguments checked against a pipeline's declared inputs: unknown, missing, ill-typed or hostile values."""

from __future__ import annotations

from typing import Any

import textnorm
from errors import InputError
from pipelines.schema import InputConfig, PipelineConfig

MAX_INPUT_CHARS = 10_000
_TRUE, _FALSE = {"true", "1", "y", "s"}, {"false", "0", "n"}  # literals; words go through textnorm.yes_no


def _coerce_input(name: str, spec: InputConfig, value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_INPUT_CHARS:
        raise InputError.too_long(name, MAX_INPUT_CHARS)
    try:
        if spec.type == "string":
            return textnorm.clean(value if isinstance(value, str) else str(value))  # no NUL, bidi or zero-width
        if spec.type == "integer" and not isinstance(value, bool):
            number = int(str(value).strip())
            if abs(number) >= 2**63:  # checkpoints store 64-bit integers only
                raise InputError.out_of_range(name, spec.type)
            return number
        if spec.type == "number" and not isinstance(value, bool):
            return float(str(value).strip().replace(",", "."))
        if spec.type == "boolean":
            if isinstance(value, bool):
                return value
            literal, answer = str(value).strip().lower(), textnorm.yes_no(str(value))
            if literal in _TRUE | _FALSE or answer is not None:
                return literal in _TRUE or answer == "yes"
        if spec.type == "list" and isinstance(value, list):
            return value
        if spec.type == "object" and isinstance(value, dict):
            return value
    except ValueError:
        pass
    raise InputError.bad_type(name, spec.type, value)


def validate_inputs(config: PipelineConfig, args: dict[str, Any]) -> dict[str, Any]:
    """Check run arguments against the declared inputs: unknown, missing or ill-typed ones raise InputError."""
    unknown = sorted(set(args) - set(config.inputs))
    if unknown:
        raise InputError.unknown_input(unknown[0][:64], config.name, list(config.inputs), unknown)
    values: dict[str, Any] = {}
    for name, spec in config.inputs.items():
        if name in args and args[name] is not None:
            values[name] = _coerce_input(name, spec, args[name])
        elif spec.default is not None:
            values[name] = spec.default
        elif spec.required:
            raise InputError.missing_input(name, config.name, spec.type)
    return values
