"""The command reader as the conversation layer uses it: a model reads the command when one is configured, and the
offline reader does when there is none or the model fails."""

from __future__ import annotations

import json
import logging
from typing import Any

from errors import ToolError
from tools.language.commands import COMMANDS, CommandArgs, command, read_command
from tools.language.llm import LLMClient

logger = logging.getLogger(__name__)

_NULLABLE = {"type": ["string", "null"]}
COMMAND_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["command"],
    "properties": {
        "command": {"type": "string", "enum": list(COMMANDS)},
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
    "or 'answer' (anything else: the message answers the question). Reply only through the function."
)


def _prompt(args: CommandArgs) -> str:
    context = {
        "question": args.question,
        "options": args.options,
        "correctable_slots": [
            {"slot": c.slot, "called": c.words, "lines": [i.get("product") or i.get("text") for i in c.items]}
            for c in args.corrections
        ],
        "pipelines": [
            {"pipeline": d.pipeline, "examples": d.questions[:5], "inputs": d.inputs} for d in args.digressions
        ],
        "allowed": [name for name, on in (("cancel", args.cancel), ("help", args.help)) if on],
    }
    return f"Context: {json.dumps(context, ensure_ascii=False)}\nMessage: {args.message}"


def _checked(found: dict[str, Any], args: CommandArgs) -> dict[str, Any]:
    """The model's command if it only names what the run offers; a ToolError otherwise."""
    kind = found.get("command")
    targets = {c.slot: c for c in args.corrections}
    digressions = {d.pipeline: d for d in args.digressions}
    if kind in ("cancel", "help") and getattr(args, kind):
        return command(kind)
    if kind == "answer":
        return command("answer", value=args.message)
    if kind == "choose" and (found.get("option") is None or found.get("option") in args.options):
        return command("choose", option=found.get("option"))
    if kind == "digress" and found.get("pipeline") in digressions:
        inputs = digressions[found["pipeline"]].inputs
        given = found.get("args") or {}
        if given and set(given) <= set(inputs) and all(isinstance(v, str | int) for v in given.values()):
            return command("digress", pipeline=found["pipeline"], args=given)
    if kind == "correct" and found.get("slot") in targets:
        target = targets[found["slot"]]
        edit = found.get("edit") or {}
        if not target.lines and isinstance(found.get("value"), str) and found["value"].strip():
            return command("correct", slot=target.slot, value=found["value"].strip())
        if target.lines and edit.get("action") == "add" and edit.get("text"):
            return command(
                "correct",
                slot=target.slot,
                edit={**edit, "quantity": 1 if edit.get("quantity") is None else edit["quantity"]},
            )
        index, action = edit.get("index"), edit.get("action")
        valid = action == "remove" or (action == "set_quantity" and (edit.get("quantity") or 0) > 0)
        if target.lines and valid and isinstance(index, int) and 0 <= index < len(target.items):
            return command("correct", slot=target.slot, edit=edit)
    raise ToolError("the language model named a command the run does not offer", details={"kind": "bad_output"})


def understand(args: CommandArgs | dict[str, Any], llm: LLMClient | None) -> dict[str, Any]:
    """What a message to a waiting run means (cancel, help, correct, digress, choose, answer) and with what;
    `reader` says who read it ("llm" or "offline")."""
    args = args if isinstance(args, CommandArgs) else CommandArgs.model_validate(args)
    if llm is not None:
        try:
            found = llm.generate(_prompt(args), system=SYSTEM, schema=COMMAND_SCHEMA)
            if isinstance(found, dict):
                return {**_checked(found, args), "reader": "llm"}
        except ToolError as exc:
            logger.info("command reader: the model failed (%s); reading offline", exc.message)
    return {**read_command(args), "reader": "offline"}
