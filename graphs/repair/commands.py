"""Conversation repair: a text sent to a waiting run is read by the message reader and its commands are applied,
in order, through LangGraph.

cancel ends the run; help explains the pending question; correct writes the new value as the repair node and the
run goes on from the step that checks it; digress runs another pipeline meanwhile and asks the question again;
undo goes back to before the last answer or correction (graphs/run/time_travel.py); choose answers with the
option meant; affirm / deny answer a yes/no question (elsewhere they change nothing and the question is explained
again); anything else is the answer. Two close readings are put to the user.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from errors import AppError
from graphs.observe import metrics
from graphs.repair.texts import (
    back_text,
    cancelled_text,
    describe,
    help_text,
    keep_text,
    none_text,
    which_text,
)
from graphs.repair.understanding import question_at
from graphs.result import RunResult
from graphs.store import events
from pipelines.schema import AskStep
from textnorm import clean, language
from tools.language.command_tools import understand
from tools.language.quantity import MAX_DIGITS, UNKNOWN_QUANTITY
from tools.language.reader import Command, Question, Reading
from tools.language.reader.options import chosen_option

if TYPE_CHECKING:
    from graphs.run.engine import Engine
    from graphs.run.runner import Runner

MAX_MESSAGE = 2000
_CLARIFY = "clarify:"  # the pending-table key of a run whose user was asked which of two readings they meant


def respond(runner: Runner, row: dict[str, Any], text: str) -> RunResult:
    """Answer the waiting run of `row` with a user's text, read as commands first; every change is made only if
    the run is still as `row` saw it (an answer meant for one question never answers the next)."""
    text = clean(text)
    run_id, owner = row["run_id"], row["owner"]
    paused = runner.paused(row) if row["status"] == "waiting" and len(text) <= MAX_MESSAGE else None
    if paused is None and row["status"] == "waiting" and (recovered := runner.recover(row)) is not None:
        # The last turn died mid-way: it reached its question now; this text answers that question.
        if not recovered.waiting:
            return after_child(runner.engine, recovered, owner, language(text))
        return respond(runner, runner._row(run_id, None), text)
    if paused is None:  # not waiting: the plain path raises the precise conflict; a very long text is an answer
        return runner.answer(row, text)
    values, pending = paused
    lang = language(text)
    question = _question(runner, values, pending)
    if (chosen := _clarified(runner, row, text, lang)) is not None:
        return _apply_all(runner, row, [chosen], lang)
    engine = runner.engine
    reader = engine.understanding.reader()
    reading = understand(reader, text, question, engine.registry.services.llm, model_reads=engine.settings.MODEL_READS)
    metrics.message_read(runner.name, reading.reader)
    _note_reading(runner, row, pending, reading, text)
    if reading.ambiguous:
        return _ask_which(runner, row, reading, question, lang)
    return _apply_all(runner, row, reading.commands, lang)


def _apply_all(runner: Runner, row: dict[str, Any], commands: list[Command], lang: str) -> RunResult:
    """Apply the commands of one message in order, each to the run as the one before left it; the reply holds
    what each said and the question the run asks last."""
    said: list[str] = []
    result: RunResult | None = None
    for command in commands:
        if result is not None:
            row = runner._row(row["run_id"], None)
            paused = runner.paused(row) if row["status"] == "waiting" else None
            if paused is None:
                break
        values, pending = runner.paused(row) or ({}, {})
        question = _question(runner, values, pending)
        result = _apply(runner, row, command, question, pending, lang)
        if result.message:
            said.append(result.message)
    assert result is not None
    result.message = "\n".join(said) or None
    return result


def _apply(
    runner: Runner, row: dict[str, Any], command: Command, question: Question, pending: dict[str, Any], lang: str
) -> RunResult:
    """Apply one command to the waiting run of `row`."""
    run_id, owner = row["run_id"], row["owner"]
    kind = command.command
    _note_repair(runner, row, pending, command)
    if kind == "cancel":
        return after_child(runner.engine, _say(runner.cancel(run_id, owner=owner), cancelled_text(lang)), owner, lang)
    if kind == "help":
        return _say(runner.status(run_id, owner=owner), help_text(pending, lang))
    if kind == "undo":  # its event is the runner's, written with the turn it replays
        return runner.undo(run_id, owner=owner, lang=lang)
    if kind == "deny" and command.value == "keep":  # «no lo cancelo», «no quites nada»: nothing changes
        return _say(runner.status(run_id, owner=owner), keep_text(lang))
    if kind in ("affirm", "deny") and question.kind == "yesno":
        return after_child(runner.engine, runner.answer(row, _yes_no_option(question, kind)), owner, lang)
    if kind == "affirm":  # a yes where a name or a number is asked cannot answer it: explain the question
        return _say(runner.status(run_id, owner=owner), help_text(pending, lang))
    if kind == "deny":  # «no lo cancelo»: nothing changes
        return _say(runner.status(run_id, owner=owner), keep_text(lang))
    if kind == "choose" and command.option is None:
        return _say(runner.status(run_id, owner=owner), none_text(lang))
    if kind == "choose":
        return after_child(runner.engine, runner.answer(row, command.option), owner, lang)
    if kind == "correct":
        values = (runner.paused(row) or ({}, {}))[0]
        if (update := _correction(runner, values, command)) is not None:
            return after_child(runner.engine, runner.jump(row, update), owner, lang)
        return _say(runner.status(run_id, owner=owner), help_text(pending, lang))
    if kind == "digress":
        return _digress(runner, run_id, owner, command, lang)
    answer = command.value if isinstance(command.value, str) and command.value else command.text
    return after_child(runner.engine, runner.answer(row, answer), owner, lang)


_REPAIRS = frozenset({"cancel", "help", "correct", "digress", "choose"})


def _note_reading(runner: Runner, row: dict[str, Any], pending: dict[str, Any], reading: Reading, text: str) -> None:
    """The reading of a message as an event: its first command (or «ambiguous»), the lowest confidence, the text."""
    commands = reading.ambiguous or reading.commands
    event = runner.event(
        row["run_id"],
        row["owner"],
        "read",
        step=pending.get("step"),
        command="ambiguous" if reading.ambiguous else reading.first.command,
        confidence=min((c.confidence for c in commands), default=None),
        text=text,
        detail={"reader": reading.reader, "commands": [c.command for c in commands]},
    )
    events.note(event)


def _note_repair(runner: Runner, row: dict[str, Any], pending: dict[str, Any], command: Command) -> None:
    """A repair applied at the pending question as an event (cancel, help, correct, digress, choose, keep)."""
    kind = "keep" if command.command == "deny" and command.value == "keep" else command.command
    if kind not in _REPAIRS and kind != "keep":
        return
    detail: dict[str, Any] = {}
    if kind == "correct":
        detail = {"slot": command.slot, "action": (command.edit or {}).get("action")}
    elif kind == "digress":
        detail = {"pipeline": command.pipeline}
    event = runner.event(row["run_id"], row["owner"], "repaired", step=pending.get("step"), command=kind, detail=detail)
    events.note(event)


def _yes_no_option(question: Question, kind: str) -> str:
    """The option of a yes/no question that says yes (or no): the first (or second) one, «sí»/«no» without them."""
    options = list(question.options)
    if len(options) == 2:
        return options[0] if kind == "affirm" else options[1]
    return "sí" if kind == "affirm" else "no"


def _question(runner: Runner, values: dict[str, Any], pending: dict[str, Any]) -> Question:
    """The question the run waits at, as the reader needs it (its kind, options, the order's lines)."""
    engine = runner.engine
    config = runner.config
    if pending.get("pipeline") and pending["pipeline"] != config.name:
        try:  # the question of a sub-pipeline
            config = engine.config(str(pending["pipeline"]))
        except AppError:
            return Question(text=str(pending.get("question") or ""), options=tuple(pending.get("options") or ()))
    try:
        step = config.step(str(pending.get("step") or ""))
    except KeyError:
        step = None
    options = [str(o) for o in pending.get("options") or []]
    if not isinstance(step, AskStep):
        return Question(text=str(pending.get("question") or ""), options=tuple(options))
    sql = engine.registry.services.sql
    digressions = () if values.get("__parent__") else engine.understanding.digressions(runner.config)
    return question_at(
        config,
        step,
        text=str(pending.get("question") or ""),
        options=options,
        values=values,
        digressions=digressions,
        aliases=sql.aliases_by_sku() if sql is not None else {},
        named=sql.aliases_by_name() if sql is not None else {},
    )


def _ask_which(runner: Runner, row: dict[str, Any], reading: Reading, question: Question, lang: str) -> RunResult:
    """Two readings are close: ask the user which one they meant, and remember both until they say."""
    choices = reading.ambiguous[:2]
    described = [describe(command, question, lang) for command in choices]
    key = f"{_CLARIFY}{row['run_id']}"
    kept = {"updated_at": row["updated_at"], "choices": [c.__dict__ for c in choices], "described": described}
    runner.engine.runs.set_pending(key, json.dumps(kept, ensure_ascii=False))
    result = runner.status(row["run_id"], owner=row["owner"])
    result.message = which_text(described, lang)
    result.question, result.options = None, described
    return result


def _clarified(runner: Runner, row: dict[str, Any], text: str, lang: str) -> Command | None:
    """The reading the user picks after being asked which one they meant (forgotten once they answer)."""
    key = f"{_CLARIFY}{row['run_id']}"
    stored = runner.engine.runs.pending(key)
    if stored is None:
        return None
    runner.engine.runs.set_pending(key, None)
    kept = json.loads(stored)
    if kept.get("updated_at") != row["updated_at"]:
        return None
    index = chosen_option(text, Question(kind="choice", options=tuple(kept["described"])))
    if index is None:
        return None
    return Command(**kept["choices"][index])


def after_child(engine: Engine, result: RunResult, owner: str | None, lang: str = "es") -> RunResult:
    """When a digression ends, the run it interrupted asks its question again, after what the digression said."""
    if result.status == "waiting" or not result.parent:
        return result
    try:
        parent = engine.status(result.parent, owner=owner)
    except AppError:
        return result
    if parent.status != "waiting":
        return result
    said = result.message if result.status == "completed" else (result.error or {}).get("message")
    return _say(parent, said or back_text(result.status, lang))


def cancel_chain(engine: Engine, run_id: str, owner: str | None) -> None:
    """Cancel a waiting run and, when it is a digression, the runs it interrupted (abandoning the whole dialog)."""
    while run_id:
        try:
            result = engine.cancel(run_id, owner=owner)
        except AppError:
            return
        run_id = result.parent or ""


def _say(result: RunResult, message: str) -> RunResult:
    """`result` saying `message` (instead of the last thing the run said, which the user has seen already)."""
    result.message = message
    return result


def _correction(runner: Runner, values: dict[str, Any], command: Command) -> dict[str, Any] | None:
    """The state update of a correction (the slot's new value, or one line changed), or None if it no longer fits."""
    slot = command.slot or ""
    correction = runner.config.corrections().get(slot)
    if correction is None:
        return None
    update: dict[str, Any] = dict.fromkeys(correction.clear)
    update["__corrected__"] = slot
    if not correction.lines:
        update[slot] = command.value  # None: the slot is asked again
        return update
    items = [dict(i) for i in values.get(slot) or [] if isinstance(i, dict)]
    edit = command.edit or {}
    index = edit.get("index")
    quantity = _exact(1 if edit.get("quantity") is None else edit["quantity"])
    if edit.get("action") == "add":
        blank = dict.fromkeys({key for item in items for key in item})
        items.append({**blank, "text": edit.get("text"), "quantity": quantity})
    elif not isinstance(index, int) or not 0 <= index < len(items):
        return None
    elif edit.get("action") == "remove":
        del items[index]
    else:
        items[index] = {**items[index], "quantity": quantity}
    update[slot] = items
    return update


def _exact(quantity: Any) -> int:
    """A line quantity as given, or UNKNOWN_QUANTITY (asked for again) when it cannot be a real count."""
    if isinstance(quantity, int) and not isinstance(quantity, bool) and 0 <= quantity < 10**MAX_DIGITS:
        return quantity
    return UNKNOWN_QUANTITY


def _digress(runner: Runner, run_id: str, owner: str | None, command: Command, lang: str) -> RunResult:
    engine = runner.engine
    try:
        result = engine.runner(command.pipeline or "").start(command.args or {}, owner=owner, parent=run_id)
    except AppError as exc:
        return _say(runner.status(run_id, owner=owner), exc.user_message(lang))
    return after_child(engine, result, owner, lang)
