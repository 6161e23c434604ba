"""Chat messages delivered exactly once, in order: through the inbox, one turn of a session at a time.

A message is stored first (graphs/store/inbox.py). Then its sender waits for the session's turn (`DOUBLE_TEXTING=
enqueue`, up to `QUEUE_WAIT_SECONDS`; `reject` refuses at once when another turn runs). Whoever holds the turn
answers every unanswered message of the session up to its own, oldest first, and stores each reply; a sender
whose message was answered by another holder finds its reply stored. A message found `running` belonged to a turn
that died: if that turn's run moved on (its checkpoint is further than when the message began), its effect landed
and the reply is read from the run; else the message is processed again, and the keyed side effects
(graphs/compile/step_context.py, effect_key) meet what the dead turn wrote.
"""

from __future__ import annotations

import logging
import time

from errors import AppError, ConflictError, InternalError
from graphs.chat.conversation import ChatReply, Conversation
from graphs.observe import faults
from graphs.run.engine import Engine
from graphs.run.recovery import settled_row_waiting
from graphs.store.inbox import Entry, new_message_id
from graphs.store.run_table import new_run_id
from textnorm import clean, language, yes_no

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # a message whose processing failed (or died) this often is answered with an error


class Delivery:
    """The chat's way in: each message stored, answered once, after the session's earlier messages."""

    def __init__(self, engine: Engine, conversation: Conversation) -> None:
        self.engine, self.conversation = engine, conversation
        self.inbox = engine.inbox

    def deliver(self, session_id: str, message: str, message_id: str | None = None) -> ChatReply:
        """The reply to `message` of `session_id`: stored when it was answered before under `message_id`."""
        key = Conversation.owner(session_id)
        entry = self.inbox.receive(key, message_id or new_message_id(), message)
        if entry.state == "answered" and entry.reply is not None:
            return ChatReply(**entry.reply)
        if entry.state == "refused":
            self.inbox.requeue(entry.seq)
        return self._wait_turn(session_id, key, entry.seq)

    def _wait_turn(self, session_id: str, key: str, seq: int) -> ChatReply:
        settings = self.engine.settings
        deadline, pause = time.monotonic() + settings.QUEUE_WAIT_SECONDS, 0.02
        while True:
            token = self.inbox.take_turn(key)
            if token is not None:
                try:
                    self._answer_up_to(session_id, key, seq)
                finally:
                    self.inbox.give_back(key, token)
            stored = self.inbox.get(seq)
            if stored is not None and stored.state == "answered" and stored.reply is not None:
                return ChatReply(**stored.reply)
            rejecting = settings.DOUBLE_TEXTING == "reject"
            if (rejecting or time.monotonic() >= deadline) and self.inbox.refuse(seq):
                if rejecting:
                    raise ConflictError.session_busy()
                raise ConflictError.queued_too_long(settings.QUEUE_WAIT_SECONDS)
            # not our turn yet, or the holder has begun our message: its reply is stored when it is done
            time.sleep(pause)
            pause = min(pause * 1.5, 0.25)

    def _answer_up_to(self, session_id: str, key: str, seq: int) -> None:
        # A message whose turn died has no one waiting for its reply (its client may resend it and get it stored):
        # what it did is said before the reply to the next message, which would otherwise hide it.
        carried: list[ChatReply] = []
        for entry in self.inbox.unanswered(key, seq):
            reply = self._answer(session_id, entry)
            if reply is None:  # refused meanwhile: its sender was told to send it again
                continue
            if carried and entry.state != "running":
                reply = with_carried(carried, reply, entry.text)
                carried = []
            elif entry.state == "running":
                carried.append(reply)
            self.inbox.answer(entry.seq, reply.to_dict())
            faults.reached("after_reply")

    def _answer(self, session_id: str, entry: Entry) -> ChatReply | None:
        if entry.state == "running" and entry.attempts >= MAX_ATTEMPTS:
            # it failed every time it was tried: it must not hold the session's later messages back for ever
            logger.error("chat message %s failed %d times; answered with an error", entry.seq, entry.attempts)
            failure = InternalError("the message failed every time it was processed")
            return ChatReply(session_id, failure.user_message(language(clean(entry.text))), status="idle")
        if entry.state == "running":
            landed = self._landed(session_id, entry)
            if landed is not None:
                return landed
            logger.warning("chat message %s: its turn died before its effect; processing it again", entry.seq)
        owner = Conversation.owner(session_id)
        waiting = self.engine.runs.waiting_for(owner)
        if waiting is not None:
            run_id, steps, said = waiting["run_id"], int(waiting["steps"] or 0), int(waiting["messages"] or 0)
        else:  # the message may start a run: under an id stored with it now, so a retry finds that run
            minted = entry.run_id if entry.state == "running" and entry.run_steps is None else None
            run_id, steps, said = minted or new_run_id(), None, None
        if not self.inbox.begin(entry.seq, run_id, steps, said):
            return None
        return self.conversation.handle(session_id, entry.text, run_id=None if waiting else run_id)

    def _landed(self, session_id: str, entry: Entry) -> ChatReply | None:
        """What the dead turn of `entry` did, as its reply, when its effect landed; None when it did not."""
        if entry.run_id is None or self.engine.runs.get(entry.run_id) is None:
            return None
        owner = Conversation.owner(session_id)
        lang = language(clean(entry.text))
        try:
            runner = self.engine.runner_for_run(entry.run_id, owner)
            row = settled_row_waiting(runner, entry.run_id, self.engine.settings.RUN_LEASE_SECONDS + 2)
            moved = int(row.get("steps") or 0) != int(entry.run_steps or 0)
            # a message to a waiting run that no longer waits ended it (a cancel writes no step)
            ended = entry.run_steps is not None and row["status"] != "waiting"
            if row["status"] == "running" or not (moved or ended):
                return None  # the dead turn left nothing behind in the run: run the message again
            # half landed (a correction written, the steps after it not run): they run now, so the run asks its
            # question before the next message begins; else that message would be taken for what moved the run
            if row["status"] == "waiting":
                runner.recover(row)
            result = runner.status(entry.run_id, owner=owner, seen=int(entry.run_messages or 0))
        except AppError as exc:
            return ChatReply(session_id, exc.user_message(lang), status="idle")
        return self.conversation.reply_for(session_id, result, lang)


def with_carried(carried: list[ChatReply], reply: ChatReply, text: str) -> ChatReply:
    """`reply` preceded by what the dead turns before it did; a bare yes or no that met no question (the run it
    was meant for ended in the dead turn) is answered by that alone."""
    said = "\n".join(c.reply for c in carried if c.reply)
    if reply.status == "idle" and yes_no(clean(text)) is not None:
        last = carried[-1]
        return ChatReply(reply.session_id, said, last.status, last.options, last.data, last.run_id, last.pipeline)
    return ChatReply(
        reply.session_id,
        f"{said}\n{reply.reply}" if said else reply.reply,
        reply.status,
        reply.options,
        reply.data,
        reply.run_id,
        reply.pipeline,
    )
