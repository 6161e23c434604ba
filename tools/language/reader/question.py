"""What a message is read against: the question a run waits at (its kind, options, the order's lines, what may be
corrected) and the features a message shares with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import textnorm
from lexicon import NEGATIONS
from tools.language.quantity import UNKNOWN_QUANTITY, keys_of, number_at
from tools.language.reader.gazetteer import Gazetteer, deletions

__all__ = ["IDLE", "Line", "Question", "Slot", "context_features", "mention_words", "option_overlap"]


@dataclass(frozen=True)
class Line:
    """One order line in the run's state: what was typed, the product once found, its catalog aliases."""

    text: str = ""
    product: str = ""
    quantity: int | None = None
    aliases: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: dict[str, Any]) -> Line:
        """A line from a state item ({text, product, quantity, aliases})."""
        quantity = item.get("quantity")
        return cls(
            str(item.get("text") or ""),
            str(item.get("product") or ""),
            quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else None,
            tuple(str(alias) for alias in item.get("aliases") or ()),
        )

    @cached_property
    def words(self) -> frozenset[str]:
        """The words that name this line: its product's, what was typed, its aliases'."""
        names = (self.product, self.text, *self.aliases)
        return frozenset(w for name in names for w in textnorm.words(name) if w.isalpha())


@dataclass(frozen=True)
class Slot:
    """A slot the user may correct at any question, and what users call it."""

    name: str
    words: tuple[str, ...] = ()
    lines: bool = False


@dataclass(frozen=True)
class Question:
    """The question a run waits at, as the reader needs it; `kind` is value, choice, quantity or yesno."""

    kind: str = "value"
    text: str = ""
    options: tuple[str, ...] = ()
    lines: tuple[Line, ...] | None = None  # None: not known (a labelled message read on its own)
    line: int | None = None
    slots: tuple[Slot, ...] = ()
    digressions: tuple[str, ...] = ()
    asks: str | None = None  # the slot this question fills: «X es Y» about it answers it
    cancel: bool = True
    help: bool = True
    choose: bool = True
    undo: bool = True
    option_aliases: tuple[tuple[str, ...], ...] = ()  # each option's other names in the catalog («wireless …»)
    _words: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def option_names(self) -> tuple[str, ...]:
        """Each option with its catalog aliases, as the words a message may name it with."""
        aliases = self.option_aliases or ((),) * len(self.options)
        return tuple(" ".join((option, *more)) for option, more in zip(self.options, aliases, strict=True))

    @property
    def lines_slot(self) -> Slot | None:
        """The correctable slot holding the order lines, if any."""
        return next((slot for slot in self.slots if slot.lines), None)

    def slot_words(self) -> frozenset[str]:
        """Every word that names a correctable slot other than the lines («cliente», «customer»)."""
        if "slots" not in self._words:
            found = {w for slot in self.slots if not slot.lines for name in slot.words for w in textnorm.words(name)}
            self._words["slots"] = frozenset(found)
        return self._words["slots"]


IDLE = Question(kind="idle")


@lru_cache(maxsize=1024)
def _option_words(options: tuple[str, ...]) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    """Each option's words, and the words every option has."""
    each = tuple(frozenset(textnorm.words(option)) for option in options)
    return each, frozenset.intersection(*each) if len(each) > 1 else frozenset()


def mention_words(text: str) -> list[str]:
    """The words a message may name an option with: its words, and the digits of each number it spells out
    («el de veintisiete» names «Monitor 27 pulgadas», «el de mil» «SAI 1000 VA»)."""
    keys = keys_of(text)
    spelled, at = [], 0
    while at < len(keys):
        found = None if keys[at].isdecimal() else number_at(keys, at, articles=False)
        if found is None or found[0] <= 0 or found[0] == UNKNOWN_QUANTITY:
            at += 1
            continue
        spelled.append(str(found[0]))
        at = found[1]
    return textnorm.words(text) + spelled


def option_overlap(words: list[str], options: tuple[str, ...]) -> list[int]:
    """The options (0-based) sharing a distinctive word with the message: a word only some options have."""
    option_words, common = _option_words(options)
    wanted = {w for w in words if not names_word(w, common)}  # «monitro» is the «monitor» every option has
    if not wanted:
        return []
    return [i for i, have in enumerate(option_words) if any(names_word(w, have) for w in wanted)]


def names_word(word: str, have: frozenset[str]) -> bool:
    """Whether a typed word is one of `have`: the same, its start («inal» for «inalambrico»), or a letter away
    from it («inalambirco»)."""
    if word in have:
        return True
    if len(word) >= 4 and any(other.startswith(word) for other in have):
        return True
    return len(word) >= 5 and any(len(other) >= 5 and deletions(word) & deletions(other) for other in have)


def context_features(text: str, question: Question, gazetteer: Gazetteer) -> tuple[str, ...]:
    """What a message shares with its question's context, as feature names (see features.word_features)."""
    every = textnorm.words(text)
    words = [w for w in mention_words(text) if w not in NEGATIONS]
    found: list[str] = []
    if question.options:
        found.append(f"options={min(len(question.options), 3)}")
        hits = option_overlap(words, question.option_names)
        if hits:
            found.append("option=one" if len(hits) == 1 else "option=several")
        whole = textnorm.key(text)
        if any(textnorm.key(option) == whole for option in question.options):
            found.append("option=whole")
        if any(w.isdecimal() and 1 <= int(w) <= len(question.options) for w in words if len(w) < 4):
            found.append("option=number")
    if question.lines:
        found.append("lines=one" if len(question.lines) == 1 else "lines=several")
        if any(line.words.intersection(words) for line in question.lines):
            found.append("line=named")
    if named := set(words) & question.slot_words():
        found.append("slot=named")
        # «el cliente es X» answers the question that asks for the customer and corrects it at any other
        asked = next((s for s in question.slots if s.name == question.asks), None)
        mine = {w for name in asked.words for w in textnorm.words(name)} if asked else set()
        found.append("slot=asked" if named & mine else "slot=other")
    if gazetteer.customers and gazetteer.customer_in_text(text, every) is not None:
        found.append("customer=named")
    if any(w.isalpha() and gazetteer.names_product(w) for w in words):
        found.append("product=named")
    return tuple(found)
