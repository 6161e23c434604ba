"""LangSmith: nothing leaves the machine when LangChain's LANGSMITH_* variables are unset; traces flow when set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from config import PROJECT_DIR

_TRACING_PREFIXES = ("LANGSMITH_", "LANGCHAIN_")


def play(data_dir: Path, extra_env: dict[str, str]) -> dict[str, Any]:
    """Run tests/traced_dialog.py in a fresh interpreter with only `extra_env` as tracing settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_TRACING_PREFIXES)}
    for name in ("DATABASE_URL", "CHECKPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.traced_dialog", str(data_dir)],
        cwd=PROJECT_DIR,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_nothing_is_sent_anywhere_when_langsmith_is_not_configured(tmp_path: Path) -> None:
    report = play(tmp_path / "data", {})
    assert [r["status"] for r in report["replies"]] == ["waiting", "completed", "waiting", "completed"]
    assert report["outside"] == [], report["outside"]


class _FakeLangSmith:
    """A local HTTP endpoint answering LangSmith's API paths and keeping what it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, bytes]] = []
        self.server = make_server("127.0.0.1", 0, self._app)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.received.append((request.method, request.path, request.get_data()))
        body = json.dumps({} if request.path.endswith("/info") else {"ok": True})
        return Response(body, status=200, content_type="application/json")(environ, start_response)

    def payload(self) -> bytes:
        """Every request body received, concatenated."""
        return b"\n".join(body for _, _, body in self.received)


@pytest.fixture
def langsmith() -> Iterator[_FakeLangSmith]:
    """A local stand-in for the LangSmith API, serving on a free port."""
    fake = _FakeLangSmith()
    fake.thread.start()
    yield fake
    fake.server.shutdown()


def test_traces_go_to_the_langsmith_endpoint_when_configured(tmp_path: Path, langsmith: _FakeLangSmith) -> None:
    env = {
        "LANGSMITH_TRACING": "true",
        "LANGSMITH_ENDPOINT": langsmith.url,
        "LANGSMITH_API_KEY": "test-key",
        "LANGSMITH_PROJECT": "t7-test",
    }
    report = play(tmp_path / "data", env)
    assert [r["status"] for r in report["replies"]] == ["waiting", "completed", "waiting", "completed"]
    assert report["outside"] == []  # traces went to the configured endpoint only
    port = langsmith.server.server_port
    # The same audit hook saw these connects: the negative test above would see any other one too.
    assert any(e["event"] == "socket.connect" and e["port"] == port for e in report["events"]), report["events"]
    posts = [path for method, path, _ in langsmith.received if method == "POST"]
    assert posts, langsmith.received
    sent = langsmith.payload()
    # Node names of both pipelines' graphs; `crear_pedido` runs inside the fused node named after the first step of
    # its chain, `confirmar__read` (docs/architecture.md, Fusion).
    for node in (b"pedir_nombre", b"leer_lineas", b"confirmar__read"):
        assert node in sent, node
