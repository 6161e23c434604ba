"""Pure text normalisation for catalog look-ups: accents, case, punctuation, plurals and filler words."""

from __future__ import annotations

import re
import unicodedata

# Filler words dropped on both sides of a comparison, so "cable de red" equals "cable red".
# fmt: off
STOP_WORDS = frozenset({
    "a", "al", "con", "de", "del", "el", "en", "la", "las", "lo", "los", "para", "por", "un", "una", "unas",
    "unos", "y", "and", "for", "of", "the", "with",
})
# fmt: on

# Plurals the suffix rules below would get wrong.
_IRREGULAR = {
    "series": "serie",
    "especies": "especie",
    "switches": "switch",
    "mice": "mouse",
    "grises": "gris",
    "meses": "mes",
}

# Consonants after which a Spanish plural takes "-es" (monitor-es, azul-es, ratón-es, red-es, rey-es).
_ES_CONSONANTS = frozenset("lrndjyx")
_VOWELS = frozenset("aeiou")

_LETTER_DOT = re.compile(r"(?<=[a-z])\.")
_NUMBER_UNIT = re.compile(r"(?<=\d)(?=[a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """Remove diacritics (á→a, ñ→n, ü→u) keeping the base letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def singular(word: str) -> str:
    """The singular of one lower-case, accent-free Spanish or English word (best effort, rule based)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("ss", "is", "us")):
        return word
    if word.endswith("ces"):
        return word[:-3] + "z"  # lápices → lapiz, altavoces → altavoz
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # batteries → battery
    if word.endswith("es"):
        stem = word[:-2]
        if stem.endswith(("ss", "sh", "x")) or (len(stem) >= 2 and stem[-1] in _ES_CONSONANTS and stem[-2] in _VOWELS):
            return stem
        return word[:-1]  # cables → cable, sobres → sobre, verdes → verde
    if word.endswith("s"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The normalised words of `text`: lower-case, no accents or punctuation, singular, no filler words."""
    text = strip_accents(str(text)).lower()
    text = _LETTER_DOT.sub("", text)  # "S.A." → "sa", so "ACME SA" and "ACME S.A." agree
    text = _NUMBER_UNIT.sub(" ", text)  # "2m" → "2 m", "500gb" → "500 gb"
    words = (singular(word) for word in _NOT_WORD.split(text) if word)
    return [word for word in words if word not in STOP_WORDS]


def normalize(text: str) -> str:
    """The comparison key of a name: its normalised words joined by single spaces."""
    return " ".join(tokens(text))


def contains_all(name_key: str, words: list[str]) -> bool:
    """True when the normalised name `name_key` has every word in `words` as a whole word."""
    name_words = set(name_key.split())
    return bool(words) and all(word in name_words for word in words)
