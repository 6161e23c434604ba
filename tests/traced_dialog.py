"""`python -m tests.traced_dialog DATA_DIR`: play two dialogs in a fresh process, recording every network connect.

An audit hook (installed before the app is imported) records each `socket.connect` and `socket.getaddrinfo`;
the process prints them as JSON with the chat replies, so a test can tell what left the machine.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path
from typing import Any

_events: list[dict[str, Any]] = []


def _loopback(host: Any) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple):  # AF_INET / AF_INET6; AF_UNIX paths are local by nature
            _events.append({"event": event, "host": str(address[0]), "port": address[1]})
    elif event == "socket.getaddrinfo":
        _events.append({"event": event, "host": str(args[0]), "port": args[1]})


def main(data_dir: str) -> dict[str, Any]:
    """Two dialogs (a greeting, an order to its confirmation) through the chat, then flush any tracer."""
    from app import create_app
    from config import Config

    app = create_app(Config(DATA_DIR=Path(data_dir), SECRET_KEY="traced", LOG_LEVEL="WARNING"))
    client = app.test_client()
    replies = []
    for messages in (
        ["!run ejemplo_simple", "Ana"],
        ['!run alta_pedido cliente=Globex productos="3 teclado mecánico, 2 grapadoras"', "sí"],
    ):
        session = None
        for message in messages:
            body = client.post("/chat", json={"message": message, "session_id": session}).get_json()
            session = body["session_id"]
            replies.append({"status": body["status"], "pipeline": body["pipeline"], "run_id": body["run_id"]})
    from langchain_core.tracers.langchain import wait_for_all_tracers

    wait_for_all_tracers()  # a no-op when tracing is off; with it on, every trace is sent before we report
    app.extensions["t7"].engine.close()
    outside = [e for e in _events if not _loopback(e["host"])]
    return {"replies": replies, "events": _events, "outside": outside}


if __name__ == "__main__":
    sys.addaudithook(_audit)
    print(json.dumps(main(sys.argv[1])))
