"""Reading a message: the command(s) it holds at a waiting question, or the pipeline it asks for when idle.

The trained classifier says which command; the message is also read clause by clause, so «vale, y ¿cuánto stock
hay de X?» is two commands in order. Labels the question does not allow are left out, a command below the
calibrated confidence is taken as the answer, and two close readings are returned as ambiguous for the
conversation to ask which one was meant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import textnorm
from textnorm import clean
from tools.language.quantity import quantity_in
from tools.language.reader.arguments import (
    digression_args,
    line_edit,
    only_fillers,
    plain_no,
    plain_yes,
    slot_value,
    strip_edges,
)
from tools.language.reader.clauses import (
    ACKNOWLEDGE,
    affirmed_before,
    corrected_before,
    edits_after,
    follows,
    identity,
    polarity_fits,
    split_clauses,
)
from tools.language.reader.corpus import load_names
from tools.language.reader.features import prepare
from tools.language.reader.options import chosen_option, named_option
from tools.language.reader.question import IDLE, Question, context_features
from tools.language.reader.readings import SURE, Command, Reading, Routing, public_kind
from tools.language.reader.spec import ReaderSpec
from tools.language.reader.training import NONE, TrainedReader

__all__ = ["Reader"]

# A command below this calibrated confidence is read as the answer instead (tuned on tests/data/nlu_dev.yaml).
MIN_CONFIDENCE = 0.45
# Two readings closer than this (and neither sure) are ambiguous: the user is asked which one was meant.
AMBIGUOUS_MARGIN = 0.12
# A cancellation cannot be undone: below this it is not taken («Ana» shares letters with «anula»).
CANCEL_SURE = 0.6
# When the best reading cannot be taken, the second is, if it is at least this likely («tranquilo, no lo cancelo»:
# a cancellation not sure enough, a denial just behind it).
RUNNER_UP = 0.3
# A clause of a longer message counts as a command of its own above this (its words are fewer, so it is less sure).
CLAUSE_SURE = 0.6
# Each command of a message read clause by clause keeps at least this probability for the whole message.
MULTI_FLOOR = 0.02
# An idle message starts a pipeline only above this confidence; below it is chat.
MIN_ROUTE = 0.5
_PUNCTUATION = frozenset(" ?¿!¡.,;:…-")


class Reader:
    """The trained message reader of one set of pipelines and one catalog."""

    def __init__(self, trained: TrainedReader, spec: ReaderSpec) -> None:
        self.trained = trained
        self.spec = spec
        self.gazetteer = trained.gazetteer
        # a name typed on its own is an answer, whatever letters it shares with a command («Ana» and «anula»)
        self.names = frozenset(textnorm.key(name) for name in (*load_names(), *spec.customers))

    # --- Idle ------------------------------------------------------------------------------------------------------
    def route(self, message: str, *, allowed: tuple[str, ...] | None = None) -> Routing:
        """The pipeline an idle message asks to start, if any (`allowed`: the pipelines that may start)."""
        text = clean(message)
        doc = prepare(text, IDLE.kind, context_features(text, IDLE, self.gazetteer))
        labels = self.trained.idle.labels
        row = self.trained.idle.probabilities([doc])[0]
        scores = _normalised(labels, row, lambda label: label == NONE or allowed is None or label in allowed, ())
        best = max(scores, key=scores.__getitem__)
        chosen = best if best != NONE and scores[best] >= MIN_ROUTE else None
        return Routing(chosen, scores[best], scores)

    def arguments(self, pipeline: str, message: str) -> dict[str, Any]:
        """The inputs an idle message gives the pipeline it starts, read as a digression's are («¿cuánto stock hay
        de grapadoras?» → producto: grapadoras); none when the message is only the request («busca un producto»)."""
        found = self.spec.pipeline(pipeline)
        if found is None or not found.questions:
            return {}
        text = clean(message)
        whole = textnorm.key(strip_edges(text))
        args = digression_args(text, found.questions, found.inputs)
        return {
            name: value for name, value in args.items() if not isinstance(value, str) or textnorm.key(value) != whole
        }

    # --- Waiting ---------------------------------------------------------------------------------------------------
    def read(self, message: str, question: Question) -> Reading:
        """The command(s) a message means at `question`."""
        text = clean(message)
        if all(not char.isalnum() and char in _PUNCTUATION for char in text):  # «?», «...»: nothing but marks
            return Reading([Command("help" if "?" in text and question.help else "answer", "help", text=text)])
        clauses = [part for part in split_clauses(text) if any(char.isalnum() for char in part)]
        pieces = [text, *clauses] if len(clauses) > 1 else [text]
        docs = [prepare(p, question.kind, context_features(p, question, self.gazetteer)) for p in pieces]
        rows = self.trained.waiting.probabilities(docs)
        labels = self.trained.waiting.labels
        allowed = self._allowed(question)
        off = _switched_off(question)
        scored = [_normalised(labels, row, allowed, off) for row in rows]
        whole = scored[0]
        reading = Reading([], scores=whole)
        several = self._several(clauses, scored[1:], question, whole) if len(pieces) > 1 else []
        if several:
            reading.commands = several
            return reading
        ranked = sorted(whole, key=whole.__getitem__, reverse=True)
        best, second = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
        said = text
        if best.startswith("digress:") and len(pieces) > 1:  # its inputs are in the clause that asks it
            said = max(zip(clauses, scored[1:], strict=True), key=lambda pair: pair[1].get(best, 0.0))[0]
        command = self._command(said, best, whole[best], question)
        if command.command == "answer" and best == "cancel" and len(pieces) > 1:
            # «forget it, I don't want it anymore»: a cancellation not sure enough as a whole is taken when one of
            # its clauses is a sure one on its own and the rest only gives its reason
            sure = max(scores.get("cancel", 0.0) for scores in scored[1:])
            reasons = all(
                max(s, key=s.__getitem__) in ("cancel", "answer", "deny") or only_fillers(clause)
                for clause, s in zip(clauses, scored[1:], strict=True)
            )
            if sure >= CANCEL_SURE and reasons and whole[best] >= MIN_CONFIDENCE:
                command = Command("cancel", "cancel", whole[best], text)
        if command.command == "answer" and best != "answer" and whole[second] >= RUNNER_UP:
            # the best reading could not be taken (a cancellation not sure enough): the runner-up, if it can
            runner_up = self._command(text, second, whole[second], question)
            command = runner_up if runner_up.command != "answer" or second == "answer" else command
        reading.commands = [command]
        close = whole[best] - whole[second] < AMBIGUOUS_MARGIN and whole[best] < SURE
        if close and {best, second} <= _CLARIFIABLE and public_kind(best) != public_kind(second):
            other = self._command(text, second, whole[second], question)
            if other.command not in ("answer",) and command.command not in ("answer",):
                reading.ambiguous = [command, other]
        return reading

    def _allowed(self, question: Question) -> Any:
        lines = question.lines_slot is not None
        has_lines = question.lines is None or bool(question.lines)  # unknown lines may hold the one meant
        slots = any(not slot.lines for slot in question.slots)

        def allowed(label: str) -> bool:
            if label.startswith("digress:"):
                return label.partition(":")[2] in question.digressions
            return {
                "cancel": question.cancel,
                "undo": question.undo,
                "help": question.help,
                "choose": bool(question.options) and question.choose and question.kind != "yesno",
                "choose_none": bool(question.options) and question.choose and question.kind != "yesno",
                "correct_slot": slots,
                "correct_remove": lines and has_lines,
                "correct_quantity": lines and has_lines,
                "correct_add": lines,
            }.get(label, True)

        return allowed

    def _several(
        self, clauses: list[str], scored: list[dict[str, float]], question: Question, whole: dict[str, float]
    ) -> list[Command]:
        """The commands of a message whose clauses each hold one (in order), when it holds more than one: each
        clause read as one, and the whole message read as one of them and not ruling out the others."""
        found: list[Command] = []
        for clause, scores in zip(clauses, scored, strict=True):
            best = max(scores, key=scores.__getitem__)
            if scores[best] < CLAUSE_SURE or only_fillers(clause) or not polarity_fits(best, clause):
                continue
            if best == "answer" and not self._answers(clause, question):
                continue
            if best == "affirm" and not plain_yes(clause):
                continue  # a clause is a yes only in so many words («por si le mando otra» is no yes)
            if best != "answer" and not any(char.isalpha() for char in clause):
                continue  # «…, 1»: a bare number commands nothing
            command = self._command(clause, best, scores[best], question)
            if found and not follows(found, command):
                continue
            found.append(command)
        if any(c.command != "help" for c in found):
            # «uf, qué lío, cancela», «no me acuerdo… era Globex»: next to anything else, what reads as a plea for
            # help is its preamble; an answer after a correction is its value («…, es Globex»); next to a pick
            # among options, an answer describes the same pick («el chico, el de 24»)
            picks = any(c.command == "choose" for c in found)
            found = [
                c
                for c in found
                if c.command != "help" and not (c.command == "answer" and (corrected_before(found, c) or picks))
            ]
        if question.kind == "yesno":
            # «sí, pero quita X» is the edit; «no, cancela» the cancellation: a yes or no before them adds nothing
            # (one after them, «quita X y confirma», confirms the order as changed). After a yes nothing is left to
            # answer: what follows it is its reason («sí, tira p'alante»).
            found = [c for i, c in enumerate(found) if c.command not in ACKNOWLEDGE or not edits_after(found, i)]
            found = [c for i, c in enumerate(found) if c.command != "answer" or not affirmed_before(found, i)]
        else:
            found = [c for c in found if c.command not in ACKNOWLEDGE]  # «vale, …» acknowledges, asks nothing
        if sum(c.command != "answer" for c in found) == 0:
            return []
        top = max(whole, key=whole.__getitem__)
        kinds = {c.command for c in found}
        # An answer with something in it and a yes in the lexicon's words were checked already; the other clause
        # commands must be possible readings of the whole message too.
        checked = ("answer", "affirm", "deny")
        if public_kind(top) not in kinds or any(
            whole.get(c.label, 1.0) < MULTI_FLOOR for c in found if c.command not in checked
        ):
            return []
        return found if len(found) >= 2 and len({identity(c) for c in found}) >= 2 else []

    def _answers(self, clause: str, question: Question) -> bool:
        """Whether a clause holds something a question takes: a number, an option's word, a customer, a product."""
        context = context_features(clause, question, self.gazetteer)
        if {"option=one", "option=whole", "customer=named", "product=named"} & set(context):
            return True
        return any(word.isdecimal() for word in textnorm.words(clause)) or (
            question.kind == "quantity" and bool(quantity_in(clause))
        )

    def _command(self, text: str, label: str, confidence: float, question: Question) -> Command:
        """The command a label means for this message, with its arguments; when they cannot be read (or the
        reader is not confident of a command), the answer, or at a choice question the option it names."""
        if (exact := self._picked(text, question, confidence, exact=True)) is not None:
            return exact  # an option's very text («Ya no lo necesita») picks it, whatever else it reads as
        read = self._as(label, text, confidence, question)
        if read is not None:
            return read
        picked = self._picked(text, question, confidence, exact=False)
        named = self._named_slot(text, confidence, question)
        return picked or named or Command("answer", "answer", confidence, text, value=strip_edges(text))

    def _named_slot(self, text: str, confidence: float, question: Question) -> Command | None:
        """A message that names a slot and gives it a customer or product of the catalog («no, el producto es la
        grapadora»): the answer to the question asking for that slot, a correction of it anywhere else."""
        found = slot_value(text, question, self.gazetteer)
        if found is None or not found[1]:
            return None
        slot = next(s for s in question.slots if s.name == found[0])
        said = set(textnorm.words(text)) & {w for name in (*slot.words, slot.name) for w in textnorm.words(name)}
        value = found[1]
        words = textnorm.words(value)  # every word of it the catalog's: «cerró la oficina» is no product
        catalog = self.gazetteer.customer_in_text(value) is not None or (
            bool(words) and all(not w.isalpha() or self.gazetteer.names_product(w) for w in words)
        )
        if not said or not catalog:
            return None
        if found[0] == question.asks:
            return Command("answer", "correct_slot", confidence, text, value=value)
        return Command("correct", "correct_slot", confidence, text, slot=found[0], value=value)

    def _picked(self, text: str, question: Question, confidence: float, *, exact: bool) -> Command | None:
        """The option a message names at a choice question: its whole text, or (not `exact`) its words."""
        if question.kind != "choice" or not question.choose:
            return None
        if exact:
            whole = textnorm.key(strip_edges(text))
            index = next((i for i, o in enumerate(question.options) if textnorm.key(o) == whole), None)
        else:
            index = named_option(text, question, self.gazetteer)
        return None if index is None else Command("choose", "choose", confidence, text, option=question.options[index])

    def _as(self, label: str, text: str, confidence: float, question: Question) -> Command | None:
        """The command of `label` with its arguments, or None when the message cannot be that command."""
        kind = public_kind(label)
        if label in ACKNOWLEDGE:
            return self._yes_no(label, text, confidence, question)
        if (confidence < MIN_CONFIDENCE and label != "choose") or (label == "cancel" and confidence < CANCEL_SURE):
            return None  # a cancellation cannot be undone: only a sure one counts («Ana» is a name)
        if label in ("cancel", "help", "undo") or label == "choose_none":
            return None if textnorm.key(strip_edges(text)) in self.names else Command(kind, label, confidence, text)
        if label == "choose":
            index = chosen_option(text, question)
            return None if index is None else Command("choose", label, confidence, text, option=question.options[index])
        if label == "correct_slot":
            return self._slot(text, confidence, question)
        if label.startswith("correct_"):
            return self._line(label, text, confidence, question)
        if label.startswith("digress:"):
            return self._digression(label, text, confidence)
        return None

    def _yes_no(self, label: str, text: str, confidence: float, question: Question) -> Command | None:
        # A yes (or a no) is one only when it says so in words of the lexicon — a yes and little else — however
        # sure the classifier is: «blablabla» or «{{ cliente }}» never writes an order, «b» at a quantity question
        # is an answer.
        # A yes among more words (its reasons, thanks) counts when the classifier is sure of it.
        sure_yes = confidence >= SURE and polarity_fits(label, text)
        evidenced = (plain_yes(text) or sure_yes) if label == "affirm" else polarity_fits(label, text)
        if confidence < MIN_CONFIDENCE or not evidenced:
            return None
        if question.kind != "yesno":
            if label == "affirm" and len(question.options) == 1 and question.choose:
                return Command("choose", label, confidence, text, option=question.options[0])
            return Command(label, label, confidence, text)  # elsewhere a yes or no answers nothing
        # «no», «no, gracias», «no lo confirmes» refuse; «no lo cancelo», «no quites nada» deny another command:
        # nothing changes and the question stands («keep»).
        keeps = label == "deny" and not plain_no(text)
        return Command(label, label, confidence, text, value="keep" if keeps else None)

    def _slot(self, text: str, confidence: float, question: Question) -> Command | None:
        found = slot_value(text, question, self.gazetteer)
        if found is None:
            return None
        if found[0] == question.asks:  # «es para Globex» at the question that asks for the customer
            return Command("answer", "correct_slot", confidence, text, value=found[1] or strip_edges(text))
        return Command("correct", "correct_slot", confidence, text, slot=found[0], value=found[1])

    def _line(self, label: str, text: str, confidence: float, question: Question) -> Command | None:
        edit = line_edit(text, label, question, self.gazetteer)
        slot = question.lines_slot
        if edit is None or slot is None:
            return None
        named = edit.pop("named", True)
        about_it = edit["index"] == question.line or not named
        if question.kind == "quantity" and edit["action"] == "set_quantity" and about_it:
            # «déjalo en 2» at the question about that very line's quantity answers it
            value = str(edit["quantity"]) if edit["quantity"] else strip_edges(text)
            return Command("answer", label, confidence, text, value=value)
        return Command("correct", label, confidence, text, slot=slot.name, edit=edit)

    def _digression(self, label: str, text: str, confidence: float) -> Command | None:
        pipeline = self.spec.pipeline(label.partition(":")[2])
        if pipeline is None:
            return None
        args = digression_args(text, pipeline.questions, pipeline.inputs)
        bare = textnorm.key(strip_edges(text))
        if any(isinstance(v, str) and textnorm.key(v) == bare for v in args.values()):
            return None  # «grapadora» alone names a product; a digression asks something about it
        return Command("digress", label, confidence, text, pipeline=pipeline.name, args=args)


_CLARIFIABLE = frozenset(
    {"cancel", "correct_slot", "correct_remove", "correct_quantity", "correct_add", "deny", "help", "undo"}
    | {"choose_none"}
)


def _switched_off(question: Question) -> tuple[str, ...]:
    """The commands the pipeline's author turned off (`repair: {undo: false}`): said, they are just an answer."""
    return tuple(
        label for label, on in (("cancel", question.cancel), ("help", question.help), ("undo", question.undo)) if not on
    )


def _normalised(labels: list[str], row: np.ndarray, allowed: Any, off: tuple[str, ...]) -> dict[str, float]:
    """The allowed labels' probabilities, scaled to sum to 1; what the labels in `off` had goes to the answer (a
    command the question cannot take, an option where none is offered, is spread over the others)."""
    kept = {label: float(p) for label, p in zip(labels, row, strict=True) if allowed(label)}
    moved = sum(float(p) for label, p in zip(labels, row, strict=True) if label in off)
    if moved and "answer" in kept:
        kept["answer"] += moved
    total = sum(kept.values()) or 1.0
    return {label: p / total for label, p in kept.items()}
