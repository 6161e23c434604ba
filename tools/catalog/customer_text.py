"""Finding a known customer's name anywhere in a sentence, in any case, with or without its legal form."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

import textnorm
from tools.orders.order_words import STRONG_CUSTOMER_MARKERS, WEAK_CUSTOMER_MARKERS, Tok, match_phrase

__all__ = ["CustomerMention", "find_customer"]

# Legal forms a user leaves out («acme» for «ACME S.A.», «umbrella» for «Umbrella Corp»), as textnorm words.
_LEGAL_FORMS = frozenset(
    {"sa", "sl", "slu", "sau", "sll", "scp", "cb", "coop", "corp", "corporation", "inc", "incorporated"}
    | {"ltd", "limited", "llc", "plc", "gmbh", "co", "cia", "company"}
)
_MARKERS = tuple(sorted({*STRONG_CUSTOMER_MARKERS, *WEAK_CUSTOMER_MARKERS}, key=lambda phrase: -len(phrase)))
# Words between a marker and the name: «el cliente es X», «para el Hotel X», «for the X».
_GLUE = frozenset({"es", "is", "sea", "el", "la", "los", "las", "the"})


class CustomerMention(NamedTuple):
    """A known customer found in a sentence: its catalog name and the tokens [start, end) to cut out."""

    name: str
    start: int
    end: int


@functools.lru_cache(maxsize=16)
def _forms(names: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    """Word sequences that name exactly one customer: the whole name, the name without its legal form, the first
    two words or more of a longer name («gestoría lópez» for «Gestoría López y Asociados»), and the first word of a
    two-word name («stark» for «Stark Industries»)."""
    owners: dict[tuple[str, ...], set[str]] = {}
    for name in names:
        words = textnorm.words(name)
        core = list(words)
        while len(core) > 1 and core[-1] in _LEGAL_FORMS:
            core.pop()
        prefixes = {tuple(core[:size]) for size in range(2, len(core))}
        if len(core) == 2:
            prefixes.add(tuple(core[:1]))
        for form in {tuple(words), tuple(core), *prefixes}:
            if len("".join(form)) >= (3 if len(form) > 1 or form == tuple(core) else 4):
                owners.setdefault(form, set()).add(name)
    return {form: next(iter(found)) for form, found in owners.items() if len(found) == 1}


def _marker_before(keys: list[str], at: int) -> int:
    """Index where a customer marker ("para", "for", "el cliente es"…) ending right before `at` starts, else `at`."""
    end = at
    while end > 0 and keys[end - 1] in _GLUE:
        end -= 1
    for phrase in _MARKERS:
        begin = end - len(phrase)
        if begin >= 0 and match_phrase(keys, begin, (phrase,), stop=end):
            return begin
    return at


def _misspelt_rest(name: str, size: int, after: list[str]) -> bool:
    """Whether the word after a short form of a name is the rest of the name misspelt («Stark Industris»): the
    whole name was meant, and a typo of it is for the catalog's suggestions, not a sure match."""
    rest = textnorm.words(name)[size : size + 1]
    if not rest or not after or after[0] == rest[0] or len(rest[0]) < 5:
        return False
    return after[0][:5] == rest[0][:5]  # «industris» for «industries»: the same word, badly typed


def find_customer(toks: list[Tok], customers: Iterable[str]) -> CustomerMention | None:
    """The known customer named in `toks` (whole words, any case and accents, legal form optional), or None.

    When several are named, the one introduced by a marker («para», «for», «cliente») wins, then the longest,
    then the last. The mention's span includes its marker, so the rest of the sentence is the product text."""
    forms = _forms(tuple(dict.fromkeys(customers)))
    if not forms:
        return None
    units = [(word, index) for index, tok in enumerate(toks) for word in textnorm.words(tok.raw)]
    words = [word for word, _ in units]
    longest = max(len(form) for form in forms)
    keys = [tok.key for tok in toks]
    best: tuple[bool, int, int, CustomerMention] | None = None
    for i in range(len(units)):
        for size in range(min(longest, len(units) - i), 0, -1):
            name = forms.get(tuple(words[i : i + size]))
            if name is None or _misspelt_rest(name, size, words[i + size : i + size + 1]):
                continue
            start, end = units[i][1], units[i + size - 1][1] + 1
            marker = _marker_before(keys, start)
            candidate = (marker < start, size, i, CustomerMention(name, marker, end))
            if best is None or candidate[:3] > best[:3]:
                best = candidate
            break
    return None if best is None else best[3]
