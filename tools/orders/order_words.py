"""Vocabulary and token helpers shared by the offline order parsers (Spanish and English)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textnorm
from lexicon import COUNT_WORDS, Phrases, phrase_table

EDGE_PUNCT = ".,;:!?¡¿()[]{}\"'«»“”‘’-–—"
_KEY_PUNCT = ".,;:!?¡¿()[]{}\"'«»“”‘’"


def _words(text: str) -> frozenset[str]:
    """A word set from a space-separated string."""
    return frozenset(text.split())


UNIT_WORDS = COUNT_WORDS
MARKERS = _words("x × * - – — : =")
QUANTITY_SEPARATORS = _words("a to en por with by hasta x × * - =")
_PLAIN_ARTICLES = _words("el la los las lo the unos unas some de del of")
TARGET_NOISE = _PLAIN_ARTICLES | _words("un una a an cantidad quantity al it them")

CONFIRM_NOISE = _words(
    "de el la lo pedido order the it todo esta por favor please gracias thanks thank you muchas pues go ahead entonces"
)
CUSTOMER_WORDS = _words("cliente customer client empresa company")

FILLER_PHRASES = phrase_table(
    "quiero hacer un pedido de, quiero hacer un pedido, quisiera hacer un pedido de, hacer un pedido de",
    "hacer un pedido, haz un pedido de, hazme un pedido de, crea un pedido de, un pedido de, un pedido",
    "el pedido de, nuevo pedido de, nuevo pedido, pedido de, pedido, me gustaria pedir, me gustaria",
    "quiero pedir, quisiera pedir, necesito pedir, quiero, quisiera, queria, necesito, pedir, pide, pido",
    "pideme, pon, ponme, dame, anade, anademe, agrega, agregame, tambien, ademas, y, e, por favor",
    "hola, buenas, buenos dias, hello, hi",
    "i would like to order, i would like, i'd like to order, i'd like to, i'd like, i want to order",
    "i want to, i want, i need, place an order for, place an order, an order of, an order for, an order",
    "a new order of, a new order, new order of, new order, order of, order, get me, get, give me, add",
    "and, also, please, to",
)
TRAILING_PHRASES = phrase_table(
    "por favor, gracias, muchas gracias, mas, tambien, de nuevo, entonces, pues, ya, mejor, al final",
    "please, thanks, thank you, more, too, also, then, instead, after all",
)
LEADING_NOISE = phrase_table(
    "y, pero, por favor, oye, entonces, mejor, ahora, bueno, puedes, podrias, puede",
    "and, but, please, then, instead, now, well, can you, could you, would you",
)
REMOVE_PHRASES = phrase_table(
    "quita, quitar, quite, quitalo, quitala, quitalos, quitame, elimina, eliminar, elimine, eliminalo",
    "eliminala, borra, borrar, borre, borralo, borrala, saca, sacar, sacalo, suprime, retira, retirar",
    "sin, fuera, no quiero, ya no quiero, quiero quitar, quiero eliminar, quiero borrar, quiero sacar",
    "remove, delete, drop, take out, take off, get rid of, without, i want to remove, i want to delete",
)
ADD_PHRASES = phrase_table(
    "anade, anadir, anada, anademe, anadelo, agrega, agregar, agregue, agregame, suma, sumar, incluye",
    "incluir, incluyeme, mete, meter, meteme, tambien quiero, tambien, quiero anadir, quiero agregar",
    "quiero incluir, add, include, plus, also, i want to add, i also want",
)
SET_PHRASES = phrase_table(
    "cambia, cambiar, cambie, cambialo, cambiala, cambialos, cambialas, cambiame, modifica, modificar",
    "modifique, pon, poner, ponme, ponle, ponlo, ponla, ponga, deja, dejar, dejalo, dejala, dejame, deje",
    "actualiza, actualizar, quiero, que sean, sean, quiero cambiar",
    "change, set, make it, make, update, modify, put, i want to change, i want",
)
STRONG_CUSTOMER_MARKERS = phrase_table(
    "para el cliente, para la empresa, para cliente, del cliente, al cliente, el cliente es, cliente",
    "a nombre de, for the customer, for customer, for client, customer, client, on behalf of",
)
WEAK_CUSTOMER_MARKERS = phrase_table("para, for")


@dataclass(frozen=True)
class Tok:
    """A whitespace-separated token: original text, offsets and its normalised key."""

    raw: str
    start: int
    end: int
    key: str


def tokens(text: str) -> list[Tok]:
    """Tokens of `text` with their offsets in it."""
    return [
        Tok(m.group(), m.start(), m.end(), textnorm.fold(m.group()).strip(_KEY_PUNCT))
        for m in re.finditer(r"\S+", text)
    ]


_BY_FIRST_WORD: dict[int, tuple[Phrases, dict[str, Phrases]]] = {}


def _by_first_word(phrases: Phrases) -> dict[str, Phrases]:
    """The table's phrases grouped by their first word (longest first), built once per table."""
    entry = _BY_FIRST_WORD.get(id(phrases))
    if entry is None or entry[0] is not phrases:
        index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            index.setdefault(phrase[0], []).append(phrase)
        entry = (phrases, {word: tuple(group) for word, group in index.items()})
        _BY_FIRST_WORD[id(phrases)] = entry  # keyed by identity: the tables are module constants
    return entry[1]


def match_phrase(keys: list[str], at: int, phrases: Phrases, stop: int | None = None) -> int:
    """Length of the longest phrase of `phrases` starting at `at` and ending by `stop` (0 when none)."""
    stop = len(keys) if stop is None else min(stop, len(keys))
    if at >= stop:
        return 0
    for phrase in _by_first_word(phrases).get(keys[at], ()):
        if at + len(phrase) <= stop and tuple(keys[at : at + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def skip_fillers(keys: list[str], at: int, *, stop: int | None = None, phrases: Phrases = FILLER_PHRASES) -> int:
    """Index of the first token from `at` that is not filler ("quiero pedir", articles, "de")."""
    stop = len(keys) if stop is None else stop
    while at < stop:
        size = match_phrase(keys, at, phrases, stop)
        if size == 0 and phrases is FILLER_PHRASES and keys[at] in _PLAIN_ARTICLES:
            size = 1
        if size == 0:
            return at
        at += size
    return at


def span(text: str, toks: list[Tok], start: int, end: int) -> str | None:
    """The original text of tokens [start, end), edge punctuation trimmed; None when empty."""
    if start >= end:
        return None
    raw = text[toks[start].start : toks[end - 1].end].strip()
    cut = raw.strip(EDGE_PUNCT).strip()
    # Keep the closing dot of an abbreviation such as "S.A." (the dot is part of the customer's name).
    if cut and raw.endswith(".") and "." in toks[end - 1].raw.rstrip(".") and not cut.endswith("."):
        cut += "."
    return cut or None


def trim_trailing(keys: list[str], start: int, end: int) -> int:
    """End index without the polite words ("por favor", "please", "más") that close a phrase."""
    changed = True
    while changed and end > start:
        changed = False
        for phrase in TRAILING_PHRASES:
            size = len(phrase)
            if end - size >= start and tuple(keys[end - size : end]) == phrase:
                end, changed = end - size, True
                break
    return end
