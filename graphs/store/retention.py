"""Retention: delete the LangGraph checkpoints of runs that ended long ago, keeping each run's row and result.

LangGraph keeps every checkpoint of every thread for ever. A run that ended (completed, cancelled, failed) never
changes again, so its final result is copied to the `run_results` table, then its checkpoints, writes and blobs
are deleted, and its conversation events with them. `Runner.status` answers from that copy once the checkpoint is
gone. Waiting and running runs are never touched.
"""

from __future__ import annotations

import json
import math
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy import Column, Float, MetaData, String, Table, Text, and_, delete, insert, select
from sqlalchemy.engine import Engine as SqlEngine

from graphs.result import RunResult
from graphs.store.events import delete_events
from graphs.store.run_table import runs_table

if TYPE_CHECKING:
    from graphs.run.engine import Engine
    from graphs.run.runner import Runner

__all__ = ["ENDED_STATUSES", "PruneReport", "kept_result", "prune_runs", "run_results_table"]

ENDED_STATUSES = ("completed", "cancelled", "failed")
SECONDS_PER_DAY = 86_400.0
_KEPT = (
    "run_id",
    "pipeline",
    "status",
    "output",
    "data",
    "error",
    "message",
    "current_step",
    "steps_done",
    "pipeline_version",
)
BATCH = 500

_meta = MetaData()
run_results_table = Table(
    "run_results",
    _meta,
    Column("run_id", String(64), primary_key=True),
    Column("result", Text, nullable=False),  # RunResult.status_dict() as JSON, without the slot values
    Column("pruned_at", Float, nullable=False),
)
_created: weakref.WeakSet[SqlEngine] = weakref.WeakSet()


def _ensure_table(engine: SqlEngine) -> None:
    if engine not in _created:
        _meta.create_all(engine)
        _created.add(engine)


@dataclass
class PruneReport:
    """What a prune did: how many runs lost their checkpoints (and stored chat messages were deleted), and the
    cut-off time used."""

    pruned: int
    cutoff: float
    dry_run: bool = False
    messages: int = 0


def _candidates(engine: SqlEngine, cutoff: float, limit: int) -> list[dict[str, Any]]:
    """Ended runs last updated before `cutoff` whose checkpoints are still there (not yet in run_results)."""
    kept = select(run_results_table.c.run_id).where(run_results_table.c.run_id == runs_table.c.run_id)
    query = (
        select(runs_table)
        .where(
            and_(
                runs_table.c.status.in_(ENDED_STATUSES),
                runs_table.c.updated_at < cutoff,
                ~kept.exists(),
            )
        )
        .order_by(runs_table.c.updated_at)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def _delete_threads(saver: BaseCheckpointSaver, thread_ids: list[str]) -> None:
    """Every checkpoint, write and blob of these threads (sub-pipelines' namespaces included)."""
    try:
        saver.prune(thread_ids, strategy="delete")  # PostgresSaver: one transaction for the whole batch
    except NotImplementedError:
        for thread_id in thread_ids:
            saver.delete_thread(thread_id)


def _archived(runner: Runner, row: dict[str, Any]) -> str:
    # The row read by the candidate query is the run's final one (an ended run never changes): no second read.
    result = runner._result(row["run_id"], row, seen=None)
    kept = {key: getattr(result, key) for key in _KEPT}  # the slot values go with the checkpoint
    return json.dumps(kept, ensure_ascii=False, default=str)


def _batches(engine: Engine, cutoff: float) -> Iterator[list[dict[str, Any]]]:
    while batch := _candidates(engine.runs.engine, cutoff, BATCH):
        yield batch


def prune_runs(
    engine: Engine, older_than_days: float, *, now: float | None = None, dry_run: bool = False
) -> PruneReport:
    """Delete the checkpoints and events of runs that ended more than `older_than_days` ago; keep their rows and
    results."""
    if not math.isfinite(older_than_days) or older_than_days < 0:
        raise ValueError("older_than_days must be a number, zero or more")
    sql = engine.runs.engine
    _ensure_table(sql)
    cutoff = (time.time() if now is None else now) - older_than_days * SECONDS_PER_DAY
    if dry_run:
        return PruneReport(len(_candidates(sql, cutoff, 2**31 - 1)), cutoff, dry_run=True)
    runners: dict[tuple[str, str], Runner] = {}
    pruned = 0
    for batch in _batches(engine, cutoff):
        rows = []
        for run in batch:
            key = (run["pipeline"], run["version"])
            if key not in runners:
                runners[key] = engine.runner(engine.config_version(*key))
            rows.append({"run_id": run["run_id"], "result": _archived(runners[key], run)})
        stamp = time.time()
        # The result is kept before the checkpoints go: a prune killed in between only prunes the batch again.
        with sql.begin() as conn:
            conn.execute(delete(run_results_table).where(run_results_table.c.run_id.in_([r["run_id"] for r in rows])))
            conn.execute(insert(run_results_table), [{**row, "pruned_at": stamp} for row in rows])
            delete_events(conn, [row["run_id"] for row in rows])  # the events go with the runs they tell
        _delete_threads(engine.checkpointer, [row["run_id"] for row in rows])
        pruned += len(rows)
    messages = engine.inbox.prune(cutoff)  # answered chat messages go with the runs they drove
    return PruneReport(pruned, cutoff, messages=messages)


def kept_result(engine: SqlEngine, run_id: str, status: str) -> RunResult | None:
    """The result kept for a pruned run (of that row `status`), or None when the run was never pruned."""
    if status not in ENDED_STATUSES:
        return None
    _ensure_table(engine)
    with engine.connect() as conn:
        text = conn.execute(select(run_results_table.c.result).where(run_results_table.c.run_id == run_id)).scalar()
    if text is None:
        return None
    kept = json.loads(text)
    return RunResult(
        kept["run_id"],
        kept["pipeline"],
        kept["status"],
        output=kept.get("output"),
        data=kept.get("data"),
        error=kept.get("error"),
        message=kept.get("message"),
        current_step=kept.get("current_step"),
        steps_done=list(kept.get("steps_done") or []),
        pipeline_version=kept.get("pipeline_version") or "",
    )
