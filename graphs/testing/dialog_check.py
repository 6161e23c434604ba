"""A chat turn compared with its dialog file's `expect`, and the catalog changes a turn makes before its message."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from errors import AppError, InputError
from graphs.testing.dialog_files import Turn
from textnorm import fold

Found = list[tuple[str, str]]


@dataclass
class Difference:
    """The first thing a turn showed that its `expect` did not allow."""

    turn: int
    user: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"turn {self.turn} «{self.user}»: expected {self.expected}, got {self.got}"


class CatalogWriter(Protocol):
    """What a turn's catalog changes use: the catalog service's product look-up and writes."""

    def resolve_product(self, text: str, limit: int = 10) -> dict[str, Any]:
        """The product a text names ({status, match, candidates})."""

    def set_product_active(self, sku: str, active: bool) -> dict[str, Any]:
        """Activate or discontinue a product."""

    def set_stock(self, sku: str, stock: int) -> dict[str, Any]:
        """Set a product's stock."""


def change_catalog(turn: Turn, catalog: CatalogWriter) -> None:
    """Apply what a turn changes in the catalog before its message (`deactivate`, `stock`), as another salesperson
    or the warehouse would meanwhile."""
    for name in turn.deactivate:
        catalog.set_product_active(_product_sku(catalog, name, "deactivate"), False)
    for name, stock in turn.stock.items():
        catalog.set_stock(_product_sku(catalog, name, "stock"), stock)


def _product_sku(catalog: CatalogWriter, name: str, where: str) -> str:
    match = catalog.resolve_product(name)["match"]
    if not match:
        raise InputError(f"'{where}' names an unknown product {name[:60]!r}")
    return str(match["sku"])


class OrderReader(Protocol):
    """What the order checks read: the catalog service's order look-ups."""

    def orders_of_run(self, run_id: str) -> list[int]:
        """Ids of the orders a run wrote."""

    def get_order(self, order_id: int) -> dict[str, Any]:
        """One order with its customer and lines."""


class ReturnReader(Protocol):
    """What the return checks read: the returns written by a run, and a customer's latest order."""

    def returns_of_run(self, run_id: str) -> list[int]:
        """Ids of the returns a run wrote."""

    def get_return(self, return_id: int) -> dict[str, Any]:
        """One return with its order, customer, reason and lines."""

    def last_order_of(self, customer: str) -> int | None:
        """The id of the customer's latest order."""


def turn_differences(expect: Mapping[str, Any], *, status: str, reply: str, options: list[str], data: Any) -> Found:
    """A turn's answer against its `expect` (not the order checks): (expected, got) for each difference."""
    found: Found = []
    if "status" in expect and status != expect["status"]:
        found.append((f"status «{expect['status']}»", f"«{status}»"))
    if "options_first" in expect and (not options or options[0] != expect["options_first"]):
        found.append((f"first option «{expect['options_first']}»", f"options {options}"))
    found += [(f"option «{o}»", f"options {options}") for o in expect.get("options_include", []) if o not in options]
    folded = fold(reply)
    found += [(f"«{t}» in the reply", repr(reply)) for t in expect.get("reply_contains", []) if fold(t) not in folded]
    found += [(f"no «{t}» in the reply", repr(reply)) for t in expect.get("reply_lacks", []) if fold(t) in folded]
    encoded = fold(json.dumps(data, ensure_ascii=False))
    found += [(f"«{t}» in the data", encoded) for t in expect.get("data_contains", []) if fold(t) not in encoded]
    found += [(f"no «{t}» in the data", encoded) for t in expect.get("data_lacks", []) if fold(t) in encoded]
    return found


def order_differences(expect: Mapping[str, Any], orders: OrderReader, run_ids: list[str], run_id: str | None) -> Found:
    """The orders table against a turn's `order` / `no_order`: (expected, got) for each difference."""
    found: Found = []
    if expect.get("no_order"):
        found += [("no order", f"run {rid} wrote one") for rid in run_ids if orders.orders_of_run(rid)]
    if "order" in expect:
        wanted = expect["order"]
        ids = orders.orders_of_run(run_id) if run_id else []
        if len(ids) != 1:
            return [*found, (f"one order {wanted}", f"{len(ids)} orders of run {run_id}")]
        try:
            order = orders.get_order(ids[0])
        except AppError as exc:
            return [*found, (f"order {wanted}", exc.message)]
        lines: dict[str, int] = {}
        for line in order["lines"]:
            lines[line["product"]] = lines.get(line["product"], 0) + int(line["quantity"])
        if order["customer"] != wanted["customer"] or lines != wanted["lines"]:
            found.append((f"order {wanted}", str({"customer": order["customer"], "lines": lines})))
    return found


def return_differences(
    expect: Mapping[str, Any], returns: ReturnReader, run_ids: list[str], run_id: str | None
) -> Found:
    """The returns table against a turn's `return` / `no_return`: (expected, got) for each difference."""
    found: Found = []
    if expect.get("no_return"):
        found += [("no return", f"run {rid} wrote one") for rid in run_ids if returns.returns_of_run(rid)]
    if "return" not in expect:
        return found
    wanted = {"order": "last", **expect["return"]}
    ids = returns.returns_of_run(run_id) if run_id else []
    if len(ids) != 1:
        return [*found, (f"one return {wanted}", f"{len(ids)} returns of run {run_id}")]
    try:
        written = returns.get_return(ids[0])
        order = returns.last_order_of(wanted["customer"]) if wanted["order"] == "last" else wanted["order"]
    except AppError as exc:
        return [*found, (f"return {wanted}", exc.message)]
    lines: dict[str, int] = {}
    for line in written["lines"]:
        lines[line["product"]] = lines.get(line["product"], 0) + int(line["quantity"])
    got = {"customer": written["customer"], "order": written["order_id"], "lines": lines, "reason": written["reason"]}
    want = {**wanted, "order": order, "reason": wanted.get("reason", written["reason"])}
    if got != want:
        found.append((f"return {want}", str(got)))
    return found
