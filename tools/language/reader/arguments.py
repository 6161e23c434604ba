"""The arguments of a command, read from the message once the classifier has said which command it is: the
option picked, the line meant (by position, by its product, by a pronoun, the only one), quantities, the new
value of a slot, and a digression's inputs."""

from __future__ import annotations

import re
from typing import Any

import textnorm
from lexicon import (
    CLOSERS,
    GENERIC_THINGS,
    NEGATIONS,
    NO_WORDS,
    OPENERS,
    ORDINALS,
    POINTERS,
    POSITIONS,
    WHY_NOT,
    YES_WORDS,
    Phrases,
)
from tools.language.quantity import UNKNOWN_QUANTITY, keys_of, read_quantity
from tools.language.reader.features import split_tokens
from tools.language.reader.gazetteer import Gazetteer
from tools.language.reader.question import Question
from tools.orders.order_text import parse_order_lines

__all__ = [
    "digression_args",
    "has_phrase",
    "line_edit",
    "negated",
    "negated_start",
    "only_fillers",
    "place_index",
    "plain_no",
    "plain_yes",
    "slot_value",
    "strip_edges",
]

# A yes may come with a short reason («sí, que el cliente tiene prisa»): this many other plain words at most.
PLAIN_WORDS = 3
_EDGE = " ,;:.!?¡¿…-"
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]+\}")
_CONTRACTIONS = {"del": "de", "al": "a"}  # «stock del monitor» matches «stock de {producto}»
_JOINERS = frozenset({"de", "del", "con", "sin", "y", "for", "with"})
_ARTICLES = frozenset({"la", "el", "los", "las", "the", "un", "una", "a", "unos", "unas"})


def _skip(keys: list[str], at: int, table: Phrases, stop: int) -> int:
    """The index after every phrase of `table` starting at `at`."""
    moved = True
    while moved and at < stop:
        moved = False
        for phrase in table:
            if tuple(keys[at : at + len(phrase)]) == phrase and at + len(phrase) <= stop:
                at, moved = at + len(phrase), True
                break
    return at


def _trim_end(keys: list[str], start: int, end: int, table: Phrases) -> int:
    moved = True
    while moved and end > start:
        moved = False
        for phrase in table:
            if end - len(phrase) >= start and tuple(keys[end - len(phrase) : end]) == phrase:
                end, moved = end - len(phrase), True
                break
    return end


def strip_edges(text: str) -> str:
    """`text` without the openers before it and the closers after it («bueno… Globex, gracias» → «Globex»)."""
    raw = text.split()
    keys = [key.strip(_EDGE) for key in textnorm.fold(text).split()]
    if len(keys) != len(raw):
        return text.strip()
    start = _skip(keys, 0, OPENERS, len(keys))
    end = _trim_end(keys, start, len(keys), CLOSERS)
    kept = " ".join(raw[start:end]).strip(_EDGE)
    return kept or text.strip()


def _folded_keys(text: str) -> list[str]:
    """Folded words and symbols of a message («👍👍» is two thumbs), punctuation left out."""
    return [key for key in split_tokens(text) if key not in _EDGE]


_ENCLITICS = ("melo", "mela", "selo", "sela", "los", "las", "lo", "la", "le", "me")
_SUPERLATIVES = ("isimos", "isimas", "isimo", "isima")


def _stem(key: str) -> str:
    """A verb without the pronouns glued to it («tramítalo» → «tramita», «mándamelo» → «manda»), a superlative
    as its adjective («confirmadísimo» → «confirmado», «por supuestísimo» → «por supuesto»)."""
    for ending in _SUPERLATIVES:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[: -len(ending)] + "o"
    for ending in _ENCLITICS:
        if key.endswith(ending) and len(key) - len(ending) >= 4:
            return key[: -len(ending)]
    return key


def _phrase_at(keys: list[str], stems: list[str], at: int, table: Phrases) -> int:
    """The length of the (longest) phrase of `table` at `at`, the last word also as its stem; 0 when none."""
    for phrase in table:
        size = len(phrase)
        if tuple(keys[at : at + size]) == phrase or (
            at + size <= len(keys) and (*keys[at : at + size - 1], stems[at + size - 1]) == phrase
        ):
            return size
    return 0


def has_phrase(text: str, table: Phrases) -> bool:
    """Whether a phrase of `table` occurs in the text (whole words, folded; a verb also without its pronouns)."""
    keys = _folded_keys(text)
    stems = [_stem(key) for key in keys]
    return any(_phrase_at(keys, stems, at, table) for at in range(len(keys))) or (table is YES_WORDS and _why_not(text))


def _why_not(text: str) -> int:
    """How many words of a «why not» open the text when it stands on its own («¿por qué no?», «xq no, dale»)."""
    toks = [tok for tok in split_tokens(text) if tok not in ("¿", "¡")]
    words = [tok for tok in toks if tok not in _EDGE]
    size = _phrase_at(words, words, 0, WHY_NOT) if words else 0
    return size if size and (len(toks) == size or toks[size] in _EDGE) else 0


def negated(text: str) -> bool:
    """Whether the text holds a negation word (the «no» of a «¿por qué no?» that says yes is none)."""
    return any(key in NEGATIONS for key in _folded_keys(text)[_why_not(text) :])


def _left(text: str, tables: tuple[Phrases, ...]) -> tuple[list[str], bool]:
    """The words of a text left once the phrases of `tables`, negations and pronouns are taken away, and whether
    any phrase was found (a verb is also found without its pronouns: «confírmalo»)."""
    keys = _folded_keys(strip_edges(text))
    stems = [_stem(key) for key in keys]
    spent = [False] * len(keys)
    spent[: _why_not(text)] = [True] * _why_not(text)
    for table in tables:
        for at in range(len(keys)):
            if size := _phrase_at(keys, stems, at, table):
                spent[at : at + size] = [True] * size
    left = [k for k, gone in zip(keys, spent, strict=True) if not gone and k not in NEGATIONS and k not in POINTERS]
    return left, any(spent)


def plain_no(text: str) -> bool:
    """Whether a «no» refuses the question itself («no», «no, gracias», «mejor no», «no lo confirmes»): nothing
    is left once the no and yes words, pronouns, openers and closers are taken away. «no lo cancelo» or «no, el
    cliente está bien» leave words: they deny something else."""
    left, found = _left(text, (NO_WORDS, YES_WORDS, OPENERS, CLOSERS))
    return not left and (found or negated(text))


def plain_yes(text: str) -> bool:
    """Whether a message says yes and little else: a yes of the lexicon, no negation, and besides the yes words,
    openers and closers at most three plain words («sí, adelante con ello», «dale, que tiene prisa») — no sign,
    number or symbol a yes does not need («👍🏽», «{{ cliente }}», «sí, pero quita 2»)."""
    if negated(text) or not has_phrase(text, YES_WORDS):
        return False
    left, _found = _left(text, (YES_WORDS, OPENERS, CLOSERS))
    return len(left) <= PLAIN_WORDS and all(word.isalpha() for word in left)


def negated_start(text: str) -> bool:
    """Whether the text opens with a negation («no 3», «not the monitor»)."""
    keys = _folded_keys(text)
    return bool(keys) and keys[0] in NEGATIONS


def only_fillers(text: str) -> bool:
    """Whether the text is only openers and closers («bueno», «una cosa», «gracias»): it asks nothing."""
    keys = _folded_keys(text)
    at = _skip(keys, 0, OPENERS, len(keys))
    return _trim_end(keys, at, len(keys), CLOSERS) <= at


def place_index(place: int, count: int) -> int | None:
    """A 1-based place (negative: from the end; 0: the middle of an odd count) as a 0-based index."""
    index = place - 1 if place > 0 else count + place if place < 0 else count // 2 if count % 2 else -1
    return index if 0 <= index < count else None


def _line_by_words(words: list[str], question: Question) -> int | None:
    """The line whose product (or typed text, or alias) the words name best, if exactly one does."""
    scores = [len(set(words) & line.words) for line in question.lines]
    best = max(scores, default=0)
    return scores.index(best) if best and scores.count(best) == 1 else None


def _line_by_place(keys: list[str], question: Question) -> int | None:
    """The line a message places by ordinal or position («la primera», «la de abajo», «la línea 2»); with the
    lines unknown, -1 for any place named."""
    count = len(question.lines) if question.lines is not None else 0
    for at, key in enumerate(keys):
        place = ORDINALS.get(key) or POSITIONS.get(key)
        if (
            place is None
            and key in ("linea", "line", "fila", "row")
            and at + 1 < len(keys)
            and keys[at + 1].isdecimal()
        ):
            place = int(keys[at + 1]) if len(keys[at + 1]) < 4 else None
        if place is not None:
            if question.lines is None:
                return -1
            return place_index(place, count)
    return None


def _quantities(keys: list[str], question: Question, line: int | None) -> list[tuple[int, bool]]:
    """Every quantity written in the message with whether it is negated («eran 4, no 2» → (4, False), (2, True)),
    leaving out numbers that belong to the line's product name («monitor de 27»)."""
    name_numbers = set()
    if line is not None:
        name_numbers = {w for w in question.lines[line].words | set(textnorm.words(question.lines[line].product))}
    found: list[tuple[int, bool]] = []
    at = 0
    while at < len(keys):
        if keys[at] in ORDINALS or keys[at] in ("linea", "line", "fila", "row"):
            at += 2 if keys[at] in ("linea", "line", "fila", "row") else 1
            continue
        quantity = read_quantity(keys, at)
        if quantity is None or keys[at] in name_numbers:
            at += 1
            continue
        negated = at > 0 and keys[at - 1] in NEGATIONS
        found.append((quantity[0], negated))
        at = quantity[1]
    return found


def line_edit(text: str, label: str, question: Question, gazetteer: Gazetteer) -> dict[str, Any] | None:
    """The edit of an order line a correction means: {action, index, quantity} or, to add, {action, text,
    quantity}; None when the line or the quantity cannot be told."""
    keys = keys_of(text)
    if label == "correct_add":
        lines = parse_order_lines(strip_edges(text))
        if not lines:
            return None
        return {"action": "add", "text": lines[0]["text"], "quantity": lines[0]["quantity"], "index": None}
    action = "remove" if label == "correct_remove" else "set_quantity"
    if question.lines is None:  # a message read on its own: the line is not known, the edit still is
        quantity = next((value for value, negated in _quantities(keys, question, None) if not negated), None)
        named = _line_by_place(keys, question) is not None or _names_a_product(text, gazetteer)
        return {"action": action, "index": None, "quantity": quantity, "text": None, "named": named}
    if not question.lines:
        return None
    index, named = _line_by_place(keys, question), True
    if index is None:
        index = _line_by_words([w for w in textnorm.words(text) if w.isalpha()], question)
    if index is None and _names_a_product(text, gazetteer):
        return None  # «quita la impresora» when no line is a printer: not some other line
    if index is None and question.line is not None and 0 <= question.line < len(question.lines):
        index, named = question.line, False  # «sácalo» at the question about one line
    if index is None and len(question.lines) == 1:
        index, named = 0, False  # «eran 4, no 2»: with one line there is no doubt
    if index is None:
        return None
    if label == "correct_remove":
        return {"action": "remove", "index": index, "quantity": None, "text": None, "named": named}
    wanted = [value for value, negated in _quantities(keys, question, index) if not negated]
    if not wanted or (wanted[0] in (UNKNOWN_QUANTITY,) and not any(k in ("0", "cero") for k in keys)):
        return None
    return {"action": "set_quantity", "index": index, "quantity": wanted[0], "text": None, "named": named}


def _names_a_product(text: str, gazetteer: Gazetteer) -> bool:
    """Whether a message names a catalog product («quita el monitor»), not only a pronoun («quítalo»)."""
    return any(w.isalpha() and gazetteer.names_product(w) for w in textnorm.words(text))


def slot_value(text: str, question: Question, gazetteer: Gazetteer) -> tuple[str, str | None] | None:
    """(slot, new value) of a slot correction: the slot named, or the only one; its value is the customer the
    message names (not the one it denies), else the words after the slot's name. None without a slot."""
    slots = [slot for slot in question.slots if not slot.lines]
    if not slots:
        return None
    words = set(textnorm.words(text))
    slot = next((s for s in slots if words & {w for name in s.words for w in textnorm.words(name)}), slots[0])
    mention = gazetteer.customer_in_text(_without_denied(text)) if gazetteer.customers else None
    if mention is not None:
        return slot.name, mention.name
    keys = textnorm.fold(text).split()
    names = {textnorm.fold(name) for name in (*slot.words, slot.name)}
    for at, key in enumerate(keys):
        if key.strip(_EDGE) in names:
            rest = [k for k in text.split()[at + 1 :]]
            while rest and textnorm.fold(rest[0]).strip(_EDGE) in ("es", "is", "sera", "seria", "a", "to", ":", "="):
                rest = rest[1:]
            value = strip_edges(" ".join(rest))
            return slot.name, value or None
    return slot.name, None


def _without_denied(text: str) -> str:
    """The message without what it denies («Globex, no Initech» → «Globex,»), so the new value is found."""
    parts = re.split(r"([,;])", text)
    kept = [part for part in parts if not textnorm.fold(part).strip().startswith(("no ", "not "))]
    return "".join(kept) or text


def digression_args(text: str, questions: tuple[str, ...], inputs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A digression's inputs from the message: a number for a numeric input, else what the message says besides
    the words of the pipeline's own questions («antes de seguir, ¿cuánto cuesta la silla?» → «la silla»)."""
    args: dict[str, Any] = {}
    asked = {match.group()[1:-1] for question in questions for match in _PLACEHOLDER.finditer(question)}
    for name, kind in inputs:
        if name not in asked:
            continue
        if kind in ("integer", "number"):
            numbers = [k for k in keys_of(text) if k.isdecimal() and len(k) <= 40]  # the pipeline checks the range
            if numbers:
                args[name] = int(numbers[0])
            continue
        subject = _subject(text, questions)
        if subject and not set(textnorm.words(subject)) <= GENERIC_THINGS:  # «un producto» names none
            args[name] = subject
    return {name: value for name, value in args.items() if value not in (None, "")}


def _subject(text: str, questions: tuple[str, ...]) -> str | None:
    """What a message asks about: the words where one of the pipeline's questions has its placeholder («¿cuántas
    {producto} quedan?» → «¿cuántas grapadoras quedan en el almacén?» gives «grapadoras»), by the question whose
    words around the placeholder the message holds best; else the longest run of words no question has."""
    raw = strip_edges(text).split()
    keys = [_CONTRACTIONS.get(key, key) for key in (textnorm.fold(word).strip(_EDGE) for word in raw)]
    best: tuple[int, int, int] | None = None  # (words matched, start, end)
    for question in questions:
        before, _, after = question.partition("{")
        after = after.partition("}")[2]
        head = [w.strip(_EDGE) for w in textnorm.fold(before).split() if w.strip(_EDGE)]
        tail = [w.strip(_EDGE) for w in textnorm.fold(after).split() if w.strip(_EDGE)]
        found = _between(keys, head, tail)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    if best is not None and best[2] > best[1]:
        begin = best[1] - (best[1] > 0 and keys[best[1] - 1] in _ARTICLES)
        end = next((at + 1 for at in range(best[1], best[2]) if raw[at].endswith(("?", ".", "!", ";"))), best[2])
        while end - 1 > begin and keys[end - 1] in _WEAK_PRONOUNS:
            end -= 1  # «¿cuántas grapadoras nos quedan?»: the «nos» is the verb's, not the product's
        return " ".join(raw[begin:end]).strip(_EDGE) or None
    return _longest_run(raw, keys, questions)


_WEAK_PRONOUNS = frozenset({"me", "te", "se", "nos", "os", "le", "les"})


def _between(keys: list[str], head: list[str], tail: list[str]) -> tuple[int, int, int] | None:
    """Where a question's placeholder falls in the message: after the end of its head's last words found, up to
    the start of its tail's first words found (or the end). (words matched, start, end), or None."""
    start, matched = 0, 0
    for size in range(min(len(head), 3), 0, -1):  # the head's last words, e.g. «stock hay de»
        part = head[-size:]
        at = next((i for i in range(len(keys) - size + 1) if keys[i : i + size] == part), None)
        if at is not None:
            start, matched = at + size, size
            break
    if head and not matched:
        return None
    end = len(keys)
    if tail:
        at = next((i for i in range(start + 1, len(keys)) if keys[i] == tail[0]), None)
        if at is not None:
            end, matched = at, matched + 1
    return (matched, start, end) if end > start else None


def _longest_run(raw: list[str], keys: list[str], questions: tuple[str, ...]) -> str | None:
    """The longest run of words no question of the pipeline has, joined across «de» («monitor de 27»)."""
    template = {w.strip(_EDGE) for q in questions for w in textnorm.fold(_PLACEHOLDER.sub(" ", q)).split()}
    outside = [bool(key) and key not in template for key in keys]
    for at in range(1, len(keys) - 1):
        if keys[at] in _JOINERS and outside[at - 1] and outside[at + 1]:
            outside[at] = True
    best, start = (0, 0), None
    for at, out in enumerate([*outside, False]):
        if out and start is None:
            start = at
        elif not out and start is not None:
            if at - start > best[1] - best[0]:
                best = (start, at)
            start = None
    begin, end = best
    if begin == end:
        return None
    if begin > 0 and keys[begin - 1] in _ARTICLES:
        begin -= 1
    return " ".join(raw[begin:end]).strip(_EDGE) or None
