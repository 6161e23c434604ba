"""What the catalog knows about words: which words name products, and which customer a sentence names.

Built from the product names, their aliases and the customer names; a word a letter away from a catalog word
(«grapadroa», «inalambirco») still counts, as salespeople type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import textnorm
from lexicon import UNITS
from tools.catalog.customer_text import CustomerMention, find_customer
from tools.orders.order_words import Tok, tokens

__all__ = ["Gazetteer", "catalog_gazetteer", "deletions"]

_MIN_FUZZY = 5  # shorter words are too easily another word one letter away


@lru_cache(maxsize=65536)  # every option, line and catalog word is compared with every message's words
def deletions(word: str) -> frozenset[str]:
    """`word` and every string one letter shorter: two words share one when they are an edit or two apart."""
    return frozenset({word, *(word[:index] + word[index + 1 :] for index in range(len(word)))})


@dataclass(frozen=True)
class Gazetteer:
    """The catalog's vocabulary: product words (names and aliases) and customer names."""

    products: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    _cache: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, products: Iterable[str], customers: Iterable[str]) -> Gazetteer:
        """A gazetteer of these product names (and aliases) and customer names."""
        return cls(tuple(dict.fromkeys(products)), tuple(dict.fromkeys(customers)))

    @cached_property
    def product_words(self) -> frozenset[str]:
        """Every content word of a product name or alias (textnorm.words: singular, no filler words)."""
        found = {word for name in self.products for word in textnorm.words(name)}
        return frozenset(w for w in found if len(w) >= 2 and any(c.isalpha() for c in w) and w not in UNITS)

    @cached_property
    def _near(self) -> dict[str, frozenset[str]]:
        index: dict[str, set[str]] = {}
        for word in self.product_words:
            if len(word) >= _MIN_FUZZY:
                for variant in deletions(word):
                    index.setdefault(variant, set()).add(word)
        return {key: frozenset(value) for key, value in index.items()}

    def names_product(self, word: str) -> bool:
        """Whether a folded word is a product word of the catalog, or a typo of one («grapadroas»)."""
        known = self._cache.get(word)
        if known is None:
            stem = textnorm.singular(word)
            known = stem in self.product_words or (
                len(stem) >= _MIN_FUZZY and any(variant in self._near for variant in deletions(stem))
            )
            if len(self._cache) < 50_000:
                self._cache[word] = known
        return known

    @cached_property
    def customer_words(self) -> frozenset[str]:
        """Every word of a customer's name (textnorm.words)."""
        return frozenset(word for name in self.customers for word in textnorm.words(name))

    def customer_in(self, toks: list[Tok]) -> CustomerMention | None:
        """The known customer a sentence names (anywhere, any case, legal form optional, a typo allowed)."""
        return find_customer(toks, self.customers)

    def customer_in_text(self, text: str, words: list[str] | None = None) -> CustomerMention | None:
        """`customer_in` on a raw text (`words`: its textnorm.words, when already known)."""
        found = textnorm.words(text) if words is None else words
        if not self.customer_words.intersection(found):
            return None
        return self.customer_in(tokens(text))


def catalog_gazetteer(sql: Any) -> Gazetteer | None:
    """The gazetteer of a SQL catalog (None without one), built once per catalog version."""
    if sql is None:
        return None
    return sql.memo("gazetteer", lambda: Gazetteer.of(sql.product_names(), sql.customer_names()))
