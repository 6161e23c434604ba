"""Vocabulary and token helpers shared by the offline order parsers (Spanish and English)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textnorm

Phrases = tuple[tuple[str, ...], ...]

EDGE_PUNCT = ".,;:!?¡¿()[]{}\"'«»“”‘’-–—"
_KEY_PUNCT = ".,;:!?¡¿()[]{}\"'«»“”‘’"
# A quantity has at most this many digits: longer runs are never read as some other, smaller number.
MAX_DIGITS = 9
UNKNOWN_QUANTITY = 0  # what a number that cannot be read exactly becomes: the dialog asks for it again
_UNITS = r"(?:x|×|uds?|u|unidad(?:es)?|units?|pcs?|piezas?|pieces?)"
_DIGITS = re.compile(r"\d+")
TIMES = re.compile(r"[x×*](\d+)")
GLUED = re.compile(rf"(\d+){_UNITS}")
# Written like a number but not a whole count: negative, decimal ("2.5", "2,5", "1.000"), exponent ("1e9").
_INEXACT = re.compile(
    rf"[x×*]?[-−+]\d[\d.,]*(?:e[-+]?\d+)?{_UNITS}?|[x×*]?\d+(?:[.,]\d+)+{_UNITS}?|\d+(?:[.,]\d+)*e[-+]?\d+"
)


def _words(text: str) -> frozenset[str]:
    """A word set from a space-separated string."""
    return frozenset(text.split())


def _phrases(*groups: str) -> Phrases:
    """Phrase table from comma-separated strings, longest first so matching is greedy."""
    items = {tuple(item.split()) for group in groups for item in group.split(",") if item.strip()}
    return tuple(sorted(items, key=lambda phrase: (-len(phrase), phrase)))


def _numbered(text: str, start: int = 0, step: int = 1) -> dict[str, int]:
    """Number words in order, from `start` by `step`."""
    return {word: start + i * step for i, word in enumerate(text.split())}


_ES = _numbered("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince")
_ES |= _numbered("dieciseis diecisiete dieciocho diecinueve veinte", 16)
_ES_TENS = _numbered("treinta cuarenta cincuenta sesenta setenta ochenta noventa cien", 30, 10)
_EN_TENS = _numbered("thirty forty fifty sixty seventy eighty ninety hundred", 30, 10)
NUMBER_WORDS: dict[str, int] = {
    **_ES,
    **_numbered("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"),
    **_numbered("fifteen sixteen seventeen eighteen nineteen twenty", 15),
    **_numbered("veintiuno veintidos veintitres veinticuatro veinticinco veintiseis veintisiete", 21),
    **_numbered("veintiocho veintinueve", 28),
    **_ES_TENS,
    **_EN_TENS,
    **{"un": 1, "una": 1, "veintiun": 21, "veintiuna": 21, "ningun": 0, "ninguno": 0, "ninguna": 0, "none": 0},
}
_UNIT_NUMBERS = _words("uno un una dos tres cuatro cinco seis siete ocho nueve")
_ONE_ARTICLES = _words("a an otro otra another")
_DOZEN = _words("docena docenas dozen dozens")
_PAIR = _words("par pair couple")

UNIT_WORDS = _words("x × * u ud uds unidad unidades unit units pc pcs pieza piezas piece pieces ejemplares copies")
MARKERS = _words("x × * - – — : =")
QUANTITY_SEPARATORS = _words("a to en por with by hasta x × * - =")
_PLAIN_ARTICLES = _words("el la los las lo the unos unas some de del of")
TARGET_NOISE = _PLAIN_ARTICLES | _words("un una a an cantidad quantity al it them")

CONFIRM_WORDS = _words(
    "si yes confirmar confirmo confirma confirm confirmed ok okay vale acuerdo correcto perfecto adelante "
    "dale claro sure yep yeah venga bien 👍"
)
CANCEL_WORDS = _words("no cancelar cancela cancelalo cancel anular anula anulalo nope abort olvidalo nah")
CONFIRM_NOISE = _words(
    "de el la lo pedido order the it todo esta por favor please gracias thanks thank you muchas pues go ahead entonces"
)
CUSTOMER_WORDS = _words("cliente customer client empresa company")

FILLER_PHRASES = _phrases(
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
TRAILING_PHRASES = _phrases(
    "por favor, gracias, muchas gracias, mas, tambien, de nuevo, entonces, pues, ya, mejor, al final",
    "please, thanks, thank you, more, too, also, then, instead, after all",
)
LEADING_NOISE = _phrases(
    "y, pero, por favor, oye, entonces, mejor, ahora, bueno, puedes, podrias, puede",
    "and, but, please, then, instead, now, well, can you, could you, would you",
)
REMOVE_PHRASES = _phrases(
    "quita, quitar, quite, quitalo, quitala, quitalos, quitame, elimina, eliminar, elimine, eliminalo",
    "eliminala, borra, borrar, borre, borralo, borrala, saca, sacar, sacalo, suprime, retira, retirar",
    "sin, fuera, no quiero, ya no quiero, quiero quitar, quiero eliminar, quiero borrar, quiero sacar",
    "remove, delete, drop, take out, take off, get rid of, without, i want to remove, i want to delete",
)
ADD_PHRASES = _phrases(
    "anade, anadir, anada, anademe, anadelo, agrega, agregar, agregue, agregame, suma, sumar, incluye",
    "incluir, incluyeme, mete, meter, meteme, tambien quiero, tambien, quiero anadir, quiero agregar",
    "quiero incluir, add, include, plus, also, i want to add, i also want",
)
SET_PHRASES = _phrases(
    "cambia, cambiar, cambie, cambialo, cambiala, cambialos, cambialas, cambiame, modifica, modificar",
    "modifique, pon, poner, ponme, ponle, ponlo, ponla, ponga, deja, dejar, dejalo, dejala, dejame, deje",
    "actualiza, actualizar, quiero, que sean, sean, quiero cambiar",
    "change, set, make it, make, update, modify, put, i want to change, i want",
)
STRONG_CUSTOMER_MARKERS = _phrases(
    "para el cliente, para la empresa, para cliente, del cliente, al cliente, el cliente es, cliente",
    "a nombre de, for the customer, for customer, for client, customer, client, on behalf of",
)
WEAK_CUSTOMER_MARKERS = _phrases("para, for")


@dataclass(frozen=True)
class Tok:
    """A whitespace-separated token: original text, offsets and its normalised key."""

    raw: str
    start: int
    end: int
    key: str


def normalize(text: str) -> str:
    """Case-folded text without accents ("Ratón" → "raton"): textnorm.fold."""
    return textnorm.fold(text)


def tokens(text: str) -> list[Tok]:
    """Tokens of `text` with their offsets in it."""
    return [
        Tok(m.group(), m.start(), m.end(), normalize(m.group()).strip(_KEY_PUNCT)) for m in re.finditer(r"\S+", text)
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


def _exact(digits: str) -> int:
    """A digit run as a quantity, or UNKNOWN_QUANTITY when it has too many digits to be a count."""
    return int(digits) if len(digits) <= MAX_DIGITS else UNKNOWN_QUANTITY


def inexact_number(key: str) -> bool:
    """Whether a token is written as a number that is no exact count: too many digits, negative, decimal, 1e9."""
    if _INEXACT.fullmatch(key):
        return True
    match = _DIGITS.fullmatch(key) or TIMES.fullmatch(key) or GLUED.fullmatch(key)
    return bool(match) and len(match.group(1) if match.groups() else match.group()) > MAX_DIGITS


def number_at(keys: list[str], at: int, *, articles: bool, stop: int | None = None) -> tuple[int, int] | None:
    """A number written at `at` (digits, "3x", "dos", "treinta y dos", "twenty-one"): (value, next index).

    A number that cannot be read exactly ("99999999999", "-3", "2.5", "1e9") gives UNKNOWN_QUANTITY."""
    stop = len(keys) if stop is None else min(stop, len(keys))
    if at >= stop:
        return None
    key = keys[at]
    if _DIGITS.fullmatch(key):
        return _exact(key), at + 1
    if match := TIMES.fullmatch(key) or GLUED.fullmatch(key):
        return _exact(match.group(1)), at + 1
    if _INEXACT.fullmatch(key):
        return UNKNOWN_QUANTITY, at + 1
    if key in NUMBER_WORDS:
        value = NUMBER_WORDS[key]
        if key in _ES_TENS and value < 100 and at + 2 < stop and keys[at + 1] == "y":
            unit = NUMBER_WORDS.get(keys[at + 2])
            if unit is not None and keys[at + 2] in _UNIT_NUMBERS:
                return value + unit, at + 3
        return value, at + 1
    if "-" in key:
        tens, _, unit = key.partition("-")
        if tens in _EN_TENS or tens == "twenty":
            unit_value = NUMBER_WORDS.get(unit)
            if unit_value is not None and 1 <= unit_value <= 9:
                return NUMBER_WORDS[tens] + unit_value, at + 1
    if articles and key in _ONE_ARTICLES:
        return 1, at + 1
    return None


def read_quantity(
    keys: list[str], at: int, *, articles: bool = False, stop: int | None = None
) -> tuple[int, int] | None:
    """A quantity at `at`, with dozens and pairs ("media docena", "a couple of"): (value, next index)."""
    stop = len(keys) if stop is None else min(stop, len(keys))
    if at >= stop:
        return None
    key = keys[at]
    after = keys[at + 1] if at + 1 < stop else ""
    if key in {"media", "medio", "half"}:
        nxt = at + 1 + (after in {"a", "una"})
        return (6, nxt + 1) if nxt < stop and keys[nxt] in _DOZEN else None
    if key in _DOZEN:
        return 12, at + 1
    if key in _PAIR or (key in {"un", "a"} and after in _PAIR):
        nxt = at + 1 + (key not in _PAIR)
        return 2, nxt + (nxt < stop and keys[nxt] in {"de", "of"})
    found = number_at(keys, at, articles=articles or (key in {"a", "an"} and after in _DOZEN), stop=stop)
    if found is None:
        return None
    value, nxt = found
    if nxt < stop and keys[nxt] in _DOZEN:
        value, nxt = value * 12, nxt + 1
    # "dos y medio" is no whole count either: never round it to 2.
    if nxt + 1 < stop and keys[nxt] in {"y", "and", "e"} and keys[nxt + 1] in {"medio", "media", "half"}:
        return UNKNOWN_QUANTITY, nxt + 2
    return (value if value <= 10**MAX_DIGITS - 1 else UNKNOWN_QUANTITY), nxt


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
