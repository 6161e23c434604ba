"""Tool kinds of the return dialog (devolucion): find the order, its lines and the reason; quote and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from errors import ToolError
from tools.catalog.sql_reads import resolution
from tools.language.reader.gazetteer import catalog_gazetteer
from tools.orders.keyed_write import run_key
from tools.orders.line_checks import no_match, quantity_answer
from tools.orders.order_text import parse_order_lines
from tools.orders.return_text import (
    REASONS,
    covers,
    order_label,
    order_number,
    product_words,
    reasons_named,
    similarity,
    wants_everything,
    wants_last,
)
from tools.orders.sql_orders import money
from tools.orders.sql_returns import SqlReturns
from tools.registry import ToolContext, ToolSet

return_toolset = ToolSet()
MAX_LINES = 100
RECENT = 5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _returns(ctx: ToolContext) -> SqlReturns:
    return SqlReturns(ctx.services.require("sql").engine)


class OrderTextArgs(_Strict):
    """The customer and what the user said about the order."""

    customer: str = Field(min_length=1, max_length=200)
    text: str = Field(default="", max_length=500)


@return_toolset.tool("resolve_order", args=OrderTextArgs)
def resolve_order(args: OrderTextArgs, ctx: ToolContext) -> dict[str, Any]:
    """One of the customer's orders, as a `collect` resolver: by number, «el último», or the products it holds;
    `reason` says why there is no single match (no_orders, number, unknown, several)."""
    listed = _returns(ctx).customer_orders(args.customer)
    if not listed:
        return no_match(reason="no_orders")
    candidates = [{**order, "name": order_label(order)} for order in listed]
    recent = candidates[-RECENT:]
    if wants_last(args.text):
        return {**resolution([candidates[-1]], 1), "reason": None}
    number = order_number(args.text)
    if number is not None:
        mine = [c for c in candidates if c["order_id"] == number]
        return {**resolution(mine, 1), "reason": None} if mine else {**resolution(recent, RECENT), "reason": "number"}
    words = product_words(args.text)
    hits = [c for c in candidates if words and any(covers(line["product"], words) for line in c["lines"])]
    if len(hits) == 1:
        return {**resolution(hits, 1), "reason": None}
    return {**resolution(hits[-RECENT:] or recent, RECENT), "reason": "several" if hits else "unknown"}


class OrderAnswerArgs(_Strict):
    """An order and what the user said about it."""

    order_id: int = Field(ge=1)
    text: str = Field(default="", max_length=500)


@return_toolset.tool("read_return_lines", args=OrderAnswerArgs)
def read_return_lines(args: OrderAnswerArgs, ctx: ToolContext) -> dict[str, Any]:
    """The lines a return answer names, as a `collect` resolver: `match` is [{text, quantity}]; «todo» is every
    unit left to return; `reason` nothing_left when the order has nothing left to return."""
    left = [line for line in _returns(ctx).returnable(args.order_id) if line["available"] > 0]
    if not left:
        return no_match(reason="nothing_left")
    if wants_everything(args.text):
        lines = [{"text": line["product"], "quantity": line["available"]} for line in left]
    else:
        gazetteer = catalog_gazetteer(ctx.services.sql)
        read = parse_order_lines(args.text, gazetteer.names_product if gazetteer else None)
        lines = [{"text": line["text"], "quantity": line["quantity"]} for line in read]
    if not lines:
        return no_match(reason="unknown")
    return {"status": "exact", "match": lines[:MAX_LINES], "candidates": [], "reason": None}


def _line_candidate(line: dict[str, Any]) -> dict[str, Any]:
    return {**line, "name": line["product"]}


@return_toolset.tool("resolve_return_line", args=OrderAnswerArgs)
def resolve_return_line(args: OrderAnswerArgs, ctx: ToolContext) -> dict[str, Any]:
    """A product of the order, as a `collect` resolver: by its name's words, its SKU, or a catalog alias."""
    lines = _returns(ctx).returnable(args.order_id)
    words = product_words(args.text)
    hits = [line for line in lines if covers(line["product"], words) or line["sku"] == args.text.strip()]
    if not hits and args.text.strip():
        found = ctx.services.require("sql").resolve_product(args.text)
        skus = {c["sku"] for c in found["candidates"]}
        hits = [line for line in lines if line["sku"] in skus]
    return resolution([_line_candidate(line) for line in hits], MAX_LINES)


class SuggestLineArgs(_Strict):
    """An order, the text typed and how many suggestions (at least how alike) are wanted."""

    order_id: int = Field(ge=1)
    text: str = Field(default="", max_length=500)
    k: int = Field(default=3, ge=1, le=10)
    min_score: float = Field(default=0.6, ge=0, le=1)


@return_toolset.tool("suggest_return_line", args=SuggestLineArgs)
def suggest_return_line(args: SuggestLineArgs, ctx: ToolContext) -> list[dict[str, Any]]:
    """The order's products whose names look like the text (typos), best first: [{text, score}]."""
    scored = [
        (similarity(args.text, line["product"]), line["product"]) for line in _returns(ctx).returnable(args.order_id)
    ]
    scored = sorted((s for s in scored if s[0] >= args.min_score), key=lambda s: (-s[0], s[1]))
    return [{"text": name, "score": round(score, 3)} for score, name in scored[: args.k]]


class ReturnQuantityArgs(_Strict):
    """One product of an order and the quantity to return (None or 0 when still unknown)."""

    order_id: int = Field(ge=1)
    sku: str = Field(min_length=1, max_length=40)
    quantity: int | None = Field(default=None, ge=-1_000_000_000, le=1_000_000_000)


@return_toolset.tool("check_return_line", args=ReturnQuantityArgs)
def check_return_line(args: ReturnQuantityArgs, ctx: ToolContext) -> dict[str, Any]:
    """Whether the quantity can be returned, as a `collect` resolver: exact (then `match` is the quantity) when
    1 ≤ quantity ≤ ordered − already returned; with {ordered, returned, available, name}."""
    line = next((x for x in _returns(ctx).returnable(args.order_id) if x["sku"] == args.sku), None)
    if line is None:
        raise ToolError(f"order {args.order_id} has no product {args.sku}", details={"order_id": args.order_id})
    counts = {key: line[key] for key in ("ordered", "returned", "available")}
    return quantity_answer(args.quantity, line["available"], name=line["product"], **counts)


class ReasonArgs(_Strict):
    """What the user said about why the goods come back."""

    text: str = Field(default="", max_length=500)


@return_toolset.tool("resolve_return_reason", args=ReasonArgs)
def resolve_return_reason(args: ReasonArgs, ctx: ToolContext) -> dict[str, Any]:
    """The coded reason a text names, as a `collect` resolver; when it names none or several, all are offered."""
    named = reasons_named(args.text)
    found = named if len(named) == 1 else list(REASONS)
    return resolution([{"name": name} for name in found], len(REASONS))


class ReturnLine(BaseModel):
    """A return line as the dialog keeps it; only sku and quantity matter here."""

    model_config = ConfigDict(extra="ignore")

    sku: str = Field(min_length=1, max_length=40)
    quantity: int = Field(ge=1, le=100_000)


class ReturnArgs(_Strict):
    """The order, the lines to return and the reason."""

    order_id: int = Field(ge=1)
    lines: list[ReturnLine] = Field(min_length=1, max_length=MAX_LINES)
    reason: str = Field(default="", max_length=200)


@return_toolset.tool("quote_return", args=ReturnArgs)
def quote_return(args: ReturnArgs, ctx: ToolContext) -> dict[str, Any]:
    """The return as the user confirms it: {order_id, customer, reason, lines (one per product, at the price
    paid), total}."""
    order = ctx.services.require("sql").get_order(args.order_id)
    left = {line["sku"]: line for line in _returns(ctx).returnable(args.order_id)}
    merged: dict[str, int] = {}
    for line in args.lines:
        if line.sku not in left:
            raise ToolError(f"order {args.order_id} has no product {line.sku}", details={"order_id": args.order_id})
        merged[line.sku] = merged.get(line.sku, 0) + line.quantity
    lines = [
        {
            "sku": sku,
            "product": left[sku]["product"],
            "quantity": quantity,
            "unit_price": left[sku]["unit_price"],
            "subtotal": money(Decimal(str(left[sku]["unit_price"])) * quantity),
        }
        for sku, quantity in merged.items()
    ]
    total = money(sum(line["subtotal"] for line in lines))
    return {
        "order_id": args.order_id,
        "customer": order["customer"],
        "reason": args.reason,
        "lines": lines,
        "total": total,
    }


@return_toolset.tool("create_return", args=ReturnArgs, writes=True)
def create_return(args: ReturnArgs, ctx: ToolContext) -> dict[str, Any]:
    """Write the return once per step visit of a run (its side-effect key) and return it."""
    key = run_key(ctx, "create_return")
    lines = [line.model_dump() for line in args.lines]
    return _returns(ctx).create_return(args.order_id, lines, args.reason, key)
