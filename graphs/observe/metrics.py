"""Prometheus metrics of the engine (turns, run outcomes, step latency, LLM use, lease conflicts) and the turn log.

Counters and histograms only, so they aggregate correctly in prometheus-client's multi-process mode (gunicorn with
`PROMETHEUS_MULTIPROC_DIR` set: each process writes its own files, see gunicorn.conf.py).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from prometheus_client import Counter, Histogram

if TYPE_CHECKING:
    from graphs.result import RunResult
    from pipelines.schema import StepConfig

__all__ = [
    "ENDED",
    "LEASE_CONFLICTS",
    "LLM_CALLS",
    "LLM_ERRORS",
    "LLM_FALLBACKS",
    "MESSAGES_READ",
    "RUN_OUTCOMES",
    "STEP_SECONDS",
    "TURNS",
    "TURN_SECONDS",
    "lease_conflict",
    "llm_call",
    "llm_error",
    "llm_fallback",
    "message_read",
    "observed_turn",
    "run_ended",
    "session_of",
    "timed_step",
]

ENDED = frozenset({"completed", "cancelled", "failed"})
_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

TURNS = Counter("t7_turns", "Turns run (a run started or an answer given), by pipeline", ["pipeline"])
TURN_SECONDS = Histogram(
    "t7_turn_duration_seconds", "Wall time of one turn, by pipeline", ["pipeline"], buckets=_BUCKETS
)
RUN_OUTCOMES = Counter("t7_run_outcomes", "Runs that ended, by pipeline and final status", ["pipeline", "status"])
STEP_SECONDS = Histogram("t7_step_duration_seconds", "Wall time of one step, by step kind", ["kind"], buckets=_BUCKETS)
LLM_CALLS = Counter("t7_llm_calls", "Calls to the configured language model by llm steps", ["pipeline"])
LLM_ERRORS = Counter("t7_llm_errors", "Language model calls that failed (the fallback answered)", ["pipeline"])
LLM_FALLBACKS = Counter("t7_llm_fallbacks", "llm steps answered by their deterministic fallback tool", ["pipeline"])
MESSAGES_READ = Counter(
    "t7_messages_read",
    "Messages to a waiting run, by pipeline and who read them (llm or trained)",
    ["pipeline", "reader"],
)
LEASE_CONFLICTS = Counter("t7_lease_conflicts", "Turns refused because another turn held the run", ["pipeline"])

logger = logging.getLogger("t7.runs")
_step_logger = logging.getLogger("t7.steps")
R = TypeVar("R")


def session_of(owner: str | None) -> str | None:
    """The chat session id of a run owner (`chat:<id>`); API callers have none (their token digest is not logged)."""
    return owner[5:] if owner and owner.startswith("chat:") else None


def run_ended(pipeline: str, status: str) -> None:
    """Count a run that reached `status` (counted only for completed, cancelled and failed)."""
    if status in ENDED:
        RUN_OUTCOMES.labels(pipeline, status).inc()


def lease_conflict(pipeline: str) -> None:
    """Count a turn refused because another turn of the same run held its lease."""
    LEASE_CONFLICTS.labels(pipeline).inc()


def message_read(pipeline: str, reader: str) -> None:
    """Count a message to a waiting run read by the language model («llm») or the trained reader («trained»)."""
    MESSAGES_READ.labels(pipeline, reader).inc()


def llm_call(pipeline: str) -> None:
    """Count one call to the language model."""
    LLM_CALLS.labels(pipeline).inc()


def llm_error(pipeline: str) -> None:
    """Count a language model call that failed."""
    LLM_ERRORS.labels(pipeline).inc()


def llm_fallback(pipeline: str) -> None:
    """Count an llm step answered by its fallback tool (no model configured, or the model failed)."""
    LLM_FALLBACKS.labels(pipeline).inc()


def observed_turn(turn: Callable[..., RunResult]) -> Callable[..., RunResult]:
    """Decorate `Runner._leased_turn(self, payload, run_id, owner, …)`: count it, time it, log one JSON line."""

    @functools.wraps(turn)
    def wrapper(runner: Any, payload: Any, run_id: str, owner: str | None, *args: Any, **kwargs: Any) -> RunResult:
        started = time.perf_counter()
        result = turn(runner, payload, run_id, owner, *args, **kwargs)
        duration = time.perf_counter() - started
        pipeline = runner.name
        TURNS.labels(pipeline).inc()
        TURN_SECONDS.labels(pipeline).observe(duration)
        run_ended(pipeline, result.status)
        fields = {
            "run_id": run_id,
            "session_id": session_of(owner),
            "pipeline": pipeline,
            "step": result.current_step or result.step,
            "status": result.status,
            "duration": round(duration, 6),
        }
        if result.error:
            fields["error_code"] = result.error.get("code")
        logger.info("turn %s", result.status, extra=fields)
        return result

    return wrapper


def timed_step(step: StepConfig, pipeline: str, body: Callable[..., R]) -> Callable[..., R]:
    """`body` of a step node, observed in the step latency histogram (and logged at DEBUG)."""
    histogram = STEP_SECONDS.labels(step.kind)  # bound once per compile: the hot path only observes

    def timed(state: Any, context: Any, config: Any) -> R:
        started = time.perf_counter()
        try:
            return body(state, context, config)
        finally:
            # An ask step's interrupt is an exception too: its time until the pause is still a step's time.
            duration = time.perf_counter() - started
            histogram.observe(duration)
            if _step_logger.isEnabledFor(logging.DEBUG):
                configurable = (config or {}).get("configurable", {})
                _step_logger.debug(
                    "step %s",
                    step.id,
                    extra={
                        "run_id": configurable.get("run_id"),
                        "session_id": session_of(configurable.get("session_id")),
                        "pipeline": pipeline,
                        "step": step.id,
                        "kind": step.kind,
                        "duration": round(duration, 6),
                    },
                )

    return timed
