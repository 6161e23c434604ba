"""Two app processes on one DATA_DIR / database, hammered on the same chat sessions at once over real HTTP."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.chat_http import forked_threads, orders_by_run, post_chat
from harness.processes import app_env, flask_server, free_port, init_database

SESSIONS = {
    "ACME S.A.": ["Teclado inalámbrico", "Ratón óptico USB", "Webcam HD"],
    "Globex": ["Monitor 24 pulgadas", "Silla ergonómica", "Grapadora"],
    "Initech": ["Auriculares con micrófono", "Cable HDMI 2 m", "Bolígrafo azul"],
    "Umbrella Corp": ["Papel A4 500 hojas", "Portátil 14 pulgadas", "Monitor 27 pulgadas"],
}
ATTEMPTS = 40


def _edit_until_taken(ports: list[int], session: str, product: str, start: int) -> dict:
    """Send «añade 1 PRODUCT» (to alternating processes) until a turn takes it; a busy run refuses it politely."""
    for attempt in range(ATTEMPTS):
        status, body = post_chat(ports[(start + attempt) % 2], session, f"añade 1 {product}")
        assert status == 200, body
        if body["status"] == "waiting":
            return body
        assert body["status"] == "idle", body  # the run was busy with another of this session's messages
    raise AssertionError(f"«añade 1 {product}» was never taken in {ATTEMPTS} attempts")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_processes_on_the_same_sessions_lose_no_turn_fork_no_checkpoint_cross_no_session(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    env, data_url, checkpoint_url = app_env(tmp_path / "data", database)
    init_database(env, tmp_path / "init.log")
    ports = [free_port(), free_port()]
    servers = [flask_server(port, env, tmp_path / f"server{i}.log") for i, port in enumerate(ports)]
    try:
        for server in servers:
            server.start()
        sessions = {customer: f"mp-session-{i}" for i, customer in enumerate(SESSIONS)}
        run_ids = {}
        for (customer, session), port in zip(sessions.items(), itertools.cycle(ports), strict=False):
            command = f'!run alta_pedido cliente="{customer}" productos="1 teclado mecánico"'
            status, body = post_chat(port, session, command)
            assert status == 200 and body["status"] == "waiting", body
            run_ids[customer] = body["run_id"]
        jobs = [(customer, product, n) for customer, products in SESSIONS.items() for n, product in enumerate(products)]
        with ThreadPoolExecutor(len(jobs)) as pool:
            replies = list(pool.map(lambda job: _edit_until_taken(ports, sessions[job[0]], job[1], job[2]), jobs))
        assert all(reply["run_id"] == run_ids[customer] for reply, (customer, _, _) in zip(replies, jobs, strict=True))
        for n, session in enumerate(sessions.values()):
            status, body = post_chat(ports[n % 2], session, "sí")
            assert status == 200 and body["status"] == "completed", body
    finally:
        for server in servers:
            server.stop()
    orders = orders_by_run(data_url)
    assert len(orders) == len(SESSIONS)
    for customer, products in SESSIONS.items():
        assert orders[run_ids[customer]] == {
            "customer": customer,
            "lines": {"Teclado mecánico": 1, **dict.fromkeys(products, 1)},
        }
    assert set(run_ids.values()) <= set(_threads(checkpoint_url))
    assert forked_threads(checkpoint_url) == {}
    vectors = tmp_path / "data" / "vectors"
    assert {p.suffix for p in vectors.rglob("*") if p.is_file()} <= {".snap", ".name"}


def _threads(checkpoint_url: str) -> set[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(checkpoint_url)
    with engine.connect() as conn:
        threads = {row[0] for row in conn.execute(sa.text("SELECT DISTINCT thread_id FROM checkpoints"))}
    engine.dispose()
    return threads
