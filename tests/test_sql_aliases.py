"""Product aliases in the SqlService: English names, short forms and measures, seeded also on an older database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tools.catalog.sql import CatalogChange, SqlService
from tools.catalog.sql_aliases import ALIASES_KEY
from tools.catalog.sql_schema import app_meta, product_aliases

KEYBOARDS = ["Teclado inalámbrico", "Teclado mecánico"]
MICE = ["Ratón inalámbrico", "Ratón óptico USB"]


@pytest.mark.parametrize(
    ("text", "status", "names"),
    [
        ("keyboards", "several", KEYBOARDS),
        ("keyboard", "several", KEYBOARDS),
        ("headsets", "exact", ["Auriculares con micrófono"]),
        ("cascos", "exact", ["Auriculares con micrófono"]),
        ("mice", "several", MICE),
        ("wireless mouse", "exact", ["Ratón inalámbrico"]),
        ("teclado wireless", "exact", ["Teclado inalámbrico"]),
        ("boli azul", "exact", ["Bolígrafo azul"]),
        ("blue pens", "exact", ["Bolígrafo azul"]),
        ("staplers", "exact", ["Grapadora"]),
        ("laptop", "exact", ["Portátil 14 pulgadas"]),
        ("office chairs", "exact", ["Silla ergonómica"]),
        ("monitor de 27", "exact", ["Monitor 27 pulgadas"]),
        ("27 inch monitor", "exact", ["Monitor 27 pulgadas"]),
        ('monitor 27"', "exact", ["Monitor 27 pulgadas"]),
        ("pantalla 24 pulg", "exact", ["Monitor 24 pulgadas"]),
        ("cable hdmi 2 metros", "exact", ["Cable HDMI 2 m"]),
        ("pendrive 64 gigas", "exact", ["Memoria USB 64 GB"]),
        ("2 keyboards", "several", KEYBOARDS),
        ("keyboard mouse", "none", []),  # two products' words never add up to one product
        ("módem", "none", []),
    ],
)
def test_aliases_resolve_like_names(shared_demo_sql: SqlService, text: str, status: str, names: list[str]) -> None:
    """An alias, a plural of it or a measure written another way finds the product in one query."""
    result = shared_demo_sql.resolve_product(text)
    assert (result["status"], [c["name"] for c in result["candidates"]]) == (status, names)


def test_list_aliases_of_active_products_only(demo_sql: SqlService) -> None:
    """Aliases list {sku, alias}; a discontinued product's aliases are neither listed nor found."""
    aliases = demo_sql.list_aliases()
    assert {"sku": "GRA-01", "alias": "stapler"} in aliases
    demo_sql.set_product_active("GRA-01", False)
    assert all(alias["sku"] != "GRA-01" for alias in demo_sql.list_aliases())
    assert demo_sql.resolve_product("stapler")["status"] == "none"


def test_a_database_seeded_before_aliases_gets_them_on_start(demo_sql: SqlService) -> None:
    """ensure_ready creates the table and seeds the demo aliases once, bumping the catalog version."""
    with demo_sql.engine.begin() as conn:
        product_aliases.drop(conn)
        conn.execute(sa.delete(app_meta).where(app_meta.c.key == ALIASES_KEY))
    fresh = SqlService(demo_sql.url)
    changes: list[CatalogChange] = []
    fresh.on_change(changes.append)
    before = fresh.catalog_version()
    try:
        assert fresh.ensure_ready() is False  # the demo data itself is not seeded again
        assert fresh.resolve_product("headset")["status"] == "exact"
        assert fresh.catalog_version() == before + 1
        assert [change["action"] for change in changes] == ["aliases"]
        count = len(fresh.list_aliases())
        assert fresh.ensure_ready() is False and len(fresh.list_aliases()) == count
        assert fresh.catalog_version() == before + 1
    finally:
        fresh.dispose()


def test_aliases_are_not_seeded_into_a_catalog_of_its_own(sql_service: SqlService) -> None:
    """A catalog that never had the demo data gets no demo aliases, even for a SKU that matches."""
    sql_service.add_product("GRA-01", "Grapadora de pinza", "3.00", 5)
    sql_service.ensure_ready()
    assert sql_service.list_aliases() == []


def test_customer_names_follow_the_catalog(demo_sql: SqlService) -> None:
    """The known customer names come from the database and are read again after a reset."""
    names = demo_sql.customer_names()
    assert {"ACME S.A.", "Globex", "Initech", "Umbrella Corp", "Stark Industries"} <= set(names)
    assert demo_sql.customer_names() is names  # cached while the catalog version stays
    demo_sql.reset(seed=False)
    assert demo_sql.customer_names() == ()


def test_new_demo_aliases_reach_a_database_holding_an_older_set(demo_sql: SqlService) -> None:
    """A database whose alias set is older gets only the missing aliases on its next start."""
    with demo_sql.engine.begin() as conn:
        conn.execute(sa.delete(product_aliases).where(product_aliases.c.alias == "bolis"))
        conn.execute(sa.update(app_meta).where(app_meta.c.key == ALIASES_KEY).values(value=1))
    before = len(demo_sql.list_aliases())
    demo_sql.ensure_ready()
    assert len(demo_sql.list_aliases()) == before + 1
    assert demo_sql.resolve_product("bolis azules")["status"] == "exact"
