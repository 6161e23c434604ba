"""What the classifier sees of a message: words and word pairs with negation scope marked, character n-grams,
the kind of question as a feature crossed with the words, and what the message shares with the question's context
(its options, the order's lines, a slot's name, a customer, catalog words).

Each feature is a string; scikit-learn's HashingVectorizer turns the strings into columns, so nothing here keeps
a vocabulary and the same function serves training and reading.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import textnorm
from lexicon import CONJUNCTIONS, NEGATIONS, ORDINALS, POSITIONS
from tools.language.quantity import number_at

__all__ = ["KINDS", "Prepared", "char_features", "negated_words", "prepare", "word_features"]

# The kinds of question a run may wait at; "idle" is a message when nothing waits.
KINDS = ("value", "choice", "quantity", "yesno", "idle")
_TOKEN = re.compile(r"[a-z0-9ñ]+(?:'[a-z]+)?|[^\sa-z0-9ñ]")
_CLAUSE_END = frozenset(",;:.!?¿¡()")


@dataclass(frozen=True)
class Prepared:
    """A message made ready for the classifier: its marked tokens, its plain words and its context features."""

    marked: tuple[str, ...]
    words: tuple[str, ...]
    kind: str
    context: tuple[str, ...] = ()
    spelled: tuple[str, ...] = ()  # the words for character n-grams, the negated ones marked «!»


def split_tokens(text: str) -> list[str]:
    """Folded word and punctuation tokens of a message («¿Cancelo?» → ["¿", "cancelo", "?"])."""
    return _TOKEN.findall(textnorm.squeeze(text))


def _scope(toks: list[str]) -> list[bool]:
    """Which tokens a negation governs: from a «no» to the end of its clause («no lo cancelo»); a «no» closed by
    a comma governs nothing («no, el cliente es X»)."""
    scoped, negated = [], False
    for index, tok in enumerate(toks):
        if tok in _CLAUSE_END or tok in CONJUNCTIONS:
            negated = False
        elif tok in NEGATIONS:
            scoped.append(False)
            negated = index + 1 < len(toks) and toks[index + 1] not in _CLAUSE_END
            continue
        scoped.append(negated and tok[0].isalnum())
    return scoped


def negated_words(text: str) -> frozenset[str]:
    """The words of a message a negation governs («el que no es mecánico» → {es, mecanico})."""
    toks = split_tokens(text)
    return frozenset(tok for tok, negated in zip(toks, _scope(toks), strict=True) if negated)


def _marked(toks: list[str], scope: list[bool]) -> list[str]:
    """Tokens with every word in a negation's scope prefixed «NEG_», numbers as «NUM»."""
    out: list[str] = []
    index = 0
    while index < len(toks):
        if found := number_at(toks, index, articles=False):
            out.append("NUM")
            index = found[1]
            continue
        out.append(f"NEG_{toks[index]}" if scope[index] else toks[index])
        index += 1
    return out


def _shape(words: list[str]) -> list[str]:
    """Length and punctuation shape of a message: short messages read differently from sentences."""
    size = len(words)
    bucket = "1" if size <= 1 else "2" if size <= 3 else "4" if size <= 7 else "8"
    return [f"len={bucket}"]


def prepare(text: str, kind: str, context: tuple[str, ...] = ()) -> Prepared:
    """A message as the classifier reads it at a question of `kind`, with the context features already found."""
    toks = split_tokens(text)
    scope = _scope(toks)
    words = tuple(tok for tok in toks if tok[0].isalnum())
    extra = list(context) + _shape(list(words))
    if "?" in toks or "¿" in toks:
        extra.append("has=question_mark")
    if any(word in ORDINALS or word in POSITIONS for word in words):
        extra.append("has=ordinal")
    if words and words[0] in NEGATIONS:
        extra.append("starts=negation")
    # the character view marks negated words too, so «no lo cancelo» shares no grams with «cancelo»
    spelled = tuple(f"!{tok}" if neg else tok for tok, neg in zip(toks, scope, strict=True) if tok[0].isalnum())
    return Prepared(tuple(_marked(toks, scope)), words, kind, tuple(extra), spelled)


def word_features(doc: Prepared) -> list[str]:
    """Words and word pairs (negation marked), each also crossed with the kind of question, and the context."""
    seq = ["<s>", *doc.marked, "</s>"]
    grams = [f"w={tok}" for tok in doc.marked] + [f"b={a}_{b}" for a, b in itertools.pairwise(seq)]
    crossed = [f"{doc.kind}|{gram}" for gram in grams]
    context = [f"c={feature}" for feature in doc.context] + [f"{doc.kind}|c={feature}" for feature in doc.context]
    return [*grams, *crossed, *context, f"kind={doc.kind}"]


def char_features(doc: Prepared) -> list[str]:
    """Character 2- to 5-grams inside each word (padded with spaces), so typos share most of their grams; a word
    in a negation's scope also has grams of its own («canc» and «!canc»)."""
    grams: list[str] = []
    for word in doc.spelled or doc.words:
        mark = "!" if word.startswith("!") else ""
        padded = f" {word[len(mark) :]} "
        for size in (2, 3, 4, 5):
            spans = [padded[start : start + size] for start in range(len(padded) - size + 1)]
            grams.extend(spans)
            if mark:
                grams.extend(mark + gram for gram in spans)
    return grams
