"""Validation of everything that enters the vector memory: names, texts, keys, metadata, k."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from errors import InputError
from vector_memory.collection import Entry

MAX_NAME_CHARS = 200
MAX_KEY_CHARS = 256
MAX_TEXT_CHARS = 8192
MAX_K = 100


def _clean(value: str) -> str:
    """`value` with lone surrogates replaced, so it can always be written as UTF-8."""
    return value.encode("utf-8", "replace").decode("utf-8")


def check_name(name: object) -> str:
    """A collection name: 1–200 printable characters (it is hashed for file names, never used as a path)."""
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
        raise InputError(f"a collection name must be a string of 1 to {MAX_NAME_CHARS} characters")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise InputError("a collection name must not contain control characters")
    return _clean(name)


def check_text(text: object) -> str:
    """A text to embed: a string of at most MAX_TEXT_CHARS characters."""
    if not isinstance(text, str):
        raise InputError("the text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"the text is longer than {MAX_TEXT_CHARS} characters")
    return _clean(text)


def check_k(k: object) -> int:
    """How many results: an integer from 1 to MAX_K."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be an integer from 1 to {MAX_K}")
    return k


def _jsonable(value: Any) -> Any:
    """Turn the non-JSON values databases hand out (Decimal, dates) into JSON ones."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    raise InputError(f"metadata value of type {type(value).__name__} cannot be stored")


def _check_meta(meta: object) -> dict[str, Any]:
    """Metadata: a JSON object (Decimal and dates converted); anything else is refused."""
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise InputError("an item's meta must be an object")
    try:
        return json.loads(_clean(json.dumps(dict(meta), default=_jsonable, ensure_ascii=False, allow_nan=False)))
    except (TypeError, ValueError) as exc:
        raise InputError(f"an item's meta is not JSON-like: {exc}") from None


def to_entries(items: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """Validate `{key, text, meta?}` items into entries."""
    entries = []
    for item in items:
        if not isinstance(item, Mapping):
            raise InputError("each item must be an object with key and text")
        key = item.get("key")
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
            raise InputError(f"an item's key must be a string of 1 to {MAX_KEY_CHARS} characters")
        entries.append(Entry(_clean(key), check_text(item.get("text")), _check_meta(item.get("meta"))))
    return entries
