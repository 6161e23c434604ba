"""Retention benchmark: LangGraph table sizes before and after `prune_runs` on 10,000 finished dialogs.

Cheap but real: a few dozen dialogs are played through the chat (the real graphs write the checkpoints), then
their checkpoint rows and run rows are copied under fresh run ids until 10,000 finished dialogs exist, a month
old. Some waiting dialogs are played too; they must keep every checkpoint row. Runs on SQLite, and on PostgreSQL
(a database of its own, dropped afterwards) when a server answers on 127.0.0.1:5432.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/bench_prune.py` as well as `python -m bench.bench_prune`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import sqlalchemy as sa

from app import create_app
from bench import print_table
from config import Config
from graphs.store.retention import prune_runs
from graphs.store.run_table import new_run_id, runs_table

FINISHED = 10_000
WAITING = 50
DAY = 86_400.0
Sizes = dict[str, dict[str, int]]  # table → {"rows", "bytes"}
WHOLE_FILE = "(whole file)"  # SQLite: the database file on disk, free pages included
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Real dialogs copied to make the 10,000: orders confirmed, orders refused, greetings.
TEMPLATES = [
    ['!run alta_pedido cliente=Globex productos="3 teclado mecánico, 2 grapadoras"', "sí"],
    [
        '!run alta_pedido cliente="ACME S.A." productos="1 monitor 27 pulgadas, 4 bolígrafo azul"',
        "quita bolígrafo",
        "sí",
    ],
    ['!run alta_pedido cliente=Initech productos="2 webcam hd"', "no"],
    ["!run ejemplo_simple", "Ana"],
]


def _play(client: Any, messages: list[str]) -> dict[str, Any]:
    session, body = None, {}
    for message in messages:
        body = client.post("/chat", json={"message": message, "session_id": session}).get_json()
        session = body["session_id"]
    return body


def _tables(sql: sa.Engine) -> list[str]:
    names = set(sa.inspect(sql).get_table_names())
    wanted = ["checkpoints", "writes", "checkpoint_writes", "checkpoint_blobs", "runs", "run_results"]
    return [name for name in wanted if name in names]


def _sizes(sql: sa.Engine) -> Sizes:
    """Rows and bytes (table plus its indexes) of every LangGraph and run table."""
    sizes: Sizes = {}
    with sql.connect() as conn:
        if sql.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            stat = "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY 1"
            on_disk = dict(conn.exec_driver_sql(stat).all())
        for table in _tables(sql):
            rows = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # names from our list
            if sql.dialect.name == "sqlite":
                size = int(on_disk.get(table, 0))
            else:
                size = conn.execute(sa.text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar_one()
            sizes[table] = {"rows": int(rows), "bytes": int(size)}
    if sql.dialect.name == "sqlite":
        sizes[WHOLE_FILE] = {"rows": 0, "bytes": Path(sql.url.database or "").stat().st_size}
    return sizes


def _copy_finished(sql: sa.Engine, templates: list[str], count: int) -> None:
    """`count` copies of the template runs: run rows and every checkpoint row, under new ids, 30 days old."""
    with sql.connect() as conn:
        rows = [
            dict(r) for r in conn.execute(sa.select(runs_table).where(runs_table.c.run_id.in_(templates))).mappings()
        ]
    mapping = [(rows[i % len(rows)]["run_id"], new_run_id()) for i in range(count)]
    by_id = {row["run_id"]: row for row in rows}
    old = time.time() - 30 * DAY
    copies = [
        {**by_id[src], "run_id": new, "created_at": old, "updated_at": old, "lease": None} for src, new in mapping
    ]
    with sql.begin() as conn:
        conn.execute(sa.insert(runs_table), copies)
        conn.exec_driver_sql("CREATE TEMPORARY TABLE copy_map (template TEXT, new_id TEXT)")
        conn.execute(sa.text("INSERT INTO copy_map VALUES (:t, :n)"), [{"t": s, "n": n} for s, n in mapping])
        for table in _tables(sql):
            if table in ("runs", "run_results"):
                continue
            columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
            picked = ", ".join("m.new_id" if c == "thread_id" else f"c.{c}" for c in columns)
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {picked} FROM {table} c JOIN copy_map m ON c.thread_id = m.template"
            )
        conn.exec_driver_sql("DROP TABLE copy_map")


def _vacuum(sql: sa.Engine) -> None:
    with sql.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM" if sql.dialect.name == "sqlite" else "VACUUM FULL")


def _fill(engine: Any, client: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Play the template dialogs and the waiting ones, then copy the finished ones up to FINISHED, a month old:
    the finished dialogs' last bodies and the waiting run ids."""
    finished = [_play(client, messages) for messages in TEMPLATES * 5]
    assert all(body["status"] in ("completed", "cancelled") for body in finished), finished
    waiting = [_play(client, TEMPLATES[i % 2][:1])["run_id"] for i in range(WAITING)]
    sql = engine.runs.engine
    _copy_finished(sql, [body["run_id"] for body in finished], FINISHED - len(finished))
    with sql.begin() as conn:  # the played ones are a month old too
        conn.execute(
            sa.text("UPDATE runs SET updated_at = :t WHERE status <> 'waiting'"), {"t": time.time() - 30 * DAY}
        )
    return finished, waiting


def _prune(engine: Any, finished: list[dict[str, Any]], waiting: list[str]) -> dict[str, Any]:
    """Prune every finished dialog, check the waiting ones kept their rows, VACUUM: the seconds pruning took and
    the sizes before, after and after VACUUM."""
    sql = engine.runs.engine
    waiting_rows = _rows_of(sql, waiting)
    before = _sizes(sql)
    started = time.perf_counter()
    report = prune_runs(engine, 7)
    seconds = time.perf_counter() - started
    after = _sizes(sql)
    assert report.pruned == FINISHED, report
    assert _rows_of(sql, waiting) == waiting_rows, "a waiting run lost checkpoint rows"
    sample = engine.status(finished[0]["run_id"])
    assert sample.status == finished[0]["status"] and sample.output, sample
    _vacuum(sql)
    return {"seconds": seconds, "before": before, "after": after, "vacuumed": _sizes(sql)}


def _print_sizes(backend: str, seconds: float, before: Sizes, after: Sizes, vacuumed: Sizes) -> None:
    """The table of rows and megabytes of every table before and after pruning, and after VACUUM."""
    rows = [
        [
            table,
            "" if table == WHOLE_FILE else before[table]["rows"],
            "" if table == WHOLE_FILE else after[table]["rows"],
            _mb(before[table]),
            _mb(after[table]),
            _mb(vacuumed[table]),
        ]
        for table in after
    ]
    print_table(
        f"{backend}: {FINISHED:,} finished dialogs pruned (+{WAITING} waiting kept) in {seconds:.1f} s "
        f"({FINISHED / seconds:,.0f} runs/s)",
        rows,
        [
            "table",
            "rows before",
            "rows after",
            "MB before",
            "MB after prune",
            "MB after VACUUM" + ("" if backend == "sqlite" else " FULL"),
        ],
    )


def run_backend(backend: str, folder: Path, checkpoint_url: str | None) -> dict[str, Any]:
    """Build the 10,000 finished dialogs on one backend, prune them, and report the sizes."""
    settings = Config(DATA_DIR=folder / "data", SECRET_KEY="bench", CHECKPOINT_URL=checkpoint_url, LOG_LEVEL="WARNING")
    app = create_app(settings)
    engine, client = app.extensions["t7"].engine, app.test_client()
    try:
        pruned = _prune(engine, *_fill(engine, client))
    finally:
        engine.close()
    seconds, after, vacuumed = pruned["seconds"], pruned["after"], pruned["vacuumed"]
    empty = {"rows": 0, "bytes": 0}  # run_results appears with the first prune
    before = {table: pruned["before"].get(table, empty) for table in after}
    _print_sizes(backend, seconds, before, after, vacuumed)
    return {
        "prune_seconds": round(seconds, 2),
        "runs_per_second": round(FINISHED / seconds),
        "before": before,
        "after": after,
        "vacuumed": vacuumed,
    }


def _mb(size: dict[str, int]) -> float:
    return round(size["bytes"] / 1e6, 2)


def _rows_of(sql: sa.Engine, run_ids: list[str]) -> int:
    with sql.connect() as conn:
        return sum(
            conn.execute(
                sa.text(f"SELECT count(*) FROM {t} WHERE thread_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": run_ids},
            ).scalar_one()
            for t in _tables(sql)
            if t not in ("runs", "run_results")
        )


def _postgres_database() -> tuple[str, Any] | None:
    """A fresh PostgreSQL database URL and a function dropping it, or None when no server answers."""
    server = sa.make_url(PG_SERVER)
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_prune_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # a name we made of hex digits
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}".strip())
        return None

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return server.set(database=name).render_as_string(hide_password=False), drop


def main() -> dict[str, Any]:
    """Prune 10,000 finished dialogs on SQLite and PostgreSQL; print and return the sizes."""
    folder = Path(tempfile.mkdtemp(prefix="bench-prune-"))
    results = {"sqlite": run_backend("sqlite", folder / "sqlite", None)}
    postgres = _postgres_database()
    if postgres is not None:
        url, drop = postgres
        try:
            results["postgresql"] = run_backend("postgresql", folder / "postgresql", url)
        finally:
            drop()
    return results


if __name__ == "__main__":
    main()
