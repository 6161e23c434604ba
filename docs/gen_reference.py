"""Generate the pipeline language reference from the pydantic models, so the page cannot drift from the schema.

`python -m docs.gen_reference` writes docs/reference/language.md and docs/reference/http-api.md; `mkdocs build`
makes the same pages through docs/hooks.py, so neither is kept in git.
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from pipelines.schema import PipelineConfig

_CONSTRAINTS = ("pattern", "ge", "gt", "le", "lt", "min_length", "max_length")


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model named anywhere inside a type annotation, in order."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def all_models(root: type[BaseModel] = PipelineConfig) -> list[type[BaseModel]]:
    """`root` and every model reachable through its fields (steps of the union included), breadth first."""
    seen: list[type[BaseModel]] = [root]
    for model in seen:
        for field in model.model_fields.values():
            seen += [m for m in _models_in(field.annotation) if m not in seen]
    return seen


def _kind_of(model: type[BaseModel]) -> str | None:
    """The step kind a model stands for: the value of its `kind: Literal[...]` field, if it has one."""
    field = model.model_fields.get("kind")
    if field is None or typing.get_origin(field.annotation) is not Literal:
        return None
    return str(typing.get_args(field.annotation)[0])


def step_models(root: type[BaseModel] = PipelineConfig) -> list[type[BaseModel]]:
    """The models of the StepConfig union (every model with a literal `kind`), in the union's order."""
    return [m for m in all_models(root) if _kind_of(m) is not None]


def type_text(annotation: Any) -> str:
    """A readable, pipe-free spelling of a type annotation (`str or null`, `list[Branch]`)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is type(None):
        return "null"
    if annotation is Any:
        return "any"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{_anchor(annotation)})"
    if origin is typing.Annotated:
        return type_text(args[0])
    if origin is Literal:
        return " or ".join(f'"{a}"' if isinstance(a, str) else repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(type_text(a) for a in args)
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(type_text(a) for a in args)}]"
    return getattr(annotation, "__name__", str(annotation))


def _pairs(items: list[Any], where: str) -> list[str]:
    """`name: value` texts of the constraint attributes found on `items`, prefixed with where they apply."""
    texts = []
    for item in items:
        attrs = vars(item) if hasattr(item, "__dict__") else {a: getattr(item, a, None) for a in _CONSTRAINTS}
        texts += [f"{where}{k}: `{v}`" for k, v in attrs.items() if k in _CONSTRAINTS and v is not None]
    return texts


def _inner(annotation: Any, where: str) -> list[str]:
    """Constraints nested in `Annotated[...]` parts of an annotation: of a dict's keys, a list's items…"""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        extras = [e for extra in args[1:] for e in (extra.metadata if isinstance(extra, FieldInfo) else [extra])]
        return _pairs(extras, where) + _inner(args[0], where)
    if origin is dict:
        return _inner(args[0], "keys ") + _inner(args[1], "values ")
    if origin is list:
        return _inner(args[0], "items ")
    return [text for arg in args for text in _inner(arg, where)]


def constraints_text(field: FieldInfo) -> str:
    """The field's validation constraints (pattern, bounds, lengths), its own and those of its keys or items."""
    return ", ".join(dict.fromkeys(_pairs(field.metadata, "") + _inner(field.annotation, "")))


def default_text(field: FieldInfo) -> str:
    """`required`, or the default value as JSON (and so YAML) spells it."""
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return f"`{json.dumps(value, ensure_ascii=False, default=str)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def model_section(model: type[BaseModel], level: int = 3) -> str:
    """One model: heading, docstring, and a table of its fields (name, type, default, constraints, description)."""
    kind = _kind_of(model)
    title = f"`{kind}` — {model.__name__}" if kind else model.__name__
    lines = [f"{'#' * level} {title} {{#{_anchor(model)}}}", "", inspect.cleandoc(model.__doc__ or ""), ""]
    lines += ["| field | type | default | constraints | description |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if field.exclude:  # internal (set by the loader, not written in YAML)
            continue
        row = [
            f"`{field.alias or name}`",
            type_text(field.annotation),
            default_text(field),
            constraints_text(field),
            field.description or "",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def language_reference() -> str:
    """The whole reference page, in Markdown."""
    steps = step_models()
    others = [m for m in all_models() if m is not PipelineConfig and m not in steps]
    kinds = "\n".join(f"| `{_kind_of(m)}` | [{m.__name__}](#{_anchor(m)}) | {_cell(m.__doc__ or '')} |" for m in steps)
    parts = [
        "# Pipeline language reference",
        "",
        "Generated at build time from the pydantic models (`pipelines/schema.py`, `pipelines/repair_schema.py` and "
        "every step model of the `StepConfig` union) by `docs/gen_reference.py`: what you read here is what the "
        "loader accepts. Every model forbids unknown keys. `flask pipeline schema` prints the same as JSON Schema. "
        "For a guided tour read [The pipeline language](../guide.md).",
        "",
        "## The pipeline file",
        "",
        model_section(PipelineConfig),
        "## Step kinds",
        "",
        "Every step has `id` (unique; what `goto` names), `description` (the status line shown while it runs), `next` "
        "(routing rules) and `max_visits` (a bound for loops); `kind` picks one of these models.",
        "",
        "| kind | model | what it does |",
        "|---|---|---|",
        kinds,
        "",
        *(model_section(m) for m in steps),
        "## Parts of a pipeline",
        "",
        *(model_section(m) for m in others),
    ]
    return "\n".join(parts)


def pages() -> dict[str, str]:
    """Every generated page by its path under docs/."""
    from docs.gen_http import http_reference

    return {"reference/language.md": language_reference(), "reference/http-api.md": http_reference()}


def main() -> None:
    """Write the generated pages under docs/ (they are gitignored; mkdocs regenerates them anyway)."""
    docs = Path(__file__).resolve().parent
    for uri, text in pages().items():
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_text(text, encoding="utf-8")
        print(docs / uri)


if __name__ == "__main__":
    main()
