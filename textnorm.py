"""The one text normalisation: hostile-text cleaning, folding, singulars, catalog keys, yes/no and language.

Pure standard library and the lexicon (lexicon.py) only, so pipelines/, tools/, vector_memory/ and graphs/ all use
it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from lexicon import CLOSERS, NO_WORDS, OPENERS, YES_WORDS, phrase_table

__all__ = [
    "RULES_VERSION",
    "STOP_WORDS",
    "clean",
    "fold",
    "key",
    "language",
    "singular",
    "squeeze",
    "words",
    "yes_no",
]

# Bumped whenever fold/singular/words give other results: vector indexes built with older rules are rebuilt.
RULES_VERSION = 1

# Format characters (Unicode category Cf, which includes the bidirectional controls U+202A–U+202E,
# U+2066–U+2069, U+200E/U+200F, U+061C, zero-width U+200B–U+200D, U+2060, U+FEFF and the soft hyphen), listed
# here because computing them from unicodedata at import would cost 0.2 s; tests/test_textnorm.py checks the list.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# Invisible characters of other categories: variation selectors, the combining grapheme joiner, Hangul fillers,
# the braille blank and Khmer inherent vowels.
_OTHER_INVISIBLE = "\ufe00-\ufe0f\U000e0100-\U000e01ef\u034f\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5"
# Control characters that are not whitespace (whitespace ones become a space), and lone surrogates.
_CONTROL = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff"
_INVISIBLE = re.compile(f"[{_FORMAT}{_OTHER_INVISIBLE}{_CONTROL}]")
_SPACE = re.compile(r"[^\S\n]")
_PLAIN = re.compile(r"[\n\x20-\x7e]*")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")  # the combining marks of Spanish text: removed in one pass

# Filler words dropped on both sides of a catalog comparison, so "cable de red" equals "cable red".
# fmt: off
STOP_WORDS = frozenset({
    "a", "al", "con", "de", "del", "el", "en", "la", "las", "lo", "los", "para", "por", "un", "una", "unas",
    "unos", "y", "and", "for", "of", "the", "with",
})
# fmt: on

# Plurals the suffix rules of `singular` would get wrong.
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
# A word is letters then digits: anything else separates words, and so does a digit followed by a letter
# ("2m" → "2 m", "500gb" → "500 gb", while "a4" stays one word).
_WORD = re.compile(r"[a-z]+[0-9]*|[0-9]+")


def clean(text: str) -> str:
    """Text safe to store, look up and echo: no control, bidirectional or invisible characters, NFKC, trimmed.

    Line breaks (also CR LF and CR) become "\\n"; tabs and every other whitespace become a space.
    """
    text = str(text)
    if _PLAIN.fullmatch(text):
        return text.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE.sub(" ", _INVISIBLE.sub("", text))
    if not unicodedata.is_normalized("NFKC", text):
        # NFKC can turn compatibility characters into spaces (U+00A0, U+3000), so whitespace is mapped again.
        text = _SPACE.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))
    return text.strip()


def _strip_marks(text: str) -> str:
    """`text` decomposed (NFKD) without its combining marks (á→a, ñ→n, ü→u)."""
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    return text if text.isascii() else "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Cleaned, case-folded, accent-free text with whitespace collapsed to single spaces ("Ratón  A" → "raton a")."""
    text = clean(text).casefold()
    return " ".join((text if text.isascii() else _strip_marks(text)).split())


_REPEATS = re.compile(r"([a-z])\1{2,}")


def squeeze(text: str) -> str:
    """Folded text with a letter typed three or more times in a row kept once («nooo» → «no», «siii» → «si»):
    no Spanish or English word repeats a letter three times."""
    return _REPEATS.sub(r"\1", fold(text))


@lru_cache(maxsize=65536)  # a catalog repeats its words; re-embedding 100k names calls this a million times
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


def words(text: str) -> list[str]:
    """The catalog comparison words of `text`: folded, "S.A."→"sa", "2m"→"2 m", singular, no filler words."""
    text = fold(text)
    if "." in text:
        text = _LETTER_DOT.sub("", text)  # "S.A." → "sa", so "ACME SA" and "ACME S.A." agree
    found = (singular(word) for word in _WORD.findall(text))
    return [word for word in found if word not in STOP_WORDS]


def key(text: str) -> str:
    """The comparison key of a name (the SQL column `normalized_name`): its words joined by single spaces."""
    return " ".join(words(text))


# Words that may accompany a plain yes or no without changing it ("sí, gracias", "vale, por favor").
_COURTESY = (*OPENERS, *CLOSERS, *phrase_table("lo, eso, todo, pedido, el pedido, la orden, it, this, the, order"))
# One table, longest phrases first, so «claro que no» is read whole before «claro».
_ANSWERS = sorted(
    [(phrase, "yes") for phrase in YES_WORDS]
    + [(phrase, "no") for phrase in NO_WORDS]
    + [(phrase, "") for phrase in _COURTESY],
    key=lambda entry: -len(entry[0]),
)
_YES_NO_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9.,;:!?¡¿()\[\]\"«»“”‘’…-]")


def _answer_at(tokens: list[str], at: int) -> tuple[int, str]:
    """The longest yes/no/courtesy phrase at `at`: (its length, "yes" | "no" | ""), or (0, "") when none."""
    for phrase, meaning in _ANSWERS:
        if tuple(tokens[at : at + len(phrase)]) == phrase:
            return len(phrase), meaning
    return 0, ""


def yes_no(text: str) -> Literal["yes", "no"] | None:
    """The answer when `text` is a plain yes or no (Spanish or English), None when it says anything more.

    «sí», «Sí.», «sí, claro», «vale», «de acuerdo» → "yes"; «no, gracias», «mejor no», «nope» → "no";
    «sí, pero quita X», «no, el cliente es Globex», «cancelar» → None (an edit, a correction, a command).
    """
    tokens = _YES_NO_TOKEN.findall(fold(text).replace("’", "'"))
    found: set[str] = set()
    at = 0
    while at < len(tokens):
        size, meaning = _answer_at(tokens, at)
        if not size:
            return None
        found.add(meaning)
        at += size
    found.discard("")
    if len(found) != 1:
        return None
    return "yes" if "yes" in found else "no"


def _word_set(text: str) -> frozenset[str]:
    """A word set from a space-separated string."""
    return frozenset(text.split())


_ENGLISH = _word_set(
    "i i'd i'm im my you your we want would like need please thanks thank yes yeah yep nope cancel stop help "
    "the an of to for and with what how much many is are it this that there order orders add remove change "
    "delete show check status price cost stock none first second third last one two three four five six seven "
    "eight nine ten eleven twelve dozen some from instead but also can could forget hi hello"
)
_SPANISH = _word_set(
    "yo quiero quisiera necesito me mi tu el la los las lo un una unos unas de del al y o que para por con en es "
    "son hay cuanto cuantos cuanta cuesta como va pedido pedidos favor gracias si vale cancela cancelar anula "
    "ayuda quita anade cambia pon sin mejor ninguno ninguna primero segundo tercero ultimo uno dos tres cuatro "
    "cinco seis siete ocho nueve diez once doce docena hola buenas pero tambien olvidalo dejalo"
)
_SPANISH_MARKS = re.compile(r"[ñáéíóú¿¡]", re.IGNORECASE)


def language(text: str) -> Literal["es", "en"]:
    """Best-effort language of a user message: "en" when it reads as English, "es" otherwise (also when neutral)."""
    cleaned = clean(text)
    tokens = re.findall(r"[a-z']+", fold(cleaned))
    english = sum(token in _ENGLISH for token in tokens)
    spanish = sum(token in _SPANISH for token in tokens) + 2 * len(_SPANISH_MARKS.findall(cleaned))
    return "en" if english > spanish else "es"
