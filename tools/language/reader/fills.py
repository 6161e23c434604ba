"""Generated variation of the training messages: placeholders filled with catalog names and numbers, each message
with a question that fits it, fillers and politeness around it, and typos in it (all from a seeded generator)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import textnorm
from lexicon import CLOSERS, OPENERS, ORDINALS, YES_WORDS
from tools.language.reader.question import Line, Question, Slot

__all__ = ["Filler", "spell", "typo"]

_PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")
_UNITS_ES = [
    "cero",
    "un",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciseis",
]
_UNITS_ES += [
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiun",
    "veintidos",
    "veintitres",
    "veinticuatro",
    "veinticinco",
]
_UNITS_ES += ["veintiseis", "veintisiete", "veintiocho", "veintinueve"]
_TENS_ES = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
_UNITS_EN = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
]
_UNITS_EN += ["sixteen", "seventeen", "eighteen", "nineteen"]
_TENS_EN = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
_KEYBOARD = "qwertyuiop asdfghjklñ zxcvbnm"
_ORDINAL_WORDS = {place: [w for w, p in ORDINALS.items() if p == place and w.isalpha()] for place in (1, 2, 3, 4, -1)}
_OPENERS = [" ".join(phrase) for phrase in OPENERS]
_YES = [" ".join(phrase) for phrase in YES_WORDS if phrase[0].isalpha()]
_CLOSERS = [" ".join(phrase) for phrase in CLOSERS]
_KINDS = ("value", "choice", "quantity", "yesno")
_YES_NO = ("sí", "no")


def spell(number: int, english: bool = False) -> str:
    """A whole number below 2,000 in words («treinta y dos», «mil quinientos», «forty-two»)."""
    if english:
        if number < 20:
            return _UNITS_EN[number]
        if number < 100:
            tens, unit = divmod(number, 10)
            return _TENS_EN[tens] + (f"-{_UNITS_EN[unit]}" if unit else "")
        hundreds, rest = divmod(number, 100)
        return f"{_UNITS_EN[hundreds]} hundred" + (f" {spell(rest, True)}" if rest else "")
    if number < 30:
        return _UNITS_ES[number]
    if number < 100:
        tens, unit = divmod(number, 10)
        return _TENS_ES[tens] + (f" y {_UNITS_ES[unit]}" if unit else "")
    if number >= 1000:
        return "mil" + (f" {spell(number - 1000)}" if number > 1000 else "")
    hundreds, rest = divmod(number, 100)
    head = {1: "cien" if not rest else "ciento", 5: "quinientos", 7: "setecientos", 9: "novecientos"}.get(hundreds)
    head = head or f"{_UNITS_ES[hundreds]}cientos"
    return head + (f" {spell(rest)}" if rest else "")


def typo(word: str, rng: random.Random) -> str:
    """`word` with one slip of the finger: two letters swapped, one dropped, doubled or a neighbour key."""
    if len(word) < 4 or not word.isalpha():
        return word
    at = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(4)
    if slip == 0:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if slip == 1:
        return word[:at] + word[at + 1 :]
    if slip == 2:
        return word[:at] + word[at] + word[at:]
    row = next((row for row in _KEYBOARD.split() if word[at] in row), "")
    if not row:
        return word
    place = row.index(word[at])
    near = row[max(place - 1, 0) : place + 2].replace(word[at], "") or word[at]
    return word[:at] + rng.choice(near) + word[at + 1 :]


@dataclass
class Filler:
    """Fills training templates from the catalog with a seeded generator, and gives each a question it fits."""

    products: list[str]
    customers: list[str]
    slot_words: list[str]
    rng: random.Random
    people: tuple[str, ...] = ()  # people's names, a name placeholder's filling now and then

    def product_text(self, name: str) -> str:
        """How a salesperson writes a catalog name: lower case, often the head word or its plural, a typo."""
        words = textnorm.fold(name).split()
        roll = self.rng.random()
        if roll < 0.35:
            words = words[:1]
        elif roll < 0.55:
            words = words[:2]
        if self.rng.random() < 0.4 and words and words[0][-1:].isalpha():
            words[0] += "es" if words[0][-1] not in "aeiou" else "s"
        if self.rng.random() < 0.15:
            words = [typo(w, self.rng) for w in words]
        return " ".join(words)

    def number(self) -> int:
        """A quantity as orders have them: mostly small."""
        return self.rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100, 150, 500])

    def number_words(self) -> str:
        """A quantity in words, Spanish or English, simple or compound."""
        if self.rng.random() < 0.15:
            return self.rng.choice(["una docena", "un par", "media docena", "dos docenas", "una docena y media"])
        return spell(self.number() if self.rng.random() < 0.6 else self.rng.randrange(1, 1999), self.rng.random() < 0.2)

    def question(self, kind: str | None, label: str) -> Question:
        """A question of `kind` (any when None) that a message labelled `label` may be sent to."""
        kind = "choice" if label.startswith("choose") else kind if kind in _KINDS else self.rng.choice(_KINDS)
        lines = None
        if self.rng.random() < 0.6:
            chosen = self.rng.sample(self.products, min(len(self.products), self.rng.randint(1, 3)))
            lines = tuple(Line(self.product_text(p), p, self.number()) for p in chosen)
        options: tuple[str, ...] = ()
        if kind == "choice":
            pool = self.customers if self.rng.random() < 0.3 else self.products
            size = self.rng.randint(2 if label == "choose" else 1, 4)
            options = tuple(self.rng.sample(pool, min(len(pool), size)))
        elif kind == "yesno":
            options = _YES_NO
        slots = (Slot("cliente", tuple(self.slot_words)), Slot("lineas", ("linea", "producto"), lines=True))
        line = self.rng.randrange(len(lines)) if lines and kind == "quantity" else None
        # An answer naming a slot answers the question asking for it; a correction names another question's slot.
        asks = "cliente" if label == "answer" and kind == "value" else None if label == "correct_slot" else "otro"
        return Question(kind=kind, options=options, lines=lines, line=line, slots=slots, asks=asks)

    def fill(self, template: str, question: Question) -> str:
        """`template` with its placeholders filled consistently with `question` (options, lines)."""
        values: dict[str, str] = {}
        target = self.rng.randrange(len(question.options)) if question.options else 0
        others = [p for p in self.products if p not in question.options]

        def value(name: str) -> str:
            if name in values:
                return values[name]
            if name in ("customer", "customer2"):
                people = self.people if self.people and self.rng.random() < 0.25 else None
                found = self.rng.choice(people or self.customers)
            elif name in ("product", "product2"):
                lines = [line.product for line in question.lines or ()]
                source = lines if lines and name == "product" and self.rng.random() < 0.8 else others
                found = self.product_text(self.rng.choice(source or self.products))
            elif name in ("n", "n2"):
                found = str(self.number())
            elif name == "nw":
                found = self.number_words()
            elif name == "slot":
                found = self.rng.choice(self.slot_words)
            elif name == "k":
                found = str(target + 1)
            elif name == "ordinal":
                place = -1 if target == len(question.options) - 1 and self.rng.random() < 0.4 else target + 1
                found = self.rng.choice(_ORDINAL_WORDS.get(place) or _ORDINAL_WORDS[1])
            elif name == "option":
                found = textnorm.fold(question.options[target]) if question.options else self.product_text(others[0])
            elif name == "option_part":
                found = self._distinctive(question.options, target)
            elif name == "order":
                found = str(self.rng.randint(1, 400))
            elif name == "reason":
                found = self.rng.choice(["defectuoso", "roto", "equivocado", "llegó tarde", "no lo necesitan"])
            else:
                found = name
            values[name] = found
            return found

        return _PLACEHOLDER.sub(lambda match: value(match.group(1)), template)

    def option_mention(self, options: tuple[str, ...]) -> str:
        """How a question names one of the options offered: «el de 27», «la inalámbrica», its own text."""
        target = self.rng.randrange(len(options))
        part = self._distinctive(options, target)
        return self.rng.choice([f"el de {part}", f"la de {part}", f"el {part}", textnorm.fold(options[target])])

    def _distinctive(self, options: tuple[str, ...], target: int) -> str:
        """A word of option `target` no other option has («27» of «Monitor 27 pulgadas»)."""
        if not options:
            return "otro"
        others = {w for i, option in enumerate(options) if i != target for w in textnorm.words(option)}
        mine = [w for w in textnorm.fold(options[target]).split() if textnorm.singular(w) not in others]
        return self.rng.choice(mine) if mine else textnorm.fold(options[target])

    def yes_but(self, text: str) -> str:
        """«sí, pero …»: a change asked for after a yes is still the change (shared/CONTRACT.md)."""
        return f"{self.rng.choice(_YES)}{self.rng.choice([', pero ', ' pero ', ', ', ', but '])}{text}"

    def no_but(self, text: str) -> str:
        """«no, el cliente es X», «no, mejor 5»: a correction often opens with the «no» it corrects."""
        return f"{self.rng.choice(['no, ', 'no no, ', 'que no, ', 'nono, ', 'no, no, ', 'no wait, '])}{text}"

    def decorate(self, text: str) -> str:
        """`text` with, at times, an opener before it, a closer after it, a typo in it."""
        if self.rng.random() < 0.25:
            text = f"{self.rng.choice(_OPENERS)}{self.rng.choice([', ', ' ', '... '])}{text}"
        if self.rng.random() < 0.25:
            text = f"{text}{self.rng.choice([', ', ' ', '. '])}{self.rng.choice(_CLOSERS)}"
        if self.rng.random() < 0.2:
            words = text.split()
            at = self.rng.randrange(len(words))
            words[at] = typo(words[at], self.rng)
            text = " ".join(words)
        return text
