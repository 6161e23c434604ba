"""Reading a message to a waiting run as the conversation layer does: the language model through structured
output when one is configured, the trained reader as its fallback (and instead of it when the reader is sure and
the settings say so)."""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

from errors import ToolError
from tools.language.llm import LLMClient
from tools.language.reader import Command, Question, Reader, Reading
from tools.language.reader.arguments import strip_edges

__all__ = ["COMMAND_SCHEMA", "MODEL_COMMANDS", "understand"]

logger = logging.getLogger(__name__)

MODEL_COMMANDS = ("cancel", "help", "correct", "digress", "choose", "answer", "affirm", "deny")
_NULLABLE = {"type": ["string", "null"]}
COMMAND_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["command"],
    "properties": {
        "command": {"type": "string", "enum": list(MODEL_COMMANDS)},
        "slot": _NULLABLE,
        "value": _NULLABLE,
        "option": _NULLABLE,
        "pipeline": _NULLABLE,
        "args": {"type": ["object", "null"]},
        "edit": {
            "type": ["object", "null"],
            "properties": {
                "action": {"type": "string", "enum": ["add", "remove", "set_quantity"]},
                "index": {"type": ["integer", "null"]},
                "quantity": {"type": ["integer", "null"]},
                "text": _NULLABLE,
            },
        },
    },
}
SYSTEM = (
    "You read one chat message sent to a sales order dialog that is waiting for an answer, and say what it is: "
    "'cancel' (the user gives up the whole dialog), 'help' (asks what to answer), 'correct' (changes a value given "
    "before: set slot and value; for the order lines slot set edit {action: remove|set_quantity|add, index "
    "(0-based line), quantity, text}), 'digress' (asks something one of the listed pipelines answers: set pipeline "
    "and args), 'choose' (picks one of the options: set option to its exact text, or null for «none of them»), "
    "'affirm' or 'deny' (a plain yes or no; a negated command such as «no lo cancelo» is 'deny'), or 'answer' "
    "(anything else: the message answers the question). Reply only through the function."
)


def _prompt(message: str, question: Question, reader: Reader) -> str:
    lines = [line.product or line.text for line in question.lines or ()]
    context = {
        "question": question.text,
        "kind": question.kind,
        "options": list(question.options),
        "correctable_slots": [
            {"slot": s.name, "called": list(s.words), "lines": lines if s.lines else None} for s in question.slots
        ],
        "pipelines": [
            {"pipeline": p.name, "examples": list(p.questions[:5]), "inputs": dict(p.inputs)}
            for p in reader.spec.pipelines
            if p.name in question.digressions
        ],
        "allowed": [name for name, on in (("cancel", question.cancel), ("help", question.help)) if on],
    }
    return f"Context: {json.dumps(context, ensure_ascii=False)}\nMessage: {message}"


def _checked(found: dict[str, Any], message: str, question: Question) -> Command:
    """The model's command if it only names what the run offers; a ToolError otherwise."""
    kind = found.get("command")
    targets = {slot.name: slot for slot in question.slots}
    if kind in ("cancel", "help") and getattr(question, kind):
        return Command(kind, kind, text=message)
    if kind in ("affirm", "deny"):
        return Command(kind, kind, text=message)
    if kind == "answer":
        return Command("answer", "answer", text=message, value=strip_edges(message))
    if kind == "choose" and (found.get("option") is None or found.get("option") in question.options):
        return Command("choose", "choose", text=message, option=found.get("option"))
    if kind == "digress" and found.get("pipeline") in question.digressions:
        given = found.get("args") or {}
        if all(isinstance(v, str | int) for v in given.values()):
            return Command("digress", "digress", text=message, pipeline=found["pipeline"], args=given)
    if kind == "correct" and found.get("slot") in targets:
        slot = targets[found["slot"]]
        edit = found.get("edit") or {}
        if not slot.lines and isinstance(found.get("value"), str) and found["value"].strip():
            return Command("correct", "correct_slot", text=message, slot=slot.name, value=found["value"].strip())
        if slot.lines and edit.get("action") == "add" and edit.get("text"):
            quantity = 1 if edit.get("quantity") is None else edit["quantity"]
            return Command("correct", "correct_add", text=message, slot=slot.name, edit={**edit, "quantity": quantity})
        index, action = edit.get("index"), edit.get("action")
        valid = action == "remove" or (action == "set_quantity" and (edit.get("quantity") or 0) > 0)
        if slot.lines and valid and isinstance(index, int) and 0 <= index < len(question.lines or ()):
            return Command("correct", f"correct_{action}", text=message, slot=slot.name, edit=edit)
    raise ToolError("the language model named a command the run does not offer", details={"kind": "bad_output"})


def understand(
    reader: Reader,
    message: str,
    question: Question,
    llm: LLMClient | None,
    *,
    model_reads: Literal["always", "unsure"] = "always",
) -> Reading:
    """What a message to a waiting run means. With a model configured it reads the message (all of them, or only
    those the trained reader is unsure of); the trained reader answers when there is no model or it fails."""
    trained = reader.read(message, question)
    if llm is None or (model_reads == "unsure" and trained.sure):
        return trained
    try:
        found = llm.generate(_prompt(message, question, reader), system=SYSTEM, schema=COMMAND_SCHEMA)
        if isinstance(found, dict):
            return Reading([_checked(found, message, question)], scores=trained.scores, reader="llm")
    except ToolError as exc:
        logger.info("command reader: the model failed (%s); the trained reader answers", exc.message)
    return trained
