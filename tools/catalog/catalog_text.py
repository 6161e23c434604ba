"""Catalog comparison keys: thin names over textnorm (the one normalisation) plus whole-word matching."""

from __future__ import annotations

import textnorm
from textnorm import STOP_WORDS, singular

__all__ = ["STOP_WORDS", "contains_all", "normalize", "singular", "tokens"]


def tokens(text: str) -> list[str]:
    """The normalised words of `text` (textnorm.words): lower-case, no accents or punctuation, singular."""
    return textnorm.words(text)


def normalize(text: str) -> str:
    """The comparison key of a name (textnorm.key), stored in the SQL column `normalized_name`."""
    return textnorm.key(text)


def contains_all(name_key: str, words: list[str]) -> bool:
    """True when the normalised name `name_key` has every word in `words` as a whole word."""
    name_words = set(name_key.split())
    return bool(words) and all(word in name_words for word in words)
