"""Answers to a run with a client's message id (HTTP `Idempotency-Key`, Python `message_id=`): stored in the inbox
before they are run, so an answer sent again gets the stored result and is not run twice, and an answer whose turn
died is finished before it is answered again (graphs/chat/delivery.py does the same for chat messages)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from errors import AppError, InputError
from graphs.result import RunResult
from graphs.run.recovery import settled_row_waiting
from graphs.store.inbox import MESSAGE_ID_PATTERN

if TYPE_CHECKING:
    from graphs.run.engine import Engine


def conversation_of(run_id: str) -> str:
    """The inbox conversation of the answers sent to one run."""
    return f"run:{run_id}"


def answer_once(engine: Engine, run_id: str, answer: Any, owner: str | None, message_id: str) -> RunResult:
    """Answer run `run_id` once for `message_id`: the stored result when it was answered before under that id."""
    if not isinstance(message_id, str) or not re.fullmatch(MESSAGE_ID_PATTERN, message_id):
        raise InputError("message_id: up to 64 letters, digits and _ . : - characters", details={"field": "message_id"})
    inbox = engine.inbox
    runner = engine.runner_for_run(run_id, owner)
    entry = inbox.receive(conversation_of(run_id), message_id, json.dumps(answer, sort_keys=True, ensure_ascii=False))
    if entry.state == "answered" and entry.reply is not None:
        return RunResult(**entry.reply)
    if entry.state == "running":  # its turn died: if the run moved on since, that was this answer
        row = settled_row_waiting(runner, run_id, engine.settings.RUN_LEASE_SECONDS + 2)
        if int(row.get("steps") or 0) != int(entry.run_steps or 0):
            if row["status"] == "waiting":  # half landed: the steps after a written correction run now
                runner.recover(row)
            result = runner.status(run_id, owner=owner, seen=int(entry.run_messages or 0))
            inbox.answer(entry.seq, result.to_dict())
            return result
    row = engine.run_row(run_id, owner)
    inbox.requeue(entry.seq)  # an answer refused before (the run was busy) is sent again
    inbox.begin(entry.seq, run_id, int(row.get("steps") or 0), int(row.get("messages") or 0))
    try:
        result = runner.resume(run_id, answer, owner=owner)
    except AppError:
        inbox.refuse(entry.seq, state="running")  # not answered: the same id may be sent again
        raise
    inbox.answer(entry.seq, result.to_dict())
    return result
