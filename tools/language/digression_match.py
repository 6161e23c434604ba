"""Digression questions («¿cuánto stock hay de {producto}?») matched against a message, accent- and case-free."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from textnorm import fold
from tools.language.command_words import DIGRESSION_OPENERS


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The message folded and without question marks or edge punctuation, with each character's original index."""
    chars, where = [], []
    for index, char in enumerate(text):
        folded = fold(char) if not char.isspace() else " "
        if char in '¿?¡!.,;:"«»“”()':
            folded = " "
        if len(folded) != 1:
            folded = " " if not folded else folded[0]
        if folded == " " and chars and chars[-1] == " ":
            continue
        chars.append(folded)
        where.append(index)
    return "".join(chars), where


@lru_cache(maxsize=512)
def _pattern(question: str, types: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """A digression question («¿cuánto stock hay de {producto}?») as a regular expression over folded text."""
    typed = dict(types)
    parts = re.split(r"(\{[^{}]*\})", question)
    body = []
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            value = r"[-+]?\d+" if typed.get(name) in ("integer", "number") else r".+?"
            body.append(f"(?P<{name}>{value})")
        else:
            literal = " ".join(fold(re.sub(r"[¿?¡!.,;:\"«»]", " ", part)).split())
            body.append(re.escape(literal).replace(r"\ ", r"\s+") if literal else "")
    joined = r"\s+".join(piece for piece in body if piece)  # a placeholder starts a word: «del» is not «de l»
    openers = "|".join(re.escape(o.strip()).replace(r"\ ", r"\s+") for o in DIGRESSION_OPENERS.split(","))
    return re.compile(rf"^\s*(?:(?:{openers})\s+)*{joined}\s*$")


def match_digression(text: str, digressions: Sequence[Any]) -> tuple[str, dict[str, str]] | None:
    """(pipeline, arguments as typed) of the first digression question the whole message matches, or None;
    `digressions` have `pipeline`, `questions` and `inputs` (input name -> type)."""
    folded, where = _folded_with_positions(text)
    for target in digressions:
        types = tuple(sorted(target.inputs.items()))
        for question in target.questions:
            match = _pattern(question, types).match(folded)
            if not match:
                continue
            args = {}
            for name in match.groupdict():
                start, end = where[match.start(name)], where[match.end(name) - 1] + 1
                raw = text[start:end].strip(' ¿?¡!.,;:"«»')
                args[name] = raw
            if all(args.values()):
                return target.pipeline, args
    return None
