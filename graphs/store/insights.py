"""Insights: how the runs of a pipeline went over a period, from the run table and the conversation events —
outcomes, turns and time to complete, a funnel per question, repair use, the least sure readings."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine as SqlEngine

from graphs.store.events import events_table
from graphs.store.run_table import runs_table

__all__ = ["Period", "insights", "pipelines_with_runs"]

LOWEST_READS = 20
_OUTCOMES = ("completed", "cancelled", "failed")


@dataclass(frozen=True)
class Period:
    """Runs started in [since, until) (epoch seconds), judged `now`: one waiting longer than `abandoned_after`
    seconds is abandoned."""

    since: float
    until: float
    abandoned_after: float
    now: float

    @classmethod
    def last_days(cls, days: float, abandoned_after: float, now: float | None = None) -> Period:
        """The last `days` days up to now."""
        now = time.time() if now is None else now
        return cls(now - days * 86_400.0, now, abandoned_after, now)


def _runs(engine: SqlEngine, pipeline: str, period: Period) -> list[dict[str, Any]]:
    query = select(runs_table.c.run_id, runs_table.c.status, runs_table.c.updated_at).where(
        and_(
            runs_table.c.pipeline == pipeline,
            runs_table.c.created_at >= period.since,
            runs_table.c.created_at < period.until,
        )
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def _outcome(row: dict[str, Any], period: Period) -> str:
    if row["status"] in _OUTCOMES:
        return str(row["status"])
    if row["status"] == "waiting" and period.now - row["updated_at"] > period.abandoned_after:
        return "abandoned"
    return "waiting"  # still in a live dialog (or mid-turn)


def _events(engine: SqlEngine, run_ids: list[str]) -> list[dict[str, Any]]:
    """The events of these runs, oldest first (in batches: a long period has many runs)."""
    found: list[dict[str, Any]] = []
    columns = [events_table.c[name] for name in ("run_id", "kind", "step", "command", "confidence", "text", "at")]
    with engine.connect() as conn:
        for start in range(0, len(run_ids), 500):
            batch = run_ids[start : start + 500]
            query = select(*columns).where(events_table.c.run_id.in_(batch)).order_by(events_table.c.id)
            found += [dict(row) for row in conn.execute(query).mappings()]
    return found


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _funnel(
    by_run: dict[str, list[dict[str, Any]]], outcomes: dict[str, str]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """Per question (in the order first reached): runs that reached it, answered it, were abandoned or cancelled
    there; and per question, how often each repair was used."""
    reached: dict[str, set[str]] = {}
    answered: dict[str, set[str]] = {}
    left: dict[str, int] = {}
    repairs: dict[str, dict[str, int]] = {}
    for run_id, told in by_run.items():
        last_asked = None
        for event in told:
            step = event["step"]
            if event["kind"] == "asked" and step:
                reached.setdefault(step, set()).add(run_id)
                last_asked = step
            elif event["kind"] == "read" and step:
                answered.setdefault(step, set()).add(run_id)
            elif event["kind"] == "repaired" and step:
                counts = repairs.setdefault(step, {})
                counts[event["command"]] = counts.get(event["command"], 0) + 1
        if last_asked and outcomes.get(run_id) in ("abandoned", "cancelled"):
            left[last_asked] = left.get(last_asked, 0) + 1
    funnel = [
        {
            "step": step,
            "reached": len(runs),
            "answered": len(answered.get(step, set())),
            "abandoned": left.get(step, 0),
        }
        for step, runs in reached.items()
    ]
    return funnel, repairs


def insights(engine: SqlEngine, pipeline: str, period: Period) -> dict[str, Any]:
    """The figures of one pipeline over a period (what /insights shows and serves as JSON)."""
    rows = _runs(engine, pipeline, period)
    outcomes = {row["run_id"]: _outcome(row, period) for row in rows}
    counts = {name: 0 for name in ("started", *_OUTCOMES, "abandoned", "waiting")}
    counts["started"] = len(rows)
    for outcome in outcomes.values():
        counts[outcome] += 1
    by_run: dict[str, list[dict[str, Any]]] = {row["run_id"]: [] for row in rows}
    for event in _events(engine, list(by_run)):
        by_run[event["run_id"]].append(event)
    turns, seconds = [], []
    for run_id, told in by_run.items():
        if outcomes[run_id] != "completed" or not told:
            continue
        turns.append(1 + sum(e["kind"] == "read" for e in told))  # the message that started it, then each answer
        seconds.append(told[-1]["at"] - told[0]["at"])
    funnel, repairs = _funnel(by_run, outcomes)
    reads = [e for told in by_run.values() for e in told if e["kind"] == "read" and e["confidence"] is not None]
    reads.sort(key=lambda e: (e["confidence"], -e["at"]))
    return {
        "pipeline": pipeline,
        "since": period.since,
        "until": period.until,
        "runs": counts,
        "median_turns": _median([float(t) for t in turns]),
        "median_seconds": _median(seconds),
        "funnel": funnel,
        "repairs": [
            {"step": step, "command": command, "count": count}
            for step, used in repairs.items()
            for command, count in sorted(used.items())
        ],
        "lowest_confidence": [
            {key: e[key] for key in ("run_id", "step", "command", "confidence", "text", "at")}
            for e in reads[:LOWEST_READS]
        ],
    }


def pipelines_with_runs(engine: SqlEngine) -> list[str]:
    """The pipelines that have runs, by name."""
    with engine.connect() as conn:
        query = select(runs_table.c.pipeline).group_by(runs_table.c.pipeline).order_by(runs_table.c.pipeline)
        return [row[0] for row in conn.execute(query)]
