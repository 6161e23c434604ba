"""`make serve`: the Makefile's own gunicorn command line, on port 0 and a tmp DATA_DIR, answering over real HTTP."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config import PROJECT_DIR

_LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
_SAMPLE = re.compile(r"^(t7_[a-z_]+)\{([^}]*)\} ([0-9.e+-]+)$", re.MULTILINE)


def makefile_commands(**variables: str) -> list[list[str]]:
    """The commands `make serve` runs with these variables (dry run), without the install step."""
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve", *(f"{k}={v}" for k, v in variables.items())],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wanted = ("flask --app app db init", "gunicorn ")
    return [shlex.split(line) for line in dry.splitlines() if any(w in line for w in wanted) and "pip" not in line]


def _env(data_dir: Path) -> dict[str, str]:
    drop = ("DATABASE_URL", "CHECKPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "PROMETHEUS_MULTIPROC_DIR")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("LANGSMITH_", "LANGCHAIN_"))}
    return {**env, "DATA_DIR": str(data_dir), "SECRET_KEY": "serve-test", "LOG_LEVEL": "INFO"}


@dataclass
class Served:
    """A running `make serve` server."""

    url: str
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One HTTP request; (status, JSON body or text)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, kind = response.status, response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            status, raw, kind = exc.code, exc.read(), exc.headers.get_content_type()
        text = raw.decode()
        return status, json.loads(text) if kind == "application/json" else text

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines of the server's output (gunicorn's own lines are not JSON)."""
        lines = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


def _wait_listening(log: Path, process: subprocess.Popen[bytes], timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _LISTENING.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`make serve` with 2 workers × 2 threads on a free port (port 0) and a fresh DATA_DIR."""
    folder = tmp_path_factory.mktemp("serve")
    data_dir, log = folder / "data", folder / "server.log"
    init, gunicorn = makefile_commands(PORT="0", WORKERS="2", THREADS="2")
    subprocess.run(init, cwd=PROJECT_DIR, env=_env(data_dir), check=True, capture_output=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            gunicorn, cwd=PROJECT_DIR, env=_env(data_dir), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        server = Served(_wait_listening(log, process), data_dir, log, process)
        deadline = time.monotonic() + 120
        while server.call("GET", "/healthz")[0] != 200:  # the workers import the app after the port is bound
            assert time.monotonic() < deadline and process.poll() is None, log.read_text(errors="replace")[-3000:]
            time.sleep(0.3)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def test_the_makefile_runs_db_init_then_gunicorn_with_the_workers_and_threads() -> None:
    init, gunicorn = makefile_commands(PORT="8123", WORKERS="3", THREADS="1")
    assert init[-3:] == ["app", "db", "init"]
    assert "--bind" in gunicorn and gunicorn[gunicorn.index("--bind") + 1] == "127.0.0.1:8123"
    assert gunicorn[gunicorn.index("--workers") + 1] == "3"
    assert gunicorn[gunicorn.index("--worker-class") + 1] == "sync"
    threaded = makefile_commands(PORT="8123", WORKERS="2", THREADS="8")[1]
    assert threaded[threaded.index("--worker-class") + 1] == "gthread"
    assert threaded[-1] == "app:create_app()"


def test_a_chat_dialog_over_http_on_gunicorn(served: Served) -> None:
    status, body = served.call("POST", "/chat", {"message": "!run ejemplo_simple"})
    assert status == 200 and body["status"] == "waiting", body
    status, body = served.call("POST", "/chat", {"message": "Ana", "session_id": body["session_id"]})
    assert status == 200 and body["status"] == "completed", body
    assert "Ana" in body["reply"]


def test_hostile_input_is_a_4xx_not_a_500(served: Served) -> None:
    assert served.call("POST", "/chat", {"message": "x" * 2001})[0] == 400
    assert served.call("POST", "/chat", ["not", "an", "object"])[0] == 400


def _samples(text: str, name: str) -> dict[str, float]:
    return {labels: float(value) for metric, labels, value in _SAMPLE.findall(text) if metric == name}


def test_metrics_add_up_the_turns_of_every_worker(served: Served) -> None:
    before = _samples(served.call("GET", "/metrics")[1], "t7_turns_total").get('pipeline="ejemplo_simple"', 0.0)
    sessions = []
    for _ in range(6):  # one connection each: the kernel hands them to whichever worker accepts first
        status, body = served.call("POST", "/chat", {"message": "!run ejemplo_simple nombre=Eva"})
        assert status == 200 and body["status"] == "completed", body
        sessions.append(body["session_id"])
    text = served.call("GET", "/metrics")[1]
    assert _samples(text, "t7_turns_total")['pipeline="ejemplo_simple"'] == before + 6
    assert _samples(text, "t7_run_outcomes_total")['pipeline="ejemplo_simple",status="completed"'] >= 6
    assert 'kind="reply"' in "".join(_samples(text, "t7_step_duration_seconds_count"))
    files = list((served.data_dir / "prometheus").glob("*.db"))
    assert files, "multi-process mode writes its files under DATA_DIR/prometheus"
    pids = {int(path.stem.rsplit("_", 1)[1]) for path in files}
    assert served.process.pid not in pids  # only workers write, each its own files


def test_every_turn_logs_one_json_line_with_its_run_and_session(served: Served) -> None:
    status, body = served.call("POST", "/chat", {"message": "!run ejemplo_simple nombre=Leo"})
    assert status == 200, body
    deadline = time.monotonic() + 10
    while True:
        turns = [line for line in served.log_lines() if line.get("run_id") == body["run_id"]]
        if turns or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(turns) == 1, served.log.read_text()[-2000:]
    turn = turns[0]
    assert turn["session_id"] == body["session_id"] and turn["pipeline"] == "ejemplo_simple"
    assert turn["status"] == "completed" and turn["level"] == "INFO"
    assert isinstance(turn["duration"], float) and turn["duration"] > 0
    assert "step" in turn
