"""Which option a message picks at a question with options: by number, ordinal or position, by words only it
has (its catalog aliases too, numbers in words), by size, the other of two when one is denied, or its whole text."""

from __future__ import annotations

import textnorm
from lexicon import NEGATIONS, NUMBER_WORDS, ORDINALS, POINTERS, POSITIONS, SIZES
from tools.language.quantity import keys_of
from tools.language.reader.arguments import negated, place_index, strip_edges
from tools.language.reader.features import negated_words
from tools.language.reader.gazetteer import Gazetteer
from tools.language.reader.question import Question, mention_words, names_word, option_overlap

__all__ = ["chosen_option", "named_option"]

SIZE_WORDS = 3  # a size picks an option in a message of at most so many words («el más grande»)


def _option_hits(text: str, options: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """The words a message names options with, and the options they name; with two options, one named only
    under a negation names the other («el que no es mecánico»)."""
    denied = negated_words(text)
    words = [w for w in mention_words(strip_edges(text)) if w not in POINTERS and w not in NEGATIONS]
    hits = option_overlap([w for w in words if w not in denied], options)
    if not hits and len(options) == 2:
        named = option_overlap([w for w in words if w in denied], options)
        hits = [1 - named[0]] if len(named) == 1 else []
    return words, hits


def _by_size(text: str, options: tuple[str, ...]) -> int | None:
    """The option a size word picks among options that differ by a number («el grande»: the largest number)."""
    if negated(text):
        return None  # «el grande no, el otro»: the size is the one not meant
    sizes = {SIZES[key] for key in keys_of(text) if key in SIZES}
    numbers = [next((int(k) for k in keys_of(o) if k.isdecimal() and len(k) <= 9), None) for o in options]
    if len(sizes) != 1 or None in numbers or len(set(numbers)) != len(numbers) or len(options) < 2:
        return None
    found = [n for n in numbers if n is not None]
    return found.index(max(found) if sizes == {1} else min(found))


def named_option(text: str, question: Question, gazetteer: Gazetteer) -> int | None:
    """The one option a message names: the only option with a word of the message that the others lack
    («me quedo con el inalámbrico»), when every catalog word the message holds is that option's («eso, Umbrella»,
    not «teclado inalámbrico» between «Teclado mecánico» and «Sacapuntas»); in a few words, by its size."""
    words, hits = _option_hits(text, question.option_names)
    if len(hits) != 1:
        short = len(words) <= SIZE_WORDS
        return _by_size(text, question.options) if short and not hits else None
    have = frozenset(textnorm.words(question.option_names[hits[0]]))
    named = [w for w in words if w.isalpha() and gazetteer.names_product(w)]
    return hits[0] if all(names_word(w, have) for w in named) else None


def _number(key: str) -> int | None:
    """A small number written as digits or one word («2», «#2», «dos», «two»)."""
    key = key.lstrip("#nº")
    if key.isdecimal() and len(key) < 4:
        return int(key)
    return NUMBER_WORDS.get(key) if key not in ("un", "una") else None


def chosen_option(text: str, question: Question) -> int | None:
    """The 0-based option a message picks: by number, ordinal or position, by words only it has, its whole text,
    or the only option; None when it picks none for sure."""
    options = question.options
    if not options:
        return None
    keys = keys_of(text)
    whole = textnorm.key(text)
    exact = [i for i, option in enumerate(options) if textnorm.key(option) == whole]
    if exact:
        return exact[0]
    places = [ORDINALS[k] if k in ORDINALS else POSITIONS[k] for k in keys if k in ORDINALS or k in POSITIONS]
    _words, hits = _option_hits(text, question.option_names)
    numbers = [n for n in (_number(k) for k in keys) if n is not None and 1 <= n <= len(options)]
    index = place_index(places[0], len(options)) if len(places) == 1 else None
    if index is not None and (not hits or hits == [index] or len(hits) == len(options)):
        return index
    if not hits and not places and (size := _by_size(text, options)) is not None:
        return size  # «the bigger one»: before «one» is read as the first
    if len(numbers) == 1 and (not hits or len(hits) == len(options)):
        return numbers[0] - 1  # «el 2», «la 2ª»: a number that names no option's word is its place
    if len(hits) == 1:
        return hits[0]
    return 0 if len(options) == 1 and not hits else None
