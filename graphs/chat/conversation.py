"""The conversation layer: which chat message starts, answers, cancels or inspects which run."""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from errors import AppError, InputError, user_message_for
from graphs.repair.commands import after_child, cancel_chain
from graphs.result import RunResult
from graphs.run.engine import Engine
from textnorm import clean, language, yes_no

SESSION_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
FREE_TEXT_INPUT = "mensaje"  # a pipeline declaring this input receives the user's sentence when routed by intent
_ARG = re.compile(r"^([A-Za-z][A-Za-z0-9_]{0,63})=(.*)$", re.DOTALL)


@dataclass
class ChatReply:
    """The chat JSON of shared/CONTRACT.md."""

    session_id: str
    reply: str
    status: str = "idle"
    options: list[str] = field(default_factory=list)
    data: Any = None
    run_id: str | None = None
    pipeline: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON body of a /chat response."""
        return asdict(self)


def new_session_id() -> str:
    """A fresh, unguessable chat session id."""
    return secrets.token_urlsafe(16)


def parse_run_command(text: str) -> tuple[str, dict[str, str]]:
    """`!run NAME k=v k="quoted value"` -> (NAME, {k: v}); malformed commands raise InputError."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        usage = 'usa !run NOMBRE clave=valor clave="valor con espacios"'
        raise InputError(f"no entiendo el comando ({exc}); {usage}") from None
    if len(words) < 2:
        raise InputError("falta el nombre del pipeline: !run NOMBRE clave=valor …")
    args: dict[str, str] = {}
    for word in words[2:]:
        match = _ARG.match(word)
        if not match:
            raise InputError(f"«{word[:60]}» no es un argumento clave=valor")
        args[match.group(1)] = match.group(2)
    return words[1], args


def reply_text(result: RunResult, lang: Literal["es", "en"] = "es") -> str:
    """What the chat says for a run result (Spanish; English with `lang="en"`)."""
    parts = [result.message] if result.message else []
    if result.status == "waiting":
        parts.append(result.question or "")
    elif result.status == "failed":
        error = result.error or {}
        if lang == "en":  # the run keeps the Spanish sentence only; its code gives the English one
            parts.append(f"I could not complete «{result.pipeline}»: {user_message_for(error.get('code', ''), 'en')}")
        else:
            parts.append(f"No he podido completar «{result.pipeline}»: {error.get('message', '')}")
    elif result.status == "cancelled" and not parts:
        parts.append("Cancelado. No se ha guardado nada.")
    elif result.status == "completed" and not parts:
        parts.append("Hecho.")
    return "\n".join(p for p in parts if p)


class Conversation:
    """Routes chat messages to runs: one waiting run per session, commands, and intent routing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def owner(session_id: str) -> str:
        """The run owner string of a chat session."""
        return f"chat:{session_id}"

    def handle(self, session_id: str, message: str, *, run_id: str | None = None) -> ChatReply:
        """Answer one chat message of a session; a run it starts gets the id `run_id` when given (minted by the
        inbox, which recorded it with the message)."""
        text = clean(message)
        owner = self.owner(session_id)
        try:
            pending = self.engine.runs.pending(owner)
            if pending is not None:
                return self._settle_switch(session_id, pending, text)
            if text.startswith("!"):
                return self._command(session_id, text, run_id)
            waiting = self.engine.runs.waiting_for(owner)
            if waiting:
                result = self.engine.resume(waiting["run_id"], text, owner=owner)
                return self.reply_for(session_id, result, language(text))
            return self._route_intent(session_id, text, run_id)
        except AppError as exc:
            return ChatReply(session_id, exc.user_message(language(text)), status="idle")

    def _command(self, session_id: str, text: str, run_id: str | None = None) -> ChatReply:
        command = text.split(maxsplit=1)[0].lower()
        owner = self.owner(session_id)
        waiting = self.engine.runs.waiting_for(owner)
        if command == "!run":
            name, args = parse_run_command(text)
            self._known(name)
            if waiting:
                self.engine.runs.set_pending(owner, text)
                return ChatReply(
                    session_id,
                    f"Tienes «{waiting['pipeline']}» esperando tu respuesta. ¿Lo abandono y empiezo «{name}»?",
                    status="waiting",
                    options=["sí", "no"],
                    run_id=waiting["run_id"],
                    pipeline=waiting["pipeline"],
                )
            return self.reply_for(session_id, self.engine.runner(name).start(args, owner=owner, run_id=run_id))
        if command == "!cancel":
            if not waiting:
                return ChatReply(session_id, "No hay nada en curso que cancelar.", status="idle")
            cancelled = self.engine.cancel(waiting["run_id"], owner=owner)
            cancelled.message = None  # not the last thing the run said: the reply is the cancellation itself
            return self.reply_for(session_id, after_child(self.engine, cancelled, owner))
        if command in ("!undo", "!deshaz"):
            if not waiting:
                return ChatReply(session_id, "No hay nada en curso que deshacer.", status="idle")
            return self.reply_for(session_id, self.engine.undo(waiting["run_id"], owner=owner))
        if command == "!status":
            if not waiting:
                return ChatReply(session_id, "No hay ninguna ejecución esperando respuesta.", status="idle")
            return self.reply_for(session_id, self.engine.status(waiting["run_id"], owner=owner))
        if command in ("!help", "!pipelines"):
            return ChatReply(session_id, self.help_text(), status="idle")
        return ChatReply(session_id, f"Comando desconocido «{command[:40]}». {self.help_text()}", status="idle")

    def _settle_switch(self, session_id: str, command: str, answer: str) -> ChatReply:
        owner = self.owner(session_id)
        self.engine.runs.set_pending(owner, None)
        waiting = self.engine.runs.waiting_for(owner)
        if yes_no(answer) == "yes" or answer.strip() == "1":
            if waiting:
                cancel_chain(self.engine, waiting["run_id"], owner)
            return self._command(session_id, command)
        if waiting:
            reply = self.reply_for(session_id, self.engine.status(waiting["run_id"], owner=owner))
            reply.reply = "De acuerdo, seguimos. " + reply.reply
            return reply
        return self._command(session_id, command)

    def _route_intent(self, session_id: str, text: str, run_id: str | None = None) -> ChatReply:
        """Start the pipeline an idle message asks for (its own sentence pre-filled), or answer as a chat."""
        names = self.engine.names()
        routing = self.engine.understanding.reader().route(text, allowed=tuple(names))
        name = routing.pipeline
        if not name:
            descriptions = {}
            for other in names:
                try:
                    descriptions[other] = self.engine.config(other).description
                except AppError:
                    continue
            reply = self.engine.registry.call("plain_reply", {}, {"text": text, "pipelines": descriptions})
            return ChatReply(session_id, reply.get("reply", "") if isinstance(reply, dict) else str(reply))
        config = self.engine.config(name)
        args = {FREE_TEXT_INPUT: text} if FREE_TEXT_INPUT in config.inputs else {}
        for key, value in self.engine.understanding.reader().arguments(name, text).items():
            args.setdefault(key, value)  # what its questions ask about («¿cuánto stock hay de X?» → X)
        result = self.engine.runner(name).start(args, owner=self.owner(session_id), run_id=run_id)
        return self.reply_for(session_id, result, language(text))

    def _known(self, name: str) -> str:
        if name not in self.engine.names():
            raise InputError(f"No conozco el pipeline «{name[:64]}». Disponibles: {', '.join(self.engine.names())}")
        return name

    def help_text(self) -> str:
        """The pipelines with their inputs, and the commands."""
        lines = ["Puedo ejecutar estos pipelines (escribe !run NOMBRE clave=valor …):"]
        for name in self.engine.names():
            try:
                config = self.engine.config(name)
            except AppError:
                continue
            inputs = ", ".join(k for k in config.inputs if k != FREE_TEXT_INPUT) or "sin entradas"
            lines.append(f"• {name}: {config.description} ({inputs})")
        lines.append("Comandos: !run, !cancel, !undo, !status, !help. También puedes escribir lo que necesitas.")
        return "\n".join(lines)

    def reply_for(self, session_id: str, result: RunResult, lang: Literal["es", "en"] = "es") -> ChatReply:
        """The chat reply for a run result."""
        data = result.output if result.status == "completed" and result.data is None else result.data
        return ChatReply(
            session_id,
            reply_text(result, lang),
            status=result.status,
            options=list(result.options),
            data=data,
            run_id=result.run_id,
            pipeline=result.pipeline,
        )
