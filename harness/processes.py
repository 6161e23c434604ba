"""Real server processes of the app: free ports, the environment and database they start on, start, wait until they
answer, kill, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from config import PROJECT_DIR

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when `url` answers with any HTTP status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError as exc:
        exc.close()
        return True
    except (OSError, urllib.error.URLError):
        return False


class ServerProcess:
    """One server process in its own process group, with its output in a log file."""

    def __init__(
        self, argv: Sequence[str], *, env: Mapping[str, str], ready_url: str, log: Path, cwd: Path = PROJECT_DIR
    ) -> None:
        self.argv, self.ready_url, self.log_path, self.cwd = list(argv), ready_url, log, cwd
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> ServerProcess:
        """Start the process and wait until `ready_url` answers; a process that dies first fails with its log."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited with {self.process.returncode}:\n{self.tail()}")
            if answers(self.ready_url):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.argv[0]} did not answer {self.ready_url} in {timeout:.0f} s:\n{self.tail()}")

    def tail(self, chars: int = 4000) -> str:
        """The end of the process's output."""
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole process group (a gunicorn master and its workers alike) and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Ask the process to end (SIGTERM), killing it if it does not."""
        self.kill(signal.SIGTERM)


def flask_server(port: int, env: Mapping[str, str], log: Path) -> ServerProcess:
    """The app served by Flask's own threaded server (one process) on 127.0.0.1:`port`."""
    argv = [str(VENV_BIN / "flask"), "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]
    return ServerProcess(argv, env=env, ready_url=f"http://127.0.0.1:{port}/orchestrator/pipelines", log=log)


def gunicorn_server(port: int, env: Mapping[str, str], log: Path, *, workers: int, threads: int) -> ServerProcess:
    """The app served by gunicorn with `workers` processes of `threads` threads on 127.0.0.1:`port`."""
    argv = [
        str(VENV_BIN / "gunicorn"),
        "app:create_app()",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
    ]
    return ServerProcess(argv, env=env, ready_url=f"http://127.0.0.1:{port}/orchestrator/pipelines", log=log)


def app_env(data_dir: Path, database_url: str | None = None) -> tuple[dict[str, str], str, str]:
    """Environment of an app process on `data_dir` (and `database_url` for both data and checkpoints, if given),
    with the business-data and checkpoint URLs it resolves to."""
    env = {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url or "",
        "CHECKPOINT_URL": database_url or "",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "LANGSMITH_TRACING": "false",
        "PYTHONUNBUFFERED": "1",
    }
    data = database_url or f"sqlite:///{(data_dir / 'app.db').resolve()}"
    checkpoints = database_url or f"sqlite:///{(data_dir / 'checkpoints.db').resolve()}"
    return env, data, checkpoints


def init_database(env: Mapping[str, str], log: Path) -> None:
    """`flask db init` (create and seed the business database once, as `make run` and `make serve` do)."""
    with log.open("ab") as out:
        subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "app", "db", "init"],
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=300,
        )
