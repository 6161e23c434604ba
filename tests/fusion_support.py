"""Fused vs unfused graphs: record what runs show turn by turn, without run ids, and name the first difference."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from config import Config
from errors import AppError
from graphs.chat.conversation import parse_run_command, reply_text
from graphs.observe import progress
from graphs.result import RunResult
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from tests.dialog_support import RestartableApp
from tools.catalog import sql_schema as tables

Record = dict[str, Any]
Transcript = list[Record]
RESULT_FIELDS = ("status", "message", "question", "options", "data", "error", "step", "current_step", "steps_done")
RESULT_FIELDS += ("output", "pipeline", "run_id", "parent")
STATUS_FIELDS = ("status", "current_step", "steps_done", "question", "options", "error", "output", "state")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?")
CHAT_SESSION = "fusion-equivalence"


def result_record(result: RunResult) -> Record:
    """What a run result shows: every field of the contract, the chat's reply text, the highlight and the path."""
    record = {key: getattr(result, key) for key in RESULT_FIELDS}
    record["reply"] = reply_text(result)
    return record


def status_record(engine: Engine, run_id: str | None) -> Record | None:
    """What `run_status` shows for `run_id` (the highlighted step, the path, the slots), or None without a run."""
    if run_id is None:
        return None
    try:
        shown = engine.status(run_id).status_dict()
    except AppError as exc:
        return raised(exc)
    return {key: shown[key] for key in STATUS_FIELDS}


def raised(exc: AppError) -> Record:
    """An error a call raised: its class, code, technical message (naming the step) and the user's sentence."""
    return {"raised": type(exc).__name__, "code": exc.code, "detail": exc.message, "user": exc.user_message("es")}


@contextmanager
def failure_log() -> Iterator[list[str]]:
    """The runner's warnings and errors while the block runs (a failed run logs the message naming its step)."""
    lines: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("graphs.run.runner")
    handler = _Keep(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


def normalised(value: Any, run_ids: list[str]) -> Any:
    """`value` as JSON-like data with each run id replaced by its order of appearance and timestamps masked."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    for number, run_id in enumerate(run_ids, 1):
        text = text.replace(run_id, f"<run {number}>")
    return json.loads(_TIMESTAMP.sub("<time>", text))


def first_difference(fused: Transcript, unfused: Transcript) -> str | None:
    """The first field in which two transcripts differ, with the turn and both values; None when they agree."""
    for number, (one, other) in enumerate(zip(fused, unfused, strict=False), 1):
        for key in [*one, *(k for k in other if k not in one)]:
            if one.get(key) != other.get(key):
                where = f"turn {number} ({one.get('user', other.get('user'))!r})"
                return f"{where}, {key}: fused {one.get(key)!r} != unfused {other.get(key)!r}"
    if len(fused) != len(unfused):
        return f"fused has {len(fused)} turns, unfused {len(unfused)}"
    return None


class Recorder:
    """Builds one transcript: each turn's outcome, the runner's log lines during it, and every run id seen."""

    def __init__(self) -> None:
        self.turns: Transcript = []
        self.run_ids: list[str] = []
        self.events: list[dict[str, Any]] | None = None  # a followed turn's progress events

    def see(self, *run_ids: str | None) -> None:
        """Remember run ids (in order of first appearance) so they can be replaced by their number."""
        self.run_ids += [r for r in run_ids if r and r not in self.run_ids]

    def turn(self, user: Any, call: Callable[[], Record], status: Callable[[], Record | None]) -> None:
        """Run one turn's call (an AppError is its outcome), then read the run's status."""
        with failure_log() as log:
            try:
                outcome = call()
            except AppError as exc:
                outcome = raised(exc)
        self.see(outcome.get("run_id"), outcome.get("parent"))
        self.turns.append({"user": user, **outcome, "log": log, "events": self.events, "run_status": status()})
        self.events = None

    def transcript(self) -> Transcript:
        """The turns with run ids and timestamps normalised away."""
        return normalised(self.turns, self.run_ids)


def play_runner(runner: Runner, inputs: Mapping[str, Any], answers: list[tuple[str, Any]]) -> Transcript:
    """Start a run, then send each (how, answer): `resume` (through conversation repair), `raw` (as it is),
    `follow` (resume with a client following the turn: its step events are recorded too), `status`, `cancel`;
    a run id that is gone or never existed gets the same calls."""
    recorder, engine = Recorder(), runner.engine
    state: dict[str, RunResult | None] = {"last": None}

    def remember(result: RunResult) -> Record:
        state["last"] = state["last"] or result
        return result_record(result)

    def run_id() -> str:
        return state["last"].run_id if state["last"] else "r_no_such_run"

    recorder.turn(dict(inputs), lambda: remember(runner.start(dict(inputs))), lambda: status_record(engine, run_id()))
    calls: dict[str, Callable[[Any], RunResult]] = {
        "resume": lambda answer: runner.resume(run_id(), answer),
        "follow": lambda answer: followed(lambda: runner.resume(run_id(), answer), recorder),
        "raw": lambda answer: runner.resume(run_id(), answer, understand=False),
        "status": lambda _answer: runner.status(run_id()),
        "cancel": lambda _answer: runner.cancel(run_id()),
    }
    for how, answer in answers:
        recorder.turn(
            [how, answer], lambda h=how, a=answer: remember(calls[h](a)), lambda: status_record(engine, run_id())
        )
    return recorder.transcript()


def followed(call: Callable[[], RunResult], recorder: Recorder) -> RunResult:
    """Run `call` as a turn a chat client follows (progress events streamed), keeping the step events it sent."""
    events: list[dict[str, Any]] = []
    token = progress.SINK.set(lambda event, data: events.append({"event": event, **data}))
    try:
        return call()
    finally:
        progress.SINK.reset(token)
        recorder.events = events


def _python_turn(engine: Engine, text: str, last: RunResult | None) -> RunResult:
    """One dialog message through the Python API, as tests/test_dialogs.py plays it."""
    if text.startswith("!run"):
        pipeline, args = parse_run_command(text)
        return engine.runner(pipeline).start(args)
    if last is None:
        raise AssertionError(f"«{text}» needs a run, but no run was started")
    if text.strip() == "!cancel":
        return engine.cancel(last.run_id)
    if text.strip() == "!status":
        return engine.status(last.run_id)
    return engine.resume(last.run_id, text)


def play_dialog(settings: Config, dialog: Mapping[str, Any], data_dir: Path, *, chat: bool) -> Transcript:
    """Every turn of a dialog on a fresh app in `data_dir` (its FUSE_STEPS as in `settings`): through the Python
    API, or through the chat's conversation layer (in-process) for dialogs that start with free text; then the
    orders, returns, customers and stock the dialog left in the database."""
    holder = RestartableApp(settings.model_copy(update={"DATA_DIR": data_dir}))
    recorder, last = Recorder(), {"result": None, "run_id": None}
    try:
        for turn in dialog["turns"]:
            holder.before_turn(turn)
            t7 = holder.app.extensions["t7"]
            text = str(turn["user"])

            def call(t7: Any = t7, text: str = text) -> Record:
                if chat:
                    reply = t7.conversation.handle(CHAT_SESSION, text).to_dict()
                    last["run_id"] = reply["run_id"] or last["run_id"]
                    return {k: v for k, v in reply.items() if k != "session_id"}
                result = _python_turn(t7.engine, text, last["result"])
                last["result"], last["run_id"] = result, result.run_id
                return result_record(result)

            recorder.turn(text, call, lambda t7=t7: status_record(t7.engine, last["run_id"]))
        recorder.turns.append({"user": "(database at the end)", **database_rows(holder.app)})
        return recorder.transcript()
    finally:
        holder.close()


def _rows(db: Any, query: Any) -> list[dict[str, Any]]:
    return [{k: str(v) if isinstance(v, Decimal) else v for k, v in r._mapping.items()} for r in db.execute(query)]


def _with_lines(heads: list[dict[str, Any]], lines: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Each head with its lines, without the ids and times that differ by construction."""
    drop = ("id", "created_at", "customer_id")
    return [
        {
            **{k: v for k, v in head.items() if k not in drop},
            "lines": [{k: v for k, v in line.items() if k != key} for line in lines if line[key] == head["id"]],
        }
        for head in heads
    ]


def database_rows(app: Flask) -> Record:
    """Orders and returns with their lines and idempotency keys (run ids), customers and stock; no ids or times."""
    with app.extensions["services"].sql.engine.connect() as db:
        orders = _rows(db, sa.select(tables.orders, tables.customers.c.name).join(tables.customers).order_by("id"))
        returns = _rows(db, sa.select(tables.returns).order_by("id"))
        order_lines = _rows(db, sa.select(tables.order_lines).order_by("order_id", "line_no"))
        return_lines = _rows(db, sa.select(tables.return_lines).order_by("return_id", "line_no"))
        customers = _rows(db, sa.select(tables.customers.c.name, tables.customers.c.tax_id).order_by("name"))
        products = _rows(db, sa.select(tables.products.c.sku, tables.products.c.stock, tables.products.c.active))
    order_no = {order["id"]: number for number, order in enumerate(orders, 1)}
    for ret in returns:  # the order a return is of, by its position among the orders
        ret["order_id"] = order_no.get(ret["order_id"])
    return {
        "orders": _with_lines(orders, order_lines, "order_id"),
        "returns": _with_lines(returns, return_lines, "return_id"),
        "customers": customers,
        "products": sorted(products, key=lambda p: p["sku"]),
    }
