"""What a catalog look-up compares: the words of a typed text with number words as digits («veinticuatro
pulgadas» → 24 pulgada), units as the catalog writes them («dos metros» → 2 m), the words salespeople use in place
of the catalog's («engrapadora» → grapadora) and plurals with a slip repaired («auricularess»)."""

from __future__ import annotations

from collections.abc import Mapping

import textnorm
from lexicon import UNITS
from tools.language.quantity import keys_of, read_quantity

__all__ = ["Synonyms", "lookup_key", "lookup_words"]

Synonyms = Mapping[tuple[str, ...], tuple[str, ...]]  # the words of a synonym -> the catalog words it stands for
_LONGEST_SYNONYM = 4
_ONE = frozenset({"un", "una", "a", "an"})


def _spelled(text: str) -> str:
    """The text with numbers written in words as digits; «un»/«una» count as 1 before a unit («un tera»)."""
    keys = keys_of(text)
    out: list[str] = []
    at = 0
    while at < len(keys):
        if keys[at] in _ONE and at + 1 < len(keys) and keys[at + 1] in UNITS:
            out.append("1")
            at += 1
            continue
        found = read_quantity(keys, at) if keys[at].isalpha() else None
        if found:
            out.append(str(found[0]))
            at = found[1]
            continue
        out.append(keys[at])
        at += 1
    return " ".join(out)


def _unit(word: str) -> str:
    """A unit as catalog names write it (after textnorm's singular: «metro» → m, «pulgada» → pulgada)."""
    found = UNITS.get(word)
    return textnorm.singular(found) if found else word


def _replace(words: list[str], synonyms: Synonyms) -> list[str]:
    """Synonyms replaced by the catalog words they stand for, the longest first."""
    out: list[str] = []
    at = 0
    while at < len(words):
        for size in range(min(_LONGEST_SYNONYM, len(words) - at), 0, -1):
            target = synonyms.get(tuple(words[at : at + size]))
            if target is not None:
                out.extend(target)
                at += size
                break
        else:
            out.append(words[at])
            at += 1
    return out


def _repaired(word: str, vocabulary: frozenset[str]) -> str:
    """A word the catalog lacks, as the catalog word it becomes with one doubled letter typed once («auricularess»
    → auricular, «colorees» → color); unchanged when no such word exists."""
    if word in vocabulary or not word.isalpha() or len(word) < 5:
        return word
    for at in range(1, len(word)):
        if word[at] == word[at - 1]:
            once = word[:at] + word[at + 1 :]
            for fixed in (textnorm.singular(once), textnorm.singular(once + "s")):  # «coloree» is «colorees» singled
                if fixed in vocabulary:
                    return fixed
    return word


def lookup_words(text: str, synonyms: Synonyms | None = None, vocabulary: frozenset[str] | None = None) -> list[str]:
    """The words a catalog look-up compares for `text` (see the module's docstring); `synonyms` and the catalog's
    `vocabulary` (its names' words) when known."""
    words = [_unit(word) for word in textnorm.words(_spelled(text))]
    if vocabulary:
        words = [_repaired(word, vocabulary) for word in words]
    return _replace(words, synonyms) if synonyms else words


def lookup_key(text: str) -> str:
    """The comparison key of an alias or a synonym: its look-up words joined by single spaces."""
    return " ".join(lookup_words(text))
