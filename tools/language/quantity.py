"""The one quantity reader: digits and number words, compound and large («veintiséis», «mil quinientas»,
«treinta y dos», «twenty-one»), dozens and pairs («una docena y media», «un par»), glued units («3x», «5uds»).

It reads folded tokens (textnorm.fold, edge punctuation off). A number that cannot be an exact count of pieces
(«-3», «2,5», «1e9», «dos y medio», more than MAX_DIGITS digits) reads as UNKNOWN_QUANTITY, so a dialog asks for it
again rather than guess another number.
"""

from __future__ import annotations

import re

import textnorm
from lexicon import DOZEN, HALF, HUNDREDS, NUMBER_WORDS, PAIR, SCALES, TENS

__all__ = ["MAX_DIGITS", "UNKNOWN_QUANTITY", "inexact_number", "keys_of", "number_at", "quantity_in", "read_quantity"]

# A quantity has at most this many digits: longer runs are never read as some other, smaller number.
MAX_DIGITS = 9
UNKNOWN_QUANTITY = 0
_KEY_PUNCT = ".,;:!?¡¿()[]{}\"'«»“”‘’"
_UNIT_RE = r"(?:x|×|uds?|u|unidad(?:es)?|units?|pcs?|piezas?|pieces?)"
_DIGITS = re.compile(r"\d+")
TIMES = re.compile(r"[x×*](\d+)")
GLUED = re.compile(rf"(\d+){_UNIT_RE}")
# Written like a number but not a whole count: negative, decimal ("2.5", "2,5", "1.000"), exponent ("1e9").
_INEXACT = re.compile(
    rf"[x×*]?[-−+]\d[\d.,]*(?:e[-+]?\d+)?{_UNIT_RE}?|[x×*]?\d+(?:[.,]\d+)+{_UNIT_RE}?|\d+(?:[.,]\d+)*e[-+]?\d+"
)
_ONE_ARTICLES = frozenset({"un", "una", "a", "an", "otro", "otra", "another"})
_SMALL_UNITS = {word: value for word, value in NUMBER_WORDS.items() if 1 <= value <= 9}
_AND = frozenset({"y", "and", "e"})
_NONE_WORDS = frozenset({"ninguno", "ninguna", "ningun", "none"})
_ZERO_WORDS = frozenset({"0", "cero", "zero"}) | _NONE_WORDS


def keys_of(text: str) -> list[str]:
    """The folded tokens of `text` the reader works on (whitespace-separated, edge punctuation off)."""
    return [key for key in (raw.strip(_KEY_PUNCT) for raw in textnorm.fold(text).split()) if key]


def _exact(digits: str) -> int:
    return int(digits) if len(digits) <= MAX_DIGITS else UNKNOWN_QUANTITY


def inexact_number(key: str) -> bool:
    """Whether a token is written as a number that is no exact count: too many digits, negative, decimal, 1e9."""
    if _INEXACT.fullmatch(key):
        return True
    match = _DIGITS.fullmatch(key) or TIMES.fullmatch(key) or GLUED.fullmatch(key)
    return bool(match) and len(match.group(1) if match.groups() else match.group()) > MAX_DIGITS


def _hyphenated(key: str) -> int | None:
    """«twenty-one», «veinti-dos»: a tens word and a unit joined by a hyphen."""
    tens, _, unit = key.partition("-")
    value = TENS.get(tens) or (20 if tens in ("twenty", "veinte", "veinti") else None)
    unit_value = _SMALL_UNITS.get(unit)
    return value + unit_value if value and unit_value else None


def _words_number(keys: list[str], at: int, stop: int) -> tuple[int, int] | None:
    """A number written in words from `at`: (value, next index), or None when none starts there."""
    total, group, index, seen = 0, 0, at, False
    while index < stop:
        key = keys[index]
        if key in HUNDREDS and group % 1000 == 0:
            group += HUNDREDS[key]
        elif key in TENS and group % 100 == 0:
            group += TENS[key]
            after = keys[index + 1] if index + 1 < stop else ""
            if after in _AND and index + 2 < stop and keys[index + 2] in _SMALL_UNITS:
                group, index = group + _SMALL_UNITS[keys[index + 2]], index + 2  # «treinta y dos»
            elif after in _SMALL_UNITS and key.isascii() and key.endswith("y"):
                group, index = group + _SMALL_UNITS[after], index + 1  # «thirty two»
        elif (value := _hyphenated(key)) is not None and group % 100 == 0:
            group += value
        elif key in NUMBER_WORDS and group % 100 == 0 and (key not in ("un", "una") or not seen):
            group += NUMBER_WORDS[key]
        elif key in SCALES and (seen or key in ("mil", "thousand", "hundred")):
            scale = SCALES[key]
            if scale == 100:  # «three hundred»: multiplies the group, which may still grow («… and twenty»)
                group = (group or 1) * 100
            else:
                total, group = total + (group or 1) * scale, 0
        elif key == "and" and seen and index + 1 < stop and _words_number(keys, index + 1, index + 2):
            pass  # «one hundred and twenty»
        else:
            break
        seen, index = True, index + 1
    return (total + group, index) if seen else None


def number_at(keys: list[str], at: int, *, articles: bool, stop: int | None = None) -> tuple[int, int] | None:
    """A number written at `at` (digits, «3x», «dos», «treinta y dos», «mil quinientas», «twenty-one»):
    (value, next index). `articles`: «un», «una», «a», «otro» count as 1 where no number word follows."""
    stop = len(keys) if stop is None else min(stop, len(keys))
    if at >= stop:
        return None
    key = keys[at]
    if _DIGITS.fullmatch(key):
        value, index = _exact(key), at + 1
        if index < stop and keys[index] in ("mil", "thousand") and value != UNKNOWN_QUANTITY:
            return value * 1000, index + 1  # «2 mil»
        return value, index
    if match := TIMES.fullmatch(key) or GLUED.fullmatch(key):
        return _exact(match.group(1)), at + 1
    if _INEXACT.fullmatch(key):
        return UNKNOWN_QUANTITY, at + 1
    if key in _NONE_WORDS:
        return 0, at + 1
    if key in _ONE_ARTICLES:
        after = keys[at + 1] if at + 1 < stop else ""
        if after in SCALES:  # «un millón», «a hundred», «a thousand»
            found = _words_number(keys, at + 1, stop)
            return found
        return (1, at + 1) if articles or (key in ("un", "una") and after not in DOZEN | PAIR) else None
    found = _words_number(keys, at, stop)
    if found and found[0] >= 10**MAX_DIGITS:
        return UNKNOWN_QUANTITY, found[1]
    return found


def read_quantity(
    keys: list[str], at: int, *, articles: bool = False, stop: int | None = None
) -> tuple[int, int] | None:
    """A quantity at `at`, with dozens and pairs («media docena», «una docena y media», «un par de», «a couple
    of»): (value, next index), or None."""
    stop = len(keys) if stop is None else min(stop, len(keys))
    if at >= stop:
        return None
    key = keys[at]
    after = keys[at + 1] if at + 1 < stop else ""
    if key in HALF:  # «media docena», «half a dozen»
        nxt = at + 1 + (after in ("a", "una"))
        return (6, nxt + 1) if nxt < stop and keys[nxt] in DOZEN else None
    if key in DOZEN:
        return _dozens(keys, 1, at + 1, stop)
    if key in PAIR or (key in ("un", "a") and after in PAIR):
        nxt = at + 1 + (key not in PAIR)
        return 2, nxt + (nxt < stop and keys[nxt] in ("de", "of"))
    found = number_at(keys, at, articles=articles or (key in ("un", "una", "a", "an") and after in DOZEN), stop=stop)
    if found is None:
        return None
    value, nxt = found
    if nxt < stop and keys[nxt] in DOZEN:
        return _dozens(keys, value, nxt + 1, stop)
    if nxt + 1 < stop and keys[nxt] in _AND and keys[nxt + 1] in HALF:
        return UNKNOWN_QUANTITY, nxt + 2  # «dos y medio» is no whole count: never round it to 2
    return value, nxt


def _dozens(keys: list[str], count: int, nxt: int, stop: int) -> tuple[int, int]:
    """`count` dozens read up to `nxt`, and half a dozen more when «y media» / «and a half» follows."""
    value, end = count * 12, nxt
    if nxt + 1 < stop and keys[nxt] in _AND and keys[nxt + 1] in HALF:
        value, end = value + 6, nxt + 2
    elif nxt + 2 < stop and keys[nxt] == "and" and keys[nxt + 1] == "a" and keys[nxt + 2] in HALF:
        value, end = value + 6, nxt + 3
    return (value if count and value < 10**MAX_DIGITS else UNKNOWN_QUANTITY), end


def quantity_in(text: str) -> int | None:
    """The quantity a short answer gives («4», «cuatro», «una docena y media», «x3», «ponme 26»), digits first;
    None when it gives none, or when the number cannot be an exact count («-3», «2,5», «dos y medio»)."""
    keys = keys_of(text or "")
    for index, key in enumerate(keys):
        if inexact_number(key):
            return None
        if key.isdigit() or GLUED.fullmatch(key) or TIMES.fullmatch(key):
            return _exact_or_none(keys, index, read_quantity(keys, index))
    for index in range(len(keys)):
        if found := read_quantity(keys, index):
            return _exact_or_none(keys, index, found)
    return None


def _exact_or_none(keys: list[str], at: int, found: tuple[int, int] | None) -> int | None:
    """The value read at `at`, or None when the reader could only tell a number was written there."""
    if found is None:
        return None
    if found[0] == UNKNOWN_QUANTITY and keys[at] not in _ZERO_WORDS:
        return None
    return found[0]
