"""SqlService on SQLite and PostgreSQL: schema, seed once, catalog look-ups, stock, catalog changes."""

from __future__ import annotations

import pytest

from errors import ConflictError, NotFoundError, ToolError
from tools.catalog.sql import CatalogChange, SqlService

INJECTIONS = [
    "X' OR '1'='1",
    "'; DROP TABLE products; --",
    "teclado' --",
    '" OR ""="',
    "%",
    "_",
    "teclado%",
    "1; DELETE FROM customers",
    "ACME' UNION SELECT sku, name FROM products --",
    "\\'; --",
]


@pytest.mark.parametrize(
    ("text", "status", "names"),
    [
        ("2 teclados", "several", ["Teclado inalámbrico", "Teclado mecánico"]),
        ("teclados", "several", ["Teclado inalámbrico", "Teclado mecánico"]),
        ("Teclado mecánico", "exact", ["Teclado mecánico"]),
        ("teclado mecanico", "exact", ["Teclado mecánico"]),
        ("ratón inalámbrico", "exact", ["Ratón inalámbrico"]),
        ("raton inalambrico", "exact", ["Ratón inalámbrico"]),
        ("ratones", "several", ["Ratón inalámbrico", "Ratón óptico USB"]),
        ("monitr 27 pulgadas", "none", []),
        ("monitor 27", "exact", ["Monitor 27 pulgadas"]),
        ("monitores", "several", ["Monitor 24 pulgadas", "Monitor 27 pulgadas"]),
        ("grapadoras", "exact", ["Grapadora"]),
        ("bolígrafos azules", "exact", ["Bolígrafo azul"]),
        ("impresora laser", "exact", ["Impresora láser"]),
        ("sillas ergonómicas", "exact", ["Silla ergonómica"]),
        ("webcam hd", "exact", ["Webcam HD"]),
        ("auriculares", "exact", ["Auriculares con micrófono"]),
        ("auriculares con micrófono", "exact", ["Auriculares con micrófono"]),
        ("cable hdmi", "exact", ["Cable HDMI 2 m"]),
        ("papel a4", "exact", ["Papel A4 500 hojas"]),
        ("portátil", "exact", ["Portátil 14 pulgadas"]),
        ("TEC-MEC-01", "exact", ["Teclado mecánico"]),
        ("paraguas", "none", []),
        ("unicornio dorado", "none", []),
        ("", "none", []),
        ("de la", "none", []),
        ("módem adsl", "none", []),  # discontinued: inactive products are never offered
    ],
)
def test_resolve_product(shared_demo_sql: SqlService, text: str, status: str, names: list[str]) -> None:
    result = shared_demo_sql.resolve_product(text)
    assert result["status"] == status
    assert [c["name"] for c in result["candidates"]] == names
    if status == "exact":
        assert result["match"] == result["candidates"][0]
        assert set(result["match"]) == {"sku", "name", "price", "stock"}
        assert isinstance(result["match"]["price"], float)
    else:
        assert result["match"] is None


@pytest.mark.parametrize(
    ("text", "status", "names"),
    [
        ("ACME", "exact", ["ACME S.A."]),
        ("acme sa", "exact", ["ACME S.A."]),
        ("Acme S.A.", "exact", ["ACME S.A."]),
        ("umbrella", "exact", ["Umbrella Corp"]),
        ("umbrela corp", "none", []),
        ("stark", "exact", ["Stark Industries"]),
        ("S.A.", "several", ["ACME S.A.", "Construcciones Ebro S.A."]),
        ("nadie", "none", []),
    ],
)
def test_resolve_customer(shared_demo_sql: SqlService, text: str, status: str, names: list[str]) -> None:
    result = shared_demo_sql.resolve_customer(text)
    assert result["status"] == status
    assert [c["name"] for c in result["candidates"]] == names


@pytest.mark.parametrize("text", INJECTIONS)
def test_lookups_are_parameterised(shared_demo_sql: SqlService, text: str) -> None:
    products, customers = len(shared_demo_sql.list_products(active_only=False)), len(shared_demo_sql.list_customers())
    assert shared_demo_sql.resolve_product(text)["status"] != "exact"
    customer = shared_demo_sql.resolve_customer(text)
    # A known customer named in the text is found as in any sentence; the rest of the text never reaches SQL.
    assert customer["status"] != "exact" or (customer["match"]["name"] == "ACME S.A." and "ACME" in text)
    with pytest.raises(ToolError):
        shared_demo_sql.check_stock(text, 1)
    assert len(shared_demo_sql.list_products(active_only=False)) == products
    assert len(shared_demo_sql.list_customers()) == customers


def test_lookup_limits_and_type_checks(shared_demo_sql: SqlService) -> None:
    assert len(shared_demo_sql.resolve_product("a4", limit=3)["candidates"]) == 3
    assert shared_demo_sql.resolve_product("a4", limit=3)["status"] == "several"
    with pytest.raises(ToolError):
        shared_demo_sql.resolve_product("x" * 501)
    with pytest.raises(ToolError):
        shared_demo_sql.resolve_product(None)  # type: ignore[arg-type]


def test_schema_creation_is_idempotent_and_seed_happens_once(sql_service: SqlService) -> None:
    assert not sql_service.is_seeded()
    assert sql_service.ensure_ready() is True
    products = len(sql_service.list_products(active_only=False))
    assert products >= 200 and len(sql_service.list_customers()) >= 20
    sql_service.create_schema()
    assert sql_service.ensure_ready() is False
    assert sql_service.seed_demo() is False
    assert len(sql_service.list_products(active_only=False)) == products


def test_a_fresh_service_on_a_seeded_database_does_not_seed_again(demo_sql: SqlService) -> None:
    again = SqlService(demo_sql.url)
    try:
        assert again.ensure_ready() is False
        assert len(again.list_products(active_only=False)) == len(demo_sql.list_products(active_only=False))
    finally:
        again.dispose()


def test_seed_skips_a_catalog_that_has_its_own_products(sql_service: SqlService) -> None:
    sql_service.add_product("OWN-1", "Producto propio", "1.00", stock=3)
    assert sql_service.seed_demo() is False
    assert [p["sku"] for p in sql_service.list_products()] == ["OWN-1"]


def test_reset_drops_orders_and_restores_the_demo_catalog(demo_sql: SqlService) -> None:
    demo_sql.create_order("Globex", [{"sku": "TEC-MEC-01", "quantity": 5}], "reset-key")
    before = demo_sql.catalog_version()
    demo_sql.reset()
    assert demo_sql.count_orders() == 0
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 120
    assert demo_sql.catalog_version() > before
    demo_sql.reset(seed=False)
    assert demo_sql.list_products() == []


def test_check_stock(demo_sql: SqlService) -> None:
    assert demo_sql.check_stock("IMP-LAS-01", 2) == {
        "ok": True, "sku": "IMP-LAS-01", "name": "Impresora láser", "available": 2, "requested": 2, "price": 199.0,
    }  # fmt: skip
    assert demo_sql.check_stock("IMP-LAS-01", 3)["ok"] is False
    with pytest.raises(ToolError):
        demo_sql.check_stock("IMP-LAS-01", 0)
    with pytest.raises(ToolError):
        demo_sql.check_stock("DIS-OLD-01", 1)  # discontinued


def test_catalog_changes_bump_the_version_and_call_listeners(demo_sql: SqlService) -> None:
    seen: list[CatalogChange] = []
    unsubscribe = demo_sql.on_change(seen.append)
    demo_sql.on_change(lambda change: 1 / 0)  # a failing listener must not stop the others
    start = demo_sql.catalog_version()
    added = demo_sql.add_product("TEC-ERG-01", "Teclado ergonómico", 59.9, stock=10)
    assert added == {"sku": "TEC-ERG-01", "name": "Teclado ergonómico", "price": 59.9, "stock": 10, "active": True}
    assert [c["name"] for c in demo_sql.resolve_product("teclados")["candidates"]] == [
        "Teclado ergonómico", "Teclado inalámbrico", "Teclado mecánico",
    ]  # fmt: skip
    demo_sql.set_product_active("TEC-ERG-01", False)
    assert len(demo_sql.resolve_product("teclados")["candidates"]) == 2
    assert demo_sql.get_product("TEC-ERG-01")["active"] is False  # type: ignore[index]
    assert demo_sql.catalog_version() == start + 2
    assert [(c["action"], c["skus"], c["version"]) for c in seen] == [
        ("added", ["TEC-ERG-01"], start + 1), ("deactivated", ["TEC-ERG-01"], start + 2),
    ]  # fmt: skip
    unsubscribe()
    demo_sql.set_product_active("TEC-ERG-01", True)
    assert len(seen) == 2


def test_product_admin_errors(demo_sql: SqlService) -> None:
    with pytest.raises(ConflictError):
        demo_sql.add_product("TEC-MEC-01", "Otro teclado", 1)
    with pytest.raises(NotFoundError):
        demo_sql.set_product_active("NOPE", False)
    with pytest.raises(ToolError):
        demo_sql.add_product("X-1", "  de  ", 1)
    assert demo_sql.get_product("NOPE") is None


def test_unsupported_database_url() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        SqlService("mysql://localhost/db")
