"""A line's quantity checked as a `collect` resolver answers: exact when it can be served, none otherwise."""

from __future__ import annotations

from typing import Any

__all__ = ["no_match", "quantity_answer"]


def no_match(**extra: Any) -> dict[str, Any]:
    """A resolver's answer when nothing matches, with `extra` fields beside status, match and candidates."""
    return {"status": "none", "match": None, "candidates": [], **extra}


def quantity_answer(quantity: int | None, available: int, /, **extra: Any) -> dict[str, Any]:
    """Exact (then `match` is the quantity) when 1 ≤ quantity ≤ available, else none (None counts as 0); with
    `extra` fields beside status, match and candidates (positional-only, so `extra` may hold an `available`)."""
    asked = quantity or 0
    ok = 1 <= asked <= available
    return {"status": "exact" if ok else "none", "match": asked if ok else None, "candidates": [], **extra}
