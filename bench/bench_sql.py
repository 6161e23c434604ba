"""SQL catalog benchmark: resolve_product / resolve_customer / check_stock on the demo DB (SQLite), each timed
interleaved with a raw parameterised query on the same engine doing the same look-up, so every figure is a ratio."""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/bench_sql.py` as well as `python -m bench.bench_sql`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from bench import measure, print_table, ratio, scaled, summary
from tools.catalog.demo_data import demo_products
from tools.catalog.lookup_text import lookup_words
from tools.catalog.sql import SqlService

ROUNDS = 5
WARMUP = 20
# The dialog phrases: exact, plural, several, typo (none) and unknown look-ups.
PHRASES = [
    "2 teclados", "ratón inalámbrico", "monitr 27 pulgadas", "grapadoras", "bolígrafos azules", "impresora laser",
    "sillas ergonómicas", "webcam hd", "paraguas", "unicornio dorado", "cable hdmi", "a4",
]  # fmt: skip
# What a developer would write by hand: one parameterised query, words already normalised like the service does.
_PRODUCT = (
    "SELECT sku, name, price, stock FROM products WHERE active AND (upper(sku) = :sku OR normalized_name = :key"
    " OR (' ' || normalized_name || ' ') LIKE :like) ORDER BY normalized_name, name, sku LIMIT 10"
)
_CUSTOMER = (
    "SELECT id, name FROM customers WHERE normalized_name = :key OR (' ' || normalized_name || ' ') LIKE :like"
    " ORDER BY normalized_name, name LIMIT 10"
)
_STOCK = "SELECT sku, name, stock, price FROM products WHERE sku = :sku AND active"


def _params(text: str) -> dict[str, str]:
    words = lookup_words(text) or [""]
    return {"sku": text.strip().upper(), "key": " ".join(words), "like": f"% {words[-1]} %"}


def _versus(
    service_call: Callable[[Any], Any],
    engine: sa.Engine,
    query: str,
    inputs: list[Any],
    params: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """The service call and the raw query on the same input, interleaved, ROUNDS passes over every input."""
    statement = sa.text(query)
    bound = {item: params(item) for item in inputs}
    items = itertools.cycle(inputs)

    def raw(item: Any) -> None:
        with engine.connect() as conn:
            conn.execute(statement, bound[item]).mappings().all()

    samples = measure(
        {"service": service_call, "raw query": raw},
        runs=scaled(ROUNDS * len(inputs), floor=len(inputs)),
        warmup=WARMUP,
        setup=lambda: next(items),
    )
    service, reference = summary(samples["service"]), summary(samples["raw query"])
    return {
        "service": service,
        "raw_query": reference,
        "ratio_p50": ratio(service, reference, "p50_ms"),
        "ratio_p99": ratio(service, reference, "p99_ms"),
    }


def main() -> dict[str, Any]:
    """Seed the demo DB in a temporary folder, time the look-ups against raw queries, print and return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        service = SqlService(f"sqlite:///{Path(folder) / 'app.db'}")
        try:
            start = time.perf_counter()
            service.ensure_ready()
            seed_ms = (time.perf_counter() - start) * 1000
            names = [p["name"] for p in demo_products() if p["active"]]
            skus = [p["sku"] for p in demo_products() if p["active"]]
            customers = [c["name"] for c in service.list_customers()]
            engine = service.engine
            results = {
                "resolve_product (every product name)": _versus(
                    service.resolve_product, engine, _PRODUCT, names, _params
                ),
                "resolve_product (dialog phrases)": _versus(
                    service.resolve_product, engine, _PRODUCT, PHRASES, _params
                ),
                "resolve_customer": _versus(service.resolve_customer, engine, _CUSTOMER, customers, _params),
                "check_stock": _versus(
                    lambda sku: service.check_stock(sku, 1), engine, _STOCK, skus, lambda sku: {"sku": sku}
                ),
            }
        finally:
            service.dispose()
    figures: dict[str, Any] = {
        "backend": "sqlite (WAL, temporary file)",
        "products": len(names),
        "seed_ms": round(seed_ms, 1),
        "lookups": results,
    }
    print_table(
        f"SQL catalog look-ups vs a raw parameterised query on the same engine, interleaved — "
        f"{len(names)} active products, {figures['backend']}; schema + demo seed {figures['seed_ms']} ms",
        [
            [name, r["service"]["p50_ms"], r["service"]["p99_ms"], r["raw_query"]["p50_ms"], r["ratio_p50"]]
            for name, r in results.items()
        ],
        ["operation", "p50 ms", "p99 ms", "raw p50 ms", "ratio p50"],
    )
    return figures


if __name__ == "__main__":
    main()
