"""Whole-word matching of catalog comparison keys (textnorm.key is the key, textnorm.words its words)."""

from __future__ import annotations

__all__ = ["contains_all"]


def contains_all(name_key: str, words: list[str]) -> bool:
    """True when the normalised name `name_key` has every word in `words` as a whole word."""
    name_words = set(name_key.split())
    return bool(words) and all(word in name_words for word in words)
