"""A chat client in a process of its own, for fault tests: `python -m tests.chat_process SESSION MESSAGES_JSON`.

The app is built from the environment (as a worker would be: DATA_DIR, DATABASE_URL, CHECKPOINT_URL, FUSE_STEPS,
T7_KILL_AT); each message of MESSAGES_JSON (a list of {"message", "message_id"}) is posted to /chat in turn, and
each reply is printed as one JSON line `{"message_id": ..., "status": http status, "body": ...}` as soon as it is
in. A process killed by the fault hook prints nothing more: what it printed is what its client saw.
"""

from __future__ import annotations

import json
import sys

from app import create_app


def main(session: str, messages: list[dict[str, str]]) -> None:
    """Post the messages of `session` in order, printing each reply."""
    app = create_app()
    client = app.test_client()
    for message in messages:
        response = client.post("/chat", json={**message, "session_id": session})
        line = {"message_id": message["message_id"], "status": response.status_code, "body": response.get_json()}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    app.extensions["t7"].engine.close()


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
