"""The insights endpoint on orch_bp: how one pipeline's runs went over a period, as JSON."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from errors import NotFoundError
from graphs.run.engine import Engine
from graphs.store.insights import Period, insights
from routes.insight_models import InsightsQuery
from routes.orchestrator_models import parse_query
from routes.orchestrator_routes import orch_bp


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
