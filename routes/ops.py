"""Operations endpoints: GET /healthz (database and checkpointer reachable) and GET /metrics (Prometheus text)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

ops_bp = Blueprint("ops", __name__)
logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 3.0
# Checks run in threads so a database that hangs (a dropped network) answers 503 in seconds, not after a pool timeout.
_checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")
_HEALTH_THREAD_ID = "__healthz__"


def _database() -> dict[str, Any]:
    engine = current_app.extensions["services"].sql.engine
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return {"backend": engine.dialect.name}


def _checkpointer() -> dict[str, Any]:
    engine = current_app.extensions["t7"].engine
    # A real read through the saver (its own connection or pool), and one of the run table it is paired with.
    engine.checkpointer.get_tuple({"configurable": {"thread_id": _HEALTH_THREAD_ID, "checkpoint_ns": ""}})
    with engine.runs.engine.connect() as conn:
        conn.execute(sa.text("SELECT count(*) FROM runs WHERE run_id = :id"), {"id": _HEALTH_THREAD_ID})
    return {"backend": type(engine.checkpointer).__name__}


def _run_check(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def in_app() -> dict[str, Any]:
        with app.app_context():
            return check()

    started = time.perf_counter()
    try:
        detail = _checks.submit(in_app).result(timeout=CHECK_TIMEOUT_SECONDS)
    except FutureTimeout:
        logger.warning("health check %s timed out after %ss", name, CHECK_TIMEOUT_SECONDS)
        return {"ok": False, "error": f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"}
    except Exception as exc:  # any failure of the dependency is the answer, never a 500
        logger.warning("health check %s failed: %s", name, exc, exc_info=True)
        # The class name only: driver messages can carry host names and user names.
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, **detail, "seconds": round(time.perf_counter() - started, 4)}


@ops_bp.get("/healthz")
def healthz() -> Any:
    """200 when the business database and the checkpointer answer, 503 naming the one that does not."""
    checks = {"database": _run_check("database", _database), "checkpointer": _run_check("checkpointer", _checkpointer)}
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", "checks": checks})
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503


def _registry() -> CollectorRegistry:
    """The default registry, or under gunicorn's several processes, one summing every process's files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@ops_bp.get("/metrics")
def metrics() -> Response:
    """The Prometheus text exposition of every metric."""
    return Response(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
