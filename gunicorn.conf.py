"""gunicorn settings of `make serve`: Prometheus multi-process mode, one metrics file per process.

The master runs this file before any worker imports the app, so `PROMETHEUS_MULTIPROC_DIR` is set before
prometheus-client is first imported; each worker then writes only its own `*_<pid>.db` files in that folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_metrics_dir = Path(
    os.environ.get("PROMETHEUS_MULTIPROC_DIR") or Path(os.environ.get("DATA_DIR", "instance")) / "prometheus"
).resolve()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)

# The app logs JSON lines on stderr itself; gunicorn's access log is off (the turn log carries what matters).
accesslog = None
errorlog = "-"
# Keep-alive behind a load balancer that reuses connections.
keepalive = 5
# A sync worker busy longer than this is restarted; an llm step may take LLM_TIMEOUT (30 s) and more.
timeout = 120
# gunicorn 24+ opens a control socket at one fixed path per user: two servers on a host would share it.
control_socket_disable = True


def on_starting(server: Any) -> None:
    """Start from an empty metrics folder: files left by processes of an earlier server would be summed in."""
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):  # only prometheus-client's files: the folder may be the operator's
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Let prometheus-client drop the live gauges of a worker that exited (counters stay summed)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
