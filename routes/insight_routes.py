"""The insight endpoints on orch_bp: how one pipeline's runs went over a period; one run as a conversation, and a
new run forked from one of its questions."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify

from errors import NotFoundError
from graphs.run.engine import Engine
from graphs.run.transcript import transcript
from graphs.store.insights import Period, insights
from routes.auth import reader
from routes.insight_models import InsightsQuery
from routes.orchestrator_models import RUN_ID_PATTERN, parse_body, parse_query
from routes.orchestrator_routes import orch_bp
from routes.transcript_models import ForkRequest

_RUN_ID = re.compile(RUN_ID_PATTERN)


def _engine() -> Engine:
    return current_app.extensions["t7"].engine


@orch_bp.get("/insights")
def pipeline_insights() -> Any:
    """Runs started, completed, cancelled, failed and abandoned; turns and time to complete; the funnel per
    question; repair use; the least sure readings — of one pipeline over the last `days` days."""
    engine = _engine()
    query = parse_query(InsightsQuery)
    if query.pipeline not in engine.names():
        raise NotFoundError(f"no pipeline named {query.pipeline!r}", details={"available": engine.names()})
    period = Period.last_days(query.days, engine.settings.ABANDONED_AFTER_SECONDS)
    return jsonify(insights(engine.runs.engine, query.pipeline, period))


@orch_bp.get("/runs/<run_id>/transcript")
def run_transcript(run_id: str) -> Any:
    """A run the caller started (or of the chat session in X-Chat-Session) as a conversation: every message and
    its reading, the steps each turn ran, what it said and asked, the slot values after it."""
    if not _RUN_ID.fullmatch(run_id):
        raise NotFoundError(f"no run {run_id[:80]!r}")
    owner = reader(run_id)
    runner = _engine().runner_for_run(run_id, owner)
    return jsonify(transcript(runner, run_id, owner))


@orch_bp.post("/runs/<run_id>/fork")
def fork_run(run_id: str) -> Any:
    """A new run of the same owner from one of the run's questions («retomar desde aquí»); the run forked from,
    if still waiting, is cancelled."""
    if not _RUN_ID.fullmatch(run_id):
        raise NotFoundError(f"no run {run_id[:80]!r}")
    body = parse_body(ForkRequest)
    # Like reading, the chat session in X-Chat-Session may fork its own runs: knowing that id already lets anyone
    # go on with the chat through POST /chat, so this grants nothing new.
    owner = reader(run_id)
    return jsonify(_engine().runner_for_run(run_id, owner).fork(run_id, body.checkpoint_id, owner=owner).to_dict())
