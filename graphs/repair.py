"""Conversation repair: a text sent to a waiting run is read as a command and applied through LangGraph.

cancel ends the run; help explains the pending question; correct writes the new value as the repair node and the
run goes on from the step that checks it; digress runs another pipeline meanwhile and asks the question again;
choose answers with the option meant; anything else is the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from errors import AppError
from graphs.repair_text import back_text, cancelled_text, help_text, none_text
from graphs.result import RunResult
from pipelines.schema import PipelineConfig
from textnorm import clean, language
from tools.language.command_tools import understand
from tools.language.commands import MAX_MESSAGE
from tools.orders.order_words import MAX_DIGITS, UNKNOWN_QUANTITY

if TYPE_CHECKING:
    from graphs.engine import Engine
    from graphs.runner import Runner


def respond(runner: Runner, row: dict[str, Any], text: str) -> RunResult:
    """Answer the waiting run of `row` with a user's text, reading it as a repair command first; every change is
    made only if the run is still as `row` saw it (an answer meant for one question never answers the next)."""
    text = clean(text)
    run_id, owner = row["run_id"], row["owner"]
    paused = _paused(runner, row) if row["status"] == "waiting" and len(text) <= MAX_MESSAGE else None
    if paused is None and row["status"] == "waiting" and (recovered := runner.recover(row)) is not None:
        # The last turn died mid-way: it reached its question now; this text answers that question.
        if not recovered.waiting:
            return after_child(runner.engine, recovered, owner, language(text))
        return respond(runner, runner._row(run_id, None), text)
    if paused is None:  # not waiting: the plain path raises the precise conflict; a very long text is an answer
        return runner.answer(row, text)
    values, pending = paused
    found = understand(_command_args(runner, values, pending, text), runner.engine.registry.services.llm)
    lang = language(text)
    kind = found["command"]
    if kind == "cancel":
        cancelled = _say(runner.cancel(run_id, owner=owner), cancelled_text(lang))
        return after_child(runner.engine, cancelled, owner, lang)
    if kind == "help":
        return _say(runner.status(run_id, owner=owner), help_text(pending, lang))
    if kind == "choose" and found["option"] is None:
        return _say(runner.status(run_id, owner=owner), none_text(lang))
    if kind == "correct" and (update := _correction(runner, values, found)) is not None:
        return after_child(runner.engine, runner.jump(row, update), owner, lang)
    if kind == "digress":
        return _digress(runner, run_id, owner, found, lang)
    answer = found["option"] if kind == "choose" else text
    return after_child(runner.engine, runner.answer(row, answer), owner, lang)


def _paused(runner: Runner, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(state values, pending question) of a waiting run: as its last turn here left them, else from the checkpoint."""
    cached = runner.engine.paused.get(row["run_id"], row["updated_at"])
    if cached is not None:
        return cached
    snapshot = runner.graph.get_state(runner._run_config(row["run_id"], row["owner"]))
    if not snapshot.interrupts:
        return None
    return dict(snapshot.values or {}), snapshot.interrupts[0].value or {}


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


def _command_args(runner: Runner, values: dict[str, Any], pending: dict[str, Any], text: str) -> dict[str, Any]:
    config = runner.config
    corrections = [
        {
            "slot": slot,
            "words": correction.words or [slot],
            "lines": correction.lines,
            "items": _lines(runner, values.get(slot)) if correction.lines else [],
        }
        for slot, correction in config.corrections().items()
    ]
    return {
        "message": text,
        "question": str(pending.get("question") or ""),
        "options": [str(o) for o in pending.get("options") or []],
        "corrections": corrections,
        "digressions": [] if values.get("__parent__") else _digressions(runner.engine, config),
        "cancel": config.repair.cancel,
        "help": config.repair.help,
        "choose": config.repair.choose,
    }


def _lines(runner: Runner, value: Any) -> list[dict[str, Any]]:
    """The lines of a list slot, each with its product's catalog aliases («keyboard» names «Teclado mecánico»)."""
    sql = runner.engine.registry.services.sql
    aliases = sql.aliases_by_sku() if sql is not None else {}
    lines = [item for item in value or [] if isinstance(item, dict)]
    return [{**item, "aliases": list(aliases.get(str(item.get("sku")), ()))} for item in lines]


def _digressions(engine: Engine, config: PipelineConfig) -> list[dict[str, Any]]:
    name, names = config.name, config.repair.digressions
    found = []
    for other in names if names is not None else engine.names():
        if other == name:
            continue
        try:
            target = engine.config(other)
        except AppError:
            continue
        if target.questions:
            inputs = {key: spec.type for key, spec in target.inputs.items()}
            found.append({"pipeline": other, "questions": list(target.questions), "inputs": inputs})
    return found


def _correction(runner: Runner, values: dict[str, Any], found: dict[str, Any]) -> dict[str, Any] | None:
    """The state update of a correction (the slot's new value, or one line changed), or None if it no longer fits."""
    slot = found["slot"]
    correction = runner.config.corrections().get(slot)
    if correction is None:
        return None
    update: dict[str, Any] = dict.fromkeys(correction.clear)
    update["__corrected__"] = slot
    if not correction.lines:
        update[slot] = found["value"]
        return update
    items = [dict(i) for i in values.get(slot) or [] if isinstance(i, dict)]
    edit = found["edit"] or {}
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


def _digress(runner: Runner, run_id: str, owner: str | None, found: dict[str, Any], lang: str) -> RunResult:
    engine = runner.engine
    try:
        result = engine.runner(found["pipeline"]).start(found["args"] or {}, owner=owner, parent=run_id)
    except AppError as exc:
        return _say(runner.status(run_id, owner=owner), exc.user_message(lang))
    return after_child(engine, result, owner, lang)
