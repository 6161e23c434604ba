"""The offline command reader: what a message sent to a waiting run means before it is taken as the answer.

Precedence (first that applies wins): cancel · help · correct · digress · choose · answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from textnorm import clean, fold, words, yes_no
from tools.language import command_words as W
from tools.language.digression_match import match_digression
from tools.orders.order_edit import parse_edit
from tools.orders.order_words import Tok, match_phrase, span, tokens, trim_trailing

MAX_MESSAGE = 2000
_CLAUSE_MARKS = re.compile(r"[,;.!?¿¡:]+")
COMMANDS = ("cancel", "help", "correct", "digress", "choose", "answer")


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Correctable(_Args):
    """A slot the user may correct: what users call it, and (for a list of order lines) its current lines."""

    slot: str = Field(max_length=64)
    words: list[str] = Field(default_factory=list, max_length=20)
    lines: bool = False
    items: list[dict[str, Any]] = Field(default_factory=list, max_length=200)


class Digressable(_Args):
    """A pipeline that may answer a question meanwhile: its question patterns and its inputs' types."""

    pipeline: str = Field(max_length=64)
    questions: list[str] = Field(default_factory=list, max_length=100)
    inputs: dict[str, str] = Field(default_factory=dict, max_length=50)


class CommandArgs(_Args):
    """A message sent to a waiting run, with what the run asks and which repairs its pipeline allows."""

    message: str = Field(max_length=MAX_MESSAGE)
    question: str = Field(default="", max_length=4000)
    options: list[str] = Field(default_factory=list, max_length=100)
    corrections: list[Correctable] = Field(default_factory=list, max_length=50)
    digressions: list[Digressable] = Field(default_factory=list, max_length=50)
    cancel: bool = True
    help: bool = True
    choose: bool = True


def command(kind: str, **fields: Any) -> dict[str, Any]:
    """A command: its kind plus the fields it uses (slot/value, edit, pipeline/args, option)."""
    base: dict[str, Any] = {"command": kind, "slot": None, "value": None, "edit": None}
    return {**base, "pipeline": None, "args": None, "option": None, **fields}


def _toks(text: str) -> list[Tok]:
    return [tok for tok in tokens(text) if tok.key]


def _only(keys: list[str], main: W.Phrases, noise: W.Phrases) -> bool:
    """True when `keys` are phrases of `main` (at least one) and `noise` only."""
    at, hit = 0, False
    while at < len(keys):
        if size := match_phrase(keys, at, main):
            hit, at = True, at + size
        elif size := match_phrase(keys, at, noise):
            at += size
        else:
            return False
    return hit


def _says(text: str, keys: list[str], main: W.Phrases, noise: W.Phrases, names: frozenset[str]) -> bool:
    """`_only`, or one clause is, and no other edits or confirms («nada, cancela»; not «déjalo, está bien así»)."""
    if _only(keys, main, noise):
        return True
    clauses = [c for c in ([t.key for t in _toks(part)] for part in _CLAUSE_MARKS.split(text)) if c]
    if len(clauses) < 2 or not any(_only(clause, main, noise) for clause in clauses):
        return False
    rest = [clause for clause in clauses if not _only(clause, main, noise)]
    return not any(_edits_or_confirms(clause, names) for clause in rest)


def _edits_or_confirms(keys: list[str], names: frozenset[str]) -> bool:
    """True when a clause holds a number, an edit verb, a slot's name or a word that keeps the order as it is."""
    for at, key in enumerate(keys):
        if any(char.isdigit() for char in key) or key in names or key in W.KEEP_WORDS:
            return True
        if match_phrase(keys, at, W.LINE_VERBS) or match_phrase(keys, at, W.SLOT_VERBS):
            return True
    return False


def _skip(keys: list[str], at: int, table: W.Phrases) -> int:
    while at < len(keys) and (size := match_phrase(keys, at, table)):
        at += size
    return at


_CHOICE_NOISE = W.phrases(",".join(W.CHOICE_NOISE))


@lru_cache(maxsize=256)
def _names(words: tuple[str, ...], slot: str) -> W.Phrases:
    """What users call a slot, as a phrase table."""
    return W.phrases(",".join(fold(word) for word in [*words, slot]))


def _slot_correction(text: str, toks: list[Tok], target: Correctable) -> dict[str, Any] | None:
    """«no, el cliente es X», «cambia el cliente a X», «customer: X» → the slot's new value."""
    keys = [t.key for t in toks]
    names = _names(tuple(target.words), target.slot)
    start = _skip(keys, 0, W.CORRECTION_OPENERS)
    at = start + match_phrase(keys, start, W.SLOT_VERBS)
    verb = at > start
    while at < len(keys) and keys[at] in W.ARTICLES:
        at += 1
    size = match_phrase(keys, at, names)
    if not size:
        return None
    at += size
    colon = toks[at - 1].raw.endswith((":", "="))
    after = _skip(keys, at, W.COPULAS)
    if not (verb or colon or after > at) or after >= len(keys):
        return None
    value = span(text, toks, after, trim_trailing(keys, after, len(keys)))
    return command("correct", slot=target.slot, value=value) if value else None


def _line_index(target: str, items: list[dict[str, Any]]) -> int:
    """The line a text names: by position («la segunda línea», «line 2»), by its product's or its own words, or
    by one of its product's catalog aliases («the keyboard»), else -1."""
    keys = [t.key for t in _toks(target)]
    if any(key in W.LINE_WORDS for key in keys):
        for key in keys:
            place = W.ORDINALS.get(key) or (int(key) if key.isdecimal() and len(key) < 4 else None)
            if place:
                index = place - 1 if place > 0 else len(items) + place
                return index if 0 <= index < len(items) else -1
    wanted = words(target)
    if not wanted:
        return -1
    for field in ("product", "text", "aliases"):
        for index, item in enumerate(items):
            value = item.get(field) or ""
            for name in value if isinstance(value, list) else [value]:
                have = words(str(name))
                if all(any(word == w or word.startswith(w) for word in have) for w in wanted):
                    return index
    return -1


def _line_correction(text: str, toks: list[Tok], target: Correctable) -> dict[str, Any] | None:
    """«quita X», «sin X», «mejor 3 X», «que sean 4 X», «añade 2 Y», «quita la segunda línea» on a list of lines."""
    keys = [t.key for t in toks]
    at = 0
    while at < len(keys) and not match_phrase(keys, at, W.LINE_VERBS):
        size = match_phrase(keys, at, W.CORRECTION_OPENERS)
        if not size:
            return None
        at += size
    if at >= len(keys) or not target.items:
        return None
    verb = match_phrase(keys, at, W.LINE_VERBS)
    rest = _skip(keys, at + verb, W.EDIT_ADVERBS)  # «añade también 3 X»: the adverb is not part of the product
    said = text[toks[at].start : toks[at + verb - 1].end]
    edit = parse_edit(f"{said} {text[toks[rest].start :]}" if rest < len(toks) else said)
    action, quantity, what = edit["action"], edit["quantity"], edit["target"]
    if action in ("set_quantity", "unknown") and not what and (quantity or 0) > 0 and len(target.items) == 1:
        # «déjalo en 3», «mejor 5»: with one line there is no doubt which line is meant.
        return command("correct", slot=target.slot, edit={"action": "set_quantity", "index": 0, "quantity": quantity})
    if action == "add" and what:
        return command(
            "correct",
            slot=target.slot,
            edit={"action": "add", "text": what, "quantity": 1 if quantity is None else quantity},
        )
    if action not in ("remove", "set_quantity") or not what:
        return None
    index = _line_index(what, target.items)
    if index < 0 or (action == "set_quantity" and (not quantity or quantity < 1)):
        return None
    return command("correct", slot=target.slot, edit={"action": action, "index": index, "quantity": quantity})


def _points_at_it(text: str, keys: list[str]) -> bool:
    """«sí», «vale», «sí, ese», «ese mismo», «that one»: a yes or a pointing word, with no negation."""
    if yes_no(text) == "yes":
        return True
    pointing = [key for key in keys if key not in W.CHOICE_NOISE or key in W.THAT_ONE]
    return bool(pointing) and all(key in W.THAT_ONE for key in pointing) and not set(keys) & W.NEGATIONS


def _shared(content: list[str], ordinal: str, options: list[str]) -> bool:
    """True when every word of `content` but the ordinal is in every option («el segundo monitor»)."""
    rest = words(" ".join(key for key in content if key != ordinal))
    return all(any(w == x or x.startswith(w) for x in words(o)) for o in options for w in rest)


def _choice(text: str, toks: list[Tok], options: list[str]) -> dict[str, Any] | None:
    """An option by number, ordinal, distinctive words or a plain «sí» to the only one; «ninguno» asks for more."""
    keys = [t.key for t in toks]
    if _only(keys, W.NONE_OF_THEM, _CHOICE_NOISE):
        return command("choose", option=None)
    content = [key for key in keys if key not in W.CHOICE_NOISE]
    # «el segundo monitor»: besides the ordinal, only words every option has.
    places = [key for key in content if key in W.ORDINALS or (key.isdecimal() and len(key) < 4)]
    if len(places) == 1 and (len(content) == 1 or (places[0] in W.ORDINALS and _shared(content, places[0], options))):
        place = W.ORDINALS.get(places[0]) or int(places[0])
        index = place - 1 if place > 0 else len(options) + place
        if 0 <= index < len(options):
            return command("choose", option=options[index])
    if len(options) == 1 and fold(options[0]) not in ("si", "yes") and _points_at_it(text, keys):
        return command("choose", option=options[0])
    wanted = words(" ".join(content))
    if not wanted:
        return None
    matching = [o for o in options if all(any(w == x or x.startswith(w) for x in words(o)) for w in wanted)]
    return command("choose", option=matching[0]) if len(matching) == 1 else None


def read_command(args: CommandArgs) -> dict[str, Any]:
    """The command a message means at a waiting question, deterministically (no model)."""
    text = clean(args.message)
    toks = _toks(text)
    keys = [t.key for t in toks]
    names = frozenset(fold(word) for target in args.corrections for word in [*target.words, target.slot])
    if args.cancel and _says(text, keys, W.CANCEL, W.CANCEL_NOISE, names):
        return command("cancel")
    if args.help and (_says(text, keys, W.HELP, W.HELP_NOISE, names) or (not keys and "?" in text)):
        return command("help")
    # A correction opens the message or one of its clauses («una basta, pon 1 teclado»).
    starts = [0, *(at for at in range(1, len(toks)) if toks[at - 1].raw.endswith((",", ";", ":", ".")))]
    for begin in starts:
        for target in args.corrections:
            part = toks[begin:]
            found = _line_correction(text, part, target) if target.lines else _slot_correction(text, part, target)
            if found:
                return found
    if asked := match_digression(text, args.digressions):
        return command("digress", pipeline=asked[0], args=asked[1])
    if args.choose and args.options and (found := _choice(text, toks, args.options)):
        return found
    return command("answer", value=text)
