"""The SQL tool kinds: load-time read-only checks, calls through the registry, a real pipeline run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from langgraph.types import Command
from pydantic import ValidationError

from config import Config
from errors import ConflictError, NotFoundError, PipelineError, ToolError
from graphs.run.engine import Engine
from tools.catalog.sql import SqlService
from tools.catalog.sql_guard import bind_names, check_read_only
from tools.catalog.sql_tools import SqlParams, sql_toolset
from tools.registry import Services, ToolRegistry

GOOD_QUERIES = [
    "SELECT sku, name FROM products WHERE sku = :sku",
    "select count(*) as n from orders;",
    "  WITH recent AS (SELECT id FROM orders ORDER BY id DESC LIMIT 5) SELECT * FROM recent  ",
    "SELECT name FROM customers WHERE name = 'O''Brien; DROP TABLE x' -- a comment; with a semicolon\n",
    'SELECT "name" FROM products /* block; comment */ WHERE price > :min',
    "SELECT replace(name, 'a', 'b') AS r FROM products WHERE stock::int > 0",
]
BAD_QUERIES = [
    ("", "empty"),
    ("   ", "empty"),
    ("DELETE FROM products", "must start with SELECT or WITH"),
    ("UPDATE products SET stock = 0", "must start with SELECT or WITH"),
    ("DROP TABLE products", "must start with SELECT or WITH"),
    ("PRAGMA table_info(products)", "must start with SELECT or WITH"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "must start with SELECT or WITH"),
    ("INSERT INTO products (sku) VALUES ('x')", "must start with SELECT or WITH"),
    ("SELECT 1; DROP TABLE products", "single statement"),
    ("SELECT 1; SELECT 2;", "single statement"),
    ("SELECT 1; -- trailing", "nothing may follow"),
    ("WITH gone AS (DELETE FROM products RETURNING *) SELECT * FROM gone", "'DELETE' is not permitted"),
    ("SELECT * INTO backup FROM products", "'INTO' is not permitted"),
    ("SELECT * FROM products FOR UPDATE", "'UPDATE' is not permitted"),
    ("SELECT pg_sleep(10)", "'PG_SLEEP' is not permitted"),
    ("SELECT * FROM sqlite_master", "'SQLITE_MASTER' is not permitted"),
    ("SELECT load_extension('evil')", "'LOAD_EXTENSION' is not permitted"),
    ("SELECT set_config('search_path', 'x', false)", "'SET_CONFIG' is not permitted"),
    ("SELECT $$ ; DROP TABLE products $$", "'$'"),
    ("SELECT E'\\'; DROP TABLE products; --'", "'\\'"),
    ("SELECT 'unterminated", "unterminated"),
    ("SELECT 1 /* open", "unterminated"),
    ("SELECT '\x00'", "NUL"),
    ("SELECT " + "1," * 6000 + "1", "longer than"),
]


@pytest.mark.parametrize("query", GOOD_QUERIES)
def test_read_queries_pass_the_check(query: str) -> None:
    cleaned = check_read_only(query)
    assert not cleaned.rstrip().endswith(";")
    assert SqlParams(query=query).query == cleaned


@pytest.mark.parametrize(("query", "reason"), BAD_QUERIES)
def test_anything_but_one_read_query_is_refused(query: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(reason)):
        SqlParams(query=query)


def test_bind_names() -> None:
    assert bind_names("SELECT * FROM t WHERE a = :a AND b::int = :b OR c = :a") == ["a", "b"]


def _pipeline(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pipes" / "pedido_sql.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def registry(demo_sql: SqlService) -> ToolRegistry:
    """The SQL tool kinds bound to the seeded service."""
    return ToolRegistry(Services(sql=demo_sql), [sql_toolset])


@pytest.fixture
def sql_engine(tmp_path: Path, registry: ToolRegistry) -> Iterator[Engine]:
    """A pipeline Engine whose registry has the SQL tool kinds."""
    settings = Config(DATA_DIR=tmp_path / "data", PIPELINES_DIR=tmp_path / "pipes", DATABASE_URL=None)
    engine = Engine(settings, registry=registry)
    yield engine
    engine.close()


def test_a_bad_query_is_a_pipeline_error_at_load_time(tmp_path: Path, sql_engine: Engine) -> None:
    path = _pipeline(tmp_path, BAD_YAML)
    with pytest.raises(PipelineError) as caught:
        sql_engine.runner(path)
    problem = caught.value
    assert problem.line == 6 and problem.path.startswith("tools.borrar")
    assert "must start with SELECT or WITH" in problem.message


def test_sql_tool_binds_values_caps_rows_and_returns_plain_data(registry: ToolRegistry) -> None:
    rows = registry.call("sql", {"query": "SELECT sku, price, stock FROM products WHERE price > :p ORDER BY sku",
                                 "max_rows": 7}, {"p": 1})  # fmt: skip
    assert len(rows) == 7 and all(isinstance(r["price"], float) for r in rows)
    one = registry.call("sql", {"query": "SELECT name, price FROM products WHERE sku = :sku", "single": True},
                        {"sku": "TEC-MEC-01"})  # fmt: skip
    assert one == {"name": "Teclado mecánico", "price": 79.9}
    none = registry.call("sql", {"query": "SELECT name FROM products WHERE sku = :sku", "single": True}, {"sku": "x"})
    assert none is None


@pytest.mark.parametrize("value", ["X' OR '1'='1", "'; DROP TABLE products; --", "1 OR 1=1", "%", "TEC-MEC-01' --"])
def test_sql_tool_values_are_bound_never_spliced(registry: ToolRegistry, demo_sql: SqlService, value: str) -> None:
    query = {"query": "SELECT sku FROM products WHERE sku = :sku OR name = :sku"}
    assert registry.call("sql", query, {"sku": value}) == []
    assert len(demo_sql.list_products(active_only=False)) >= 200


def test_sql_tool_argument_errors(registry: ToolRegistry) -> None:
    query = {"query": "SELECT sku FROM products WHERE sku = :sku"}
    with pytest.raises(ToolError, match="missing"):
        registry.call("sql", query, {})
    with pytest.raises(ToolError, match="unknown"):
        registry.call("sql", query, {"sku": "a", "skuu": "b"})
    with pytest.raises(ToolError, match="must be text, a number"):
        registry.call("sql", query, {"sku": ["a"]})
    with pytest.raises(ToolError, match="the query failed"):
        registry.call("sql", {"query": "SELECT nope FROM nowhere"}, {})


def test_writes_are_impossible_even_past_the_load_time_check(demo_sql: SqlService) -> None:
    with pytest.raises(sa.exc.DBAPIError):
        demo_sql.run_read_query("DELETE FROM order_lines", {})
    with pytest.raises(sa.exc.DBAPIError):
        demo_sql.run_read_query("UPDATE products SET stock = 0", {})
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 120
    demo_sql.set_product_active("TEC-MEC-01", True)  # pooled connections are writable again afterwards
    assert demo_sql.create_order("Globex", [{"sku": "GRA-01", "quantity": 1}], "after-ro")["total"] == 8.9


def test_a_runaway_query_is_stopped(registry: ToolRegistry) -> None:
    endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS c FROM r"
    with pytest.raises(ToolError, match="the query failed"):
        registry.call("sql", {"query": endless, "timeout": 0.3}, {})


def test_lookup_and_stock_tools(registry: ToolRegistry) -> None:
    found = registry.call("resolve_product", {"limit": 1}, {"text": "teclados"})
    assert found["status"] == "several" and len(found["candidates"]) == 1
    assert registry.call("resolve_customer", {}, {"text": "ACME"})["match"]["name"] == "ACME S.A."
    assert registry.call("check_stock", {}, {"sku": "IMP-LAS-01", "quantity": "3"})["ok"] is False
    with pytest.raises(ToolError, match="bad arguments"):
        registry.call("check_stock", {}, {"sku": "IMP-LAS-01", "quantity": 0})


def test_order_tools_use_the_steps_side_effect_key(registry: ToolRegistry, demo_sql: SqlService) -> None:
    args: dict[str, Any] = {"customer": "Globex", "lines": [{"sku": "GRA-01", "quantity": 2, "product": "x"}]}
    with pytest.raises(ToolError, match="no run id"):
        registry.call("create_order", {}, args, run_id="run-a")  # a key, not the run id, is what it needs
    key = "run-a:alta:crear:1"
    first = registry.call("create_order", {}, args, run_id="invocation-1", step="crear", effect_key=key)
    again = registry.call("create_order", {}, args, run_id="invocation-2", step="crear", effect_key=key)
    assert again == first  # a retried invocation with another run id meets the same key
    assert demo_sql.count_orders() == 1 and demo_sql.orders_for_key(key) == [first["order_id"]]
    assert demo_sql.orders_of_run("run-a") == [first["order_id"]]
    other = {**args, "lines": [{"sku": "GRA-01", "quantity": 3, "product": "x"}]}
    with pytest.raises(ConflictError, match=f"already wrote order {first['order_id']} \\(2 × GRA-01\\).*3 × GRA-01"):
        registry.call("create_order", {}, other, run_id="run-a", step="crear", effect_key=key)
    assert demo_sql.count_orders() == 1
    assert registry.call("get_order", {}, {"order_id": first["order_id"]}) == first
    assert registry.call("get_order", {"missing": "null"}, {"order_id": 999}) is None
    with pytest.raises(NotFoundError):
        registry.call("get_order", {}, {"order_id": 999})


def test_a_pipeline_run_looks_up_checks_writes_and_reads_back(
    tmp_path: Path, sql_engine: Engine, demo_sql: SqlService
) -> None:
    runner = sql_engine.runner(_pipeline(tmp_path, ORDER_YAML))
    result = runner(cliente="acme", producto="teclados mecánicos", cantidad=3)
    assert result.status == "completed", result.error
    order = result.output["pedido"]
    assert order["customer"] == "ACME S.A." and order["total"] == 239.7
    assert order["lines"] == [
        {"sku": "TEC-MEC-01", "product": "Teclado mecánico", "quantity": 3, "unit_price": 79.9, "subtotal": 239.7}
    ]
    assert result.data == order and "79.9" in (result.message or "")
    assert demo_sql.orders_of_run(result.run_id) == [order["order_id"]]
    short = runner(cliente="Globex", producto="impresora laser", cantidad=5)
    assert short.status == "completed" and "Solo quedan 2" in (short.message or "")
    missing = runner(cliente="umbrela corp", producto="X' OR '1'='1", cantidad=1)
    assert missing.output == {"pedido": None}
    assert demo_sql.count_orders() == 1


BAD_YAML = """\
name: pedido_sql
steps: [{id: a, kind: tool, tool: borrar, with: {}}]
tools:
  borrar:
    kind: sql
    query: "DELETE FROM products"
"""

ORDER_YAML = """\
name: pedido_sql
description: Pedido directo validado contra el catálogo
inputs:
  cliente: {type: string, required: true}
  producto: {type: string, required: true}
  cantidad: {type: integer, required: true}
tools:
  clientes: {kind: resolve_customer}
  catalogo: {kind: resolve_product, limit: 5}
  stock: {kind: check_stock}
  pedido: {kind: create_order}
  consulta: {kind: get_order}
  precio:
    kind: sql
    query: "SELECT name, price FROM products WHERE sku = :sku"
    single: true
steps:
  - {id: buscar_cliente, kind: tool, tool: clientes, with: {text: "{{ cliente }}"}, save_as: c}
  - id: buscar_producto
    kind: tool
    tool: catalogo
    with: {text: "{{ producto }}"}
    save_as: p
    next:
      - {when: "c.status != 'exact' or p.status != 'exact'", goto: no_encontrado}
      - {goto: ver_precio}
  - {id: ver_precio, kind: tool, tool: precio, with: {sku: "{{ p.match.sku }}"}, save_as: fila}
  - id: comprobar
    kind: tool
    tool: stock
    with: {sku: "{{ p.match.sku }}", quantity: "{{ cantidad }}"}
    save_as: s
    next:
      - {when: "not s.ok", goto: sin_stock}
      - {goto: crear}
  - id: crear
    kind: tool
    tool: pedido
    with: {customer: "{{ c.match.name }}", lines: [{sku: "{{ p.match.sku }}", quantity: "{{ cantidad }}"}]}
    save_as: creado
  - {id: leer, kind: tool, tool: consulta, with: {order_id: "{{ creado.order_id }}"}, save_as: pedido_final}
  - id: fin
    kind: reply
    message: "Pedido {{ pedido_final.order_id }} creado: {{ fila.name }} a {{ fila.price }} €"
    data: "{{ pedido_final }}"
    end: true
  - {id: no_encontrado, kind: reply, message: "No encuentro el cliente o el producto", end: true}
  - {id: sin_stock, kind: reply, message: "Solo quedan {{ s.available }}", end: true}
outputs:
  pedido: "{{ pedido_final }}"
"""


CHILD_ORDER_YAML = """\
name: pedido_hijo
inputs:
  cliente: {type: string, required: true}
  cantidad: {type: integer, required: true}
tools:
  pedido: {kind: create_order}
steps:
  - {id: confirmar, kind: ask, save_as: ok, question: "¿Confirmo {{ cantidad }} grapadoras?"}
  - id: crear
    kind: tool
    tool: pedido
    with: {customer: "{{ cliente }}", lines: [{sku: GRA-01, quantity: "{{ cantidad }}"}]}
    save_as: creado
outputs: {pedido: "{{ creado.order_id }}"}
"""
TWO_CHILDREN_YAML = """\
name: dos_pedidos
inputs: {cliente: {type: string, required: true}}
steps:
  - id: uno
    kind: pipeline
    pipeline: pedido_hijo
    with: {cliente: "{{ cliente }}", cantidad: 1}
    outputs: {a: pedido}
  - id: dos
    kind: pipeline
    pipeline: pedido_hijo
    with: {cliente: "{{ cliente }}", cantidad: 2}
    outputs: {b: pedido}
outputs: {primero: "{{ a }}", segundo: "{{ b }}"}
"""


def test_a_sub_pipelines_write_is_keyed_below_the_step_that_calls_it(
    tmp_path: Path, sql_engine: Engine, demo_sql: SqlService
) -> None:
    (tmp_path / "pipes").mkdir(exist_ok=True)
    (tmp_path / "pipes" / "pedido_hijo.yaml").write_text(CHILD_ORDER_YAML, encoding="utf-8")
    (tmp_path / "pipes" / "dos_pedidos.yaml").write_text(TWO_CHILDREN_YAML, encoding="utf-8")
    runner = sql_engine.runner("dos_pedidos")
    run = runner(cliente="Globex")
    assert run.question == "¿Confirmo 1 grapadoras?"
    run = runner.resume(run.run_id, "sí", understand=False)
    assert run.question == "¿Confirmo 2 grapadoras?"
    done = runner.resume(run.run_id, "sí", understand=False)
    assert done.status == "completed", done.error
    first, second = done.output["primero"], done.output["segundo"]
    assert first != second
    assert demo_sql.orders_for_key(f"{run.run_id}:dos_pedidos:uno:1/pedido_hijo:crear:1") == [first]
    assert demo_sql.orders_for_key(f"{run.run_id}:dos_pedidos:dos:1/pedido_hijo:crear:1") == [second]
    assert demo_sql.orders_of_run(run.run_id) == [first, second]


def test_a_write_run_again_from_an_older_checkpoint_meets_its_own_key(
    tmp_path: Path, sql_engine: Engine, demo_sql: SqlService
) -> None:
    """A fork from the checkpoint before the confirmation (what a retried resume or a second «sí» after a crash
    runs) has other checkpoint and task ids: the write's key must not change with them."""
    (tmp_path / "pipes").mkdir(exist_ok=True)
    (tmp_path / "pipes" / "pedido_hijo.yaml").write_text(CHILD_ORDER_YAML, encoding="utf-8")
    runner = sql_engine.runner("pedido_hijo")
    waiting = runner(cliente="Globex", cantidad=3)
    config = {"configurable": {"thread_id": waiting.run_id, "run_id": waiting.run_id}}
    paused = runner.graph.get_state(config).config
    done = runner.resume(waiting.run_id, "sí", understand=False)
    assert done.status == "completed", done.error
    forked = runner.graph.invoke(Command(resume="sí"), paused)
    assert forked["creado"]["order_id"] == done.output["pedido"] and demo_sql.count_orders() == 1
    assert demo_sql.orders_of_run(waiting.run_id) == [done.output["pedido"]]
