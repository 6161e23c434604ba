"""Whether a suggestion looks like what the user typed, and the similarity floor calibrated per vector space.

Character n-gram cosine ranks typos well but cannot tell «paraguas» from «Mampara separadora de mesa» (0.45)
while «tecaldo» scores 0.41 against «Teclado mecánico». So in a lexical space a suggestion must also pass
`resembles`: most of what was typed matches the suggestion's words up to a typo or two.
"""

from __future__ import annotations

import textnorm

__all__ = ["LEXICAL_SPACES", "SUGGEST_FLOORS", "resembles", "suggest_floor", "word_like"]

# Cosine floors measured on tests/data/lookups.yaml with `python -m bench.bench_lookup --calibrate` (see README,
# «Finding products»): the floor that gives the best top-1 there, rounded down. Spaces not listed keep the
# vector memory's own default floor.
SUGGEST_FLOORS: dict[str, float] = {"ngram:v2:rules1:256:2-4": 0.2}
# Spaces whose similarity is about spelling, not meaning: their suggestions must also pass `resembles`.
LEXICAL_SPACES = ("ngram:",)
# Half of what was typed (counted in letters) must be found in the suggestion.
MIN_COVERAGE = 0.6


def suggest_floor(space: str, default: float) -> float:
    """The lowest similarity a suggestion may have in the vector space `space` (its embeddings' fingerprint)."""
    return SUGGEST_FLOORS.get(space, default)


def _allowed_edits(word: str) -> int:
    """Typos tolerated in a word of this length: none up to 3 letters, one up to 8, two beyond.

    Two edits in 8 letters already turn «martillo» into «amarillo»."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 8 else 2


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment); any value > `limit` means "far"."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            cost = char != other
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def word_like(typed: str, known: str) -> bool:
    """Whether a typed word is a known word up to its typos, or its start (4+ letters); numbers must be equal."""
    if typed == known:
        return True
    if not typed.isalpha() or not known.isalpha():
        return False
    if len(typed) >= 4 and known.startswith(typed):
        return True
    limit = _allowed_edits(typed)
    return limit > 0 and _distance(typed, known, limit) <= limit


def resembles(typed: str, text: str) -> bool:
    """Whether `text` looks like `typed`: the typed words found in it (up to typos) make at least half of the
    typed letters, and one of them is a word, not only a number."""
    wanted = textnorm.words(typed)
    known = set(textnorm.words(text))
    if not wanted or not known:
        return False
    found = [word for word in wanted if any(word_like(word, other) for other in known)]
    total = sum(len(word) for word in wanted)
    return any(word.isalpha() for word in found) and sum(len(word) for word in found) >= MIN_COVERAGE * total
