"""`schemathesis run --checks all` against /orchestrator/openapi.json on a live local server: zero failures."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from config import Config

TOKEN = "schemathesis-" + "k" * 32
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# The contract answers 400 to run arguments a pipeline does not declare and to YAML that is not a valid pipeline
# (or dialog file):
# semantic checks no JSON Schema can state, so for those two operations a 400 is an accepted answer to
# schema-valid data. Every other check and operation keeps schemathesis' defaults.
CONFIG = """
[[operations]]
include-operation-id = ["run_chain", "save_pipeline", "save_pipeline_test"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "404", "409"]
"""


class _QuietHandler(WSGIRequestHandler):
    """A request handler that does not log every one of schemathesis' requests."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


@pytest.fixture
def live_url(settings: Config) -> Iterator[str]:
    """The app with an API token, served on a free local port in a thread."""
    app = create_app(settings.model_copy(update={"API_TOKENS": [TOKEN]}))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        app.extensions["t7"].engine.close()


def test_schemathesis_finds_no_failure(live_url: str, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{live_url}/orchestrator/openapi.json",
        "--checks",
        "all",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"),
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261125"),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    report = done.stdout[-12_000:] + done.stderr[-2_000:]
    assert done.returncode == 0, report
    assert "No issues found" in done.stdout or "passed" in done.stdout, report
