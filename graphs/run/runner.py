"""Runner: starts, resumes, inspects and cancels runs of one compiled pipeline."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from langgraph.errors import GraphRecursionError
from langgraph.types import Command

from errors import (
    AppError,
    ConflictError,
    InputError,
    InternalError,
    LoopLimitError,
    NotFoundError,
    UnavailableError,
)
from graphs.compile.fusion import counting_steps
from graphs.compile.step_context import PATH, REPAIR_MARK, outputs_of, steps_done
from graphs.draw.drawing import draw
from graphs.observe import faults, metrics, progress
from graphs.repair.commands import respond
from graphs.repair.texts import nothing_to_undo_text, undone_text, written_text
from graphs.result import RunResult
from graphs.run.answers import answer_once
from graphs.run.inputs import validate_inputs
from graphs.run.recovery import reconcile
from graphs.run.sub_history import levels, put_back
from graphs.run.time_travel import fork_run, plan_undo
from graphs.store import events, retention
from graphs.store.databases import database_unreachable
from graphs.store.events import Event
from graphs.store.run_table import new_run_id
from pipelines.repair_schema import REPAIR_NODE
from pipelines.schema import PipelineConfig, PipelineStep

if TYPE_CHECKING:
    from graphs.run.engine import Engine

# "exit" persists only when a run pauses or stops: a waiting dialog still survives a restart, and a turn costs
# less than with "sync" (the measured figures are in docs/benchmarks.md, «Durability per invoke»). A crash mid-turn
# loses only that turn's partial steps, and the side effects that matter (writing an order or a return) are keyed
# on the thread, step and visit (graphs/compile/step_context.py, effect_key), so the turn run again meets what it wrote.
DURABILITY = "exit"
logger = logging.getLogger(__name__)


class Runner:
    """Runs one pipeline version: `runner(**args)`, `.resume(run_id, answer)`, `.status(run_id)`, `.draw(fmt)`."""

    def __init__(self, engine: Engine, config: PipelineConfig) -> None:
        self.engine, self.config = engine, config
        self.graph = engine.graphs.get(config, engine.checkpointer, fuse=engine.settings.FUSE_STEPS)
        self.version = config.content_hash

    @property
    def step_graph(self) -> Any:
        """The graph with one node per step, as pictures draw it (the run's graph may fuse steps)."""
        return self.engine.graphs.get(self.config, None, fuse=False)

    @property
    def name(self) -> str:
        """The pipeline's name."""
        return self.config.name

    def __call__(self, **args: Any) -> RunResult:
        """Start a run with these arguments."""
        return self.start(args)

    def start(
        self, args: dict[str, Any], *, owner: str | None = None, parent: str | None = None, run_id: str | None = None
    ) -> RunResult:
        """Start a run owned by `owner` (a session or API token) and run it until it waits or ends; `parent` is
        the waiting run this one interrupts as a digression. `run_id` (minted by the caller, who stored it with
        the message) starts it under that id — or, when a first turn under it died, finishes that turn."""
        inputs = validate_inputs(self.config, args)
        if parent:
            inputs["__parent__"] = parent
        run_id = run_id or new_run_id()
        runs = self.engine.runs
        runs.save_version(self.name, self.version, self.config.source_text)
        told = {k: v for k, v in inputs.items() if not k.startswith("__")}
        started = self.event(run_id, owner, "started", detail={"args": told, **({"parent": parent} if parent else {})})
        token, fresh = runs.create(run_id, self.name, self.version, owner, [started])
        if token is None:
            raise ConflictError.busy(run_id)
        if not fresh and reconcile(self, runs.get(run_id) or {"run_id": run_id, "owner": owner}, token):
            # the first turn under this id died after its checkpoint: the row is brought up to it, nothing runs again
            return self._result(run_id, runs.get(run_id) or {}, seen=0)
        return self._leased_turn(inputs, run_id, owner, seen=0, token=token)

    def resume(
        self,
        run_id: str,
        answer: Any,
        *,
        owner: str | None = None,
        understand: bool = True,
        message_id: str | None = None,
    ) -> RunResult:
        """Answer a waiting run; a run that is not waiting, or busy with another turn, raises ConflictError.

        A text answer is first read as a conversation-repair command (cancel, help, correct, digress, choose);
        `understand=False` takes it as the answer as it is. With `message_id` the answer is stored first and run
        once: sent again with that id, it gets the stored result (graphs/run/answers.py)."""
        if answer is None:
            raise InputError("an answer is needed to resume a run", details={"answer": None})
        if message_id is not None:
            return answer_once(self.engine, run_id, answer, owner, message_id)
        row = self._row(run_id, owner)
        with events.collecting(self.engine.runs.engine):
            if understand and isinstance(answer, str):
                return respond(self, row, answer)
            step = (self.paused(row) or ({}, {}))[1].get("step") if row["status"] == "waiting" else None
            events.note(self.event(run_id, row["owner"], "read", step=step, command="answer"))
            return self.answer(row, answer)

    def answer(self, row: dict[str, Any], answer: Any) -> RunResult:
        """Resume the run of `row` with `answer` as it is, if the run is still as `row` saw it."""
        token = self._lease_waiting(row["run_id"], row)
        seen = int(row.get("messages") or 0)
        return self._leased_turn(Command(resume=answer), row["run_id"], row["owner"], seen=seen, token=token)

    def jump(self, row: dict[str, Any], update: dict[str, Any]) -> RunResult:
        """Apply a conversation-repair update to the waiting run of `row` (if it is still as `row` saw it), written
        as the repair node so LangGraph routes the run to the step that checks `update["__corrected__"]` (the
        pending question is dropped), and run it until it waits or ends."""
        run_id = row["run_id"]
        token = self._lease_waiting(run_id, row)
        try:
            config = self.run_config(run_id, row["owner"])
            self.engine.paused.forget(run_id)
            self.graph.update_state(config, {**update, PATH: [REPAIR_MARK]}, as_node=REPAIR_NODE)
        except BaseException:
            self.engine.runs.release(run_id, token)
            raise
        faults.reached("after_repair")
        seen = int(row.get("messages") or 0)
        return self._leased_turn(None, run_id, row["owner"], seen=seen, token=token)

    def recover(self, row: dict[str, Any]) -> RunResult | None:
        """A waiting run whose last turn died mid-way (its process was killed after a repair update or between
        steps: the checkpoint has steps to run and no question) runs them now, under the lease, up to its next
        question; None when the run is not in that state."""
        snapshot = self.graph.get_state(self.run_config(row["run_id"], row["owner"]))
        if (snapshot.interrupts and not self._put_back(row["run_id"])) or not snapshot.next:
            return None
        token = self._lease_waiting(row["run_id"], row)
        seen = int(row.get("messages") or 0)
        return self._leased_turn(None, row["run_id"], row["owner"], seen=seen, token=token)

    def _lease_waiting(self, run_id: str, row: dict[str, Any]) -> str:
        """The lease of a run still waiting as `row` saw it; ConflictError when it is not waiting or busy."""
        if row["status"] != "waiting":
            raise ConflictError.not_waiting(run_id, row["status"])
        # The lease is taken only if the run is still as read: an answer meant for the question seen then must
        # not answer the next one when another turn ran in between.
        token = self.engine.runs.acquire(run_id, status="waiting", updated_at=row["updated_at"])
        if token is None:
            metrics.lease_conflict(self.name)
            current = self.engine.runs.get(run_id) or {}
            if current.get("status") == "waiting" and current.get("updated_at") == row["updated_at"]:
                raise ConflictError.busy(run_id)
            raise ConflictError.answered(run_id, current.get("status"))
        if row.get("lease") is not None and reconcile(self, row, token):
            # the lease was a dead turn's, and that turn's checkpoint is further on than `row`: it was answered
            raise ConflictError.answered(run_id, (self.engine.runs.get(run_id) or {}).get("status"))
        return token

    def undo(self, run_id: str, *, owner: str | None = None, lang: str = "es") -> RunResult:
        """Take a waiting run back to where it was before its last answer or correction and ask that question
        again (graphs/run/time_travel.py); at the first question, or past a written order or return, nothing changes and
        the reply says why."""
        row = self._row(run_id, owner)
        token = self._lease_waiting(run_id, row)
        try:
            step = (self.paused(row) or ({}, {}))[1].get("step")  # before the plan copies checkpoints
            self.engine.paused.forget(run_id)
            plan = plan_undo(self, self.run_config(run_id, row["owner"]), since=row["updated_at"])
        except BaseException:
            self.engine.runs.release(run_id, token)
            raise
        if plan.checkpoint is None:
            self.engine.runs.release(run_id, token)
            said = written_text(plan.written, lang) if plan.written else nothing_to_undo_text(lang)
            result = self.status(run_id, owner=owner)
            result.message = said
            return result
        faults.reached("in_undo")
        with events.collecting(self.engine.runs.engine):
            events.note(self.event(run_id, row["owner"], "repaired", step=step, command="undo"))
            result = self._leased_turn(
                None, run_id, row["owner"], seen=plan.messages, token=token, checkpoint=plan.checkpoint
            )
        result.message = "\n".join(filter(None, [undone_text(lang), result.message]))
        return result

    def advance(self, config: dict[str, Any]) -> None:
        """Run the thread of `config` from its newest checkpoint up to its next question, outside a turn (under the
        caller's lease; no result, no row written): an undo that must see where a sub-pipeline starts."""
        with counting_steps():
            self.graph.invoke(None, config, durability=DURABILITY)

    def fork(self, run_id: str, checkpoint_id: str, *, owner: str | None = None) -> RunResult:
        """A new run of the same owner from run `run_id` as it was at the question of `checkpoint_id` (a turn of
        its transcript); the run forked from, if waiting, is cancelled («retomar desde aquí»)."""
        return fork_run(self, self._row(run_id, owner), checkpoint_id)

    def status(self, run_id: str, *, owner: str | None = None, seen: int | None = None) -> RunResult:
        """The run's current result, with its current step, the steps done and its pipeline version; its message
        is the last one said, or with `seen` every one said after the first `seen`."""
        row = self._row(run_id, owner)
        return self._result(run_id, row, seen=seen)

    def cancel(self, run_id: str, *, owner: str | None = None) -> RunResult:
        """Cancel a waiting run: nothing more runs and nothing is written."""
        row = self._row(run_id, owner)
        if row["status"] != "waiting":
            raise ConflictError.not_waiting(run_id, row["status"], cancel=True)
        # Under the lease, so a turn in progress cannot overwrite the cancellation when it finishes.
        token = self.engine.runs.acquire(run_id)
        if token is None:
            metrics.lease_conflict(self.name)
            raise ConflictError.busy(run_id)
        try:
            ended = [*events.taken(run_id), self.event(run_id, row["owner"], "cancelled")]
            self.engine.runs.set_status(run_id, "cancelled", events=ended)
            metrics.run_ended(self.name, "cancelled")
        finally:
            self.engine.runs.release(run_id, token)
        return self._result(run_id, {**row, "status": "cancelled"}, seen=None)

    def draw(self, fmt: str = "mermaid", **options: Any) -> str | bytes:
        """The pipeline's picture, offline: mermaid, ascii, svg or png."""
        return draw(self, fmt, **options)

    def paused(self, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(state values, pending question) of a waiting run: as its last turn here left them, else from the
        checkpoint; None when it asks nothing."""
        cached = self.engine.paused.get(row["run_id"], row["updated_at"])
        if cached is not None:
            return cached
        snapshot = self.graph.get_state(self.run_config(row["run_id"], row["owner"]))
        if not snapshot.interrupts or self._put_back(row["run_id"]):
            return None
        return dict(snapshot.values or {}), snapshot.interrupts[0].value or {}

    def _put_back(self, run_id: str) -> bool:
        """Whether an undo put the sub-pipeline this run waits in back at an earlier question and died before
        asking it: the question the run's checkpoint still shows is no longer the one its next turn answers."""
        if not any(isinstance(step, PipelineStep) for step in self.config.steps):
            return False
        return put_back(levels(self.engine, self.config, run_id))

    def event(self, run_id: str, owner: str | None, kind: str, **fields: Any) -> Event:
        """An event of a run of this pipeline version (written with the run-table update it goes with)."""
        return Event(run_id, self.name, self.version, owner, kind, **fields)

    def _row(self, run_id: str, owner: str | None) -> dict[str, Any]:
        row = self.engine.runs.get(run_id) if isinstance(run_id, str) else None
        if row is None or row["pipeline"] != self.name or (owner is not None and row["owner"] != owner):
            raise NotFoundError(f"no run {str(run_id)[:80]!r} of pipeline '{self.name}'")
        return row

    def run_config(self, run_id: str, owner: str | None) -> dict[str, Any]:
        return {
            "configurable": {"thread_id": run_id, "run_id": run_id, "session_id": owner},
            "recursion_limit": self.engine.settings.RECURSION_LIMIT,
        }

    @metrics.observed_turn
    def _leased_turn(
        self,
        payload: Any,
        run_id: str,
        owner: str | None,
        *,
        seen: int,
        token: str,
        checkpoint: dict[str, Any] | None = None,
    ) -> RunResult:
        """One turn under the run's lease (from an earlier `checkpoint` of the thread: a fork); the status write
        gives the lease back."""
        try:
            return self._turn(payload, run_id, owner, seen=seen, token=token, checkpoint=checkpoint)
        except BaseException:
            self.engine.runs.release(run_id, token)
            raise

    def _turn(
        self,
        payload: Any,
        run_id: str,
        owner: str | None,
        *,
        seen: int,
        token: str,
        checkpoint: dict[str, Any] | None = None,
    ) -> RunResult:
        config = self.run_config(run_id, owner)
        if checkpoint is not None:
            config["configurable"].update(checkpoint["configurable"])
        try:
            # invoke (streamed if a client follows the turn: graphs/observe/progress.py); the state has the pending
            # interrupt. The steps run inside fused nodes count against the recursion limit as unfused ones would.
            with counting_steps():
                final = progress.run_turn(self.graph, payload, config, DURABILITY)
            result = self._build(run_id, owner, final, seen=seen)
        except GraphRecursionError:
            limit = self.engine.settings.RECURSION_LIMIT
            message = f"the run took more than {limit} steps; add or lower max_visits on the loop"
            return self._fail(run_id, owner, token, LoopLimitError(message, details={"limit": limit}))
        except AppError as exc:
            return self._fail(run_id, owner, token, exc)
        except Exception as exc:
            if database_unreachable(exc):  # nothing decided: the run stays as it was, the message may come again
                logger.warning("run %s of pipeline %s: a database is unreachable (%s)", run_id, self.name, exc)
                raise UnavailableError("a database is unreachable; send the message again in a moment") from exc
            # A bug in a tool or an unserialisable value must not leave the run 'running' for ever (every later
            # answer would be refused) nor leak internals to the user: the run fails, the traceback is logged.
            logger.exception("run %s of pipeline %s failed unexpectedly", run_id, self.name)
            failure = InternalError("a step failed unexpectedly; the error was logged")
            return self._fail(run_id, owner, token, failure)
        messages, steps = len(final.get("__messages__") or []), len(final.get(PATH) or [])
        turn_events = [*events.taken(run_id), self._outcome(run_id, owner, result)]
        faults.reached("after_checkpoint")
        stamp = self.engine.runs.set_status(
            run_id, result.status, messages=messages, release=token, steps=steps, events=turn_events
        )
        faults.reached("after_run_update")
        if result.status == "waiting":
            pending = final["__interrupt__"][0].value or {}
            self.engine.paused.put(run_id, stamp, {k: v for k, v in final.items() if k != "__interrupt__"}, pending)
        return result

    def _fail(self, run_id: str, owner: str | None, token: str, exc: AppError) -> RunResult:
        # The run keeps the precise code and the user's sentence; the English technical text goes to the log.
        logger.warning("run %s of pipeline %s failed: %s: %s", run_id, self.name, exc.code, exc.message)
        error = {"code": exc.code, "message": exc.user_message("es")}
        try:
            values = self.graph.get_state(self.run_config(run_id, owner)).values or {}
        except Exception:  # the checkpoint itself may be what failed
            values = {}
        steps = len(values.get(PATH) or []) if values else None
        failed = self.event(run_id, owner, "failed", detail={"code": exc.code})
        self.engine.runs.set_status(
            run_id, "failed", error, release=token, steps=steps, events=[*events.taken(run_id), failed]
        )
        return RunResult(
            run_id,
            self.name,
            "failed",
            error=error,
            steps_done=steps_done(self.config, values.get(PATH)),
            pipeline_version=self.version,
        )

    def _outcome(self, run_id: str, owner: str | None, result: RunResult) -> Event:
        """The event a turn ends with: the question it asks, or how the run ended."""
        if result.status == "waiting":
            return self.event(run_id, owner, "asked", step=result.step or result.current_step, text=result.question)
        return self.event(run_id, owner, result.status if result.status in ("cancelled", "failed") else "completed")

    def _result(self, run_id: str, row: dict[str, Any], *, seen: int | None) -> RunResult:
        snapshot = self.graph.get_state(self.run_config(run_id, row.get("owner")))
        if not snapshot.values and (kept := retention.kept_result(self.engine.runs.engine, run_id, row["status"])):
            return kept  # the run was pruned: its checkpoints are gone, its result was kept
        values = dict(snapshot.values or {})
        if snapshot.next and snapshot.interrupts:
            values["__interrupt__"] = list(snapshot.interrupts)
        result = self._build(
            run_id, row.get("owner"), values, seen=seen, current=snapshot.next[0] if snapshot.next else None
        )
        result.state = {k: v for k, v in values.items() if not k.startswith("__")}
        if row["status"] == "waiting" and snapshot.next and not snapshot.interrupts:
            result.status, result.output = "waiting", None  # a turn died mid-way: the next message resumes it
        if row["status"] in ("failed", "cancelled"):
            result.status, result.question, result.options = row["status"], None, []
            if row.get("error_code"):
                result.error = {"code": row["error_code"], "message": row["error_message"] or ""}
        return result

    def _build(
        self, run_id: str, owner: str | None, values: dict[str, Any], *, seen: int | None, current: str | None = None
    ) -> RunResult:
        """The run result from the run's state values (as invoke returns them, or a snapshot's)."""
        messages = list(values.get("__messages__") or [])
        result = RunResult(
            run_id,
            self.name,
            "completed",
            data=values.get("__data__"),
            steps_done=steps_done(self.config, values.get(PATH)),
            pipeline_version=self.version,
            parent=values.get("__parent__"),
        )
        new = messages[seen:] if seen is not None else messages[-1:]
        result.message = "\n".join(str(m) for m in new) or None
        interrupts = values.get("__interrupt__") or []
        if interrupts:
            ask = interrupts[0].value or {}
            result.status, result.question = "waiting", ask.get("question")
            result.options, result.step = list(ask.get("options") or []), ask.get("step")
            result.data = ask.get("data")
            if current is None and ask.get("pipeline") == self.name:
                current = ask.get("step")
            elif current is None:  # the question comes from a sub-pipeline: its parent step is in the snapshot
                snapshot = self.graph.get_state(self.run_config(run_id, owner))
                current = snapshot.next[0] if snapshot.next else None
            result.current_step = current
            return result
        result.status = values.get("__status__") or "completed"
        if result.status == "completed":
            result.output = outputs_of(self.config, values, self.run_config(run_id, owner))
        return result
