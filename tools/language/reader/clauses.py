"""A message clause by clause: where its clauses end, and the rules by which the commands of its clauses make the
message's commands («vale, y ¿cuánto stock hay de X?» is two; «eran 6, no 3» is one correction)."""

from __future__ import annotations

import re
from typing import Any

import textnorm
from lexicon import NO_WORDS, NUMBER_WORDS, TENS, YES_WORDS
from tools.language.reader.arguments import has_phrase, negated, negated_start
from tools.language.reader.readings import Command

__all__ = [
    "ACKNOWLEDGE",
    "affirmed_before",
    "corrected_before",
    "edits_after",
    "follows",
    "identity",
    "polarity_fits",
    "split_clauses",
]

# Clauses end at punctuation and before a conjunction: «vale, y ¿cuánto…?», «quita X y confirma».
_CLAUSES = re.compile(r"(?<=[,;.!?])\s+|\s+(?=[¿¡])|\s+(?=(?:y|e|and|pero|but|luego|then)\s)", re.IGNORECASE)
ACKNOWLEDGE = ("affirm", "deny")


def split_clauses(text: str) -> list[str]:
    """A message cut into clauses at punctuation and before «y» / «pero» / «and» (not inside a number written in
    words: «treinta y dos»)."""
    parts: list[str] = []
    for piece in _CLAUSES.split(text):
        head = textnorm.fold(piece).split()[:2]
        if parts and len(head) == 2 and head[0] in ("y", "e") and _joins_number(parts[-1], head[1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


def _joins_number(before: str, after: str) -> bool:
    """«treinta» + «y dos»: the «y» inside a number written in words."""
    words = textnorm.fold(before).split()
    return bool(words) and words[-1] in TENS and after in NUMBER_WORDS


def corrected_before(found: list[Command], command: Command) -> bool:
    """Whether a correction or a cancellation comes before `command` in the message."""
    return any(c.command in ("correct", "cancel") for c in found[: found.index(command)])


def affirmed_before(found: list[Command], index: int) -> bool:
    """Whether a yes comes before the command at `index`."""
    return any(c.command == "affirm" for c in found[:index])


def edits_after(found: list[Command], index: int) -> bool:
    """Whether a correction or a cancellation comes after the command at `index`."""
    return any(c.command in ("correct", "cancel") for c in found[index + 1 :])


def identity(command: Command) -> tuple[Any, ...]:
    """What makes two commands the same command («no, no la registres» says one thing twice)."""
    return (command.command, command.slot, str(command.edit), command.pipeline, command.option)


def follows(found: list[Command], command: Command) -> bool:
    """Whether a clause's command adds to those before it in the message. Not: the same again («no, no la
    registres»); anything but a question after a cancellation; the «no X» that contrasts a correction («eran 6,
    no 3»); a second pick among the options."""
    last = found[-1]
    if identity(last) == identity(command) or (last.command == command.command and command.command in ACKNOWLEDGE):
        return False
    if any(c.command == "cancel" for c in found):
        return False  # nothing after a cancellation: «anula todo, sin stock no le sirve» is its reason
    if last.command == "correct" and (command.command == "deny" or negated_start(command.text)):
        return False  # «eran 6, no 3», «el cliente es X, no Y»: the «no …» is the value it replaces
    if last.command == "deny" and command.command == "affirm":
        return False  # «no cambies nada, está bien así»: the «bien» keeps what the «no» keeps
    return not (command.command == "choose" and any(c.command == "choose" for c in found))


def polarity_fits(label: str, clause: str) -> bool:
    """A clause read as a yes holds a yes word and no negation; one read as a no holds a no or a negation."""
    if label == "affirm":
        return has_phrase(clause, YES_WORDS) and not negated(clause)
    if label == "deny":
        return has_phrase(clause, NO_WORDS) or negated(clause)
    return True
