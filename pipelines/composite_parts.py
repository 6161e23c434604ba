"""What the composite-step expansions share: building a generated step, routing out, the item in scope."""

from __future__ import annotations

import json
from typing import Any, get_args

from pipelines.step_base import END, _Step

# Answers that drop the current item at a collect question (compared after `norm`).
REMOVE_WORDS = ["quitar", "quita", "eliminar", "elimina", "borrar", "borra", "remove", "delete"]


class Item:
    """The foreach item in scope: its name and the step that writes it back (where «quitar» goes)."""

    def __init__(self, name: str, write: str) -> None:
        self.name, self.write = name, write


def make(cls: type[_Step], origin: tuple[Any, ...], group: str, **fields: Any) -> _Step:
    """A plain step of kind `cls` from `fields` (None values left out), remembering its group and origin."""
    fields = {k: v for k, v in fields.items() if v is not None}
    fields["kind"] = get_args(cls.model_fields["kind"].annotation)[0]
    return cls.model_validate(fields).model_copy(update={"origin": origin, "group": group})


def exit_routes(step: _Step, after: str | None) -> list[dict[str, Any]]:
    """The composite's own routing, then the step after it (branches a generated router appends)."""
    branches = [b.model_dump(exclude_none=True) for b in step.next or []]
    if not branches or branches[-1].get("when"):
        branches.append({"goto": after or END})
    return branches


def literal(value: str) -> str:
    """A Jinja string literal (JSON's escapes are Jinja's)."""
    return json.dumps(value, ensure_ascii=False)
