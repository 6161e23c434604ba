"""Generic order-building tools the dialog pipelines use: quote lines, re-check a line, find a line by text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import textnorm
from errors import ToolError
from tools.language.quantity import quantity_in
from tools.language.reader.gazetteer import catalog_gazetteer
from tools.orders.line_checks import no_match, quantity_answer
from tools.orders.order_text import parse_order_lines
from tools.registry import ToolContext, ToolSet

order_toolset = ToolSet()
MAX_LINES = 200


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuoteLine(BaseModel):
    """An order line as the dialog keeps it; only sku and quantity matter here."""

    model_config = ConfigDict(extra="ignore")

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1_000_000)


class QuoteArgs(_Strict):
    """A customer name and resolved lines."""

    customer: str = Field(max_length=200)
    lines: list[QuoteLine] = Field(max_length=MAX_LINES)


@order_toolset.tool("quote_order", args=QuoteArgs)
def quote_order(args: QuoteArgs, ctx: ToolContext) -> dict[str, Any]:
    """The order as the user confirms it: lines with current catalog prices, subtotals and the total."""
    sql = ctx.services.require("sql")
    lines = []
    for line in args.lines:
        product = sql.get_product(line.sku)
        if product is None:
            raise ToolError(f"unknown product '{line.sku}'", details={"sku": line.sku})
        price = float(product["price"])
        lines.append(
            {
                "sku": product["sku"],
                "product": product["name"],
                "quantity": line.quantity,
                "unit_price": price,
                "subtotal": round(price * line.quantity, 2),
            }
        )
    return {"customer": args.customer, "lines": lines, "total": round(sum(x["subtotal"] for x in lines), 2)}


class CheckedLine(BaseModel):
    """A line to check: its quantity may still be wrong (0 typed by mistake)."""

    model_config = ConfigDict(extra="ignore")

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=0, le=1_000_000_000)


class LinesArgs(_Strict):
    """Resolved order lines (sku and quantity)."""

    lines: list[CheckedLine] = Field(max_length=MAX_LINES)


@order_toolset.tool("check_lines", args=LinesArgs)
def check_lines(args: LinesArgs, ctx: ToolContext) -> dict[str, Any]:
    """The first line that cannot be served as asked (discontinued, no quantity, not enough stock):
    {index (-1 when all can), active, available, name}."""
    sql = ctx.services.require("sql")
    for index, line in enumerate(args.lines):
        product = sql.get_product(line.sku)
        if product is None or not product.get("active", True):
            return {"index": index, "active": False, "available": 0, "name": product["name"] if product else line.sku}
        if line.quantity < 1 or int(product["stock"]) < line.quantity:
            return {"index": index, "active": True, "available": int(product["stock"]), "name": product["name"]}
    return {"index": -1, "active": True, "available": None, "name": None}


class MatchArgs(_Strict):
    """Items (mappings), the text to find and the fields to compare it with."""

    items: list[dict[str, Any]] = Field(max_length=MAX_LINES)
    text: str | None = Field(default=None, max_length=500)
    fields: list[str] = Field(default_factory=lambda: ["product", "text"], min_length=1, max_length=5)


def _covers(item_words: list[str], wanted: list[str]) -> bool:
    return all(any(word == w or word.startswith(w) for word in item_words) for w in wanted)


@order_toolset.tool("match_item", args=MatchArgs)
def match_item(args: MatchArgs, ctx: ToolContext) -> int:
    """Index of the first item one of whose fields contains every word of the text (accents, case, plurals
    ignored; a word may be the start of a longer one), or -1."""
    wanted = textnorm.words(args.text or "")
    if not wanted:
        return -1
    for field in args.fields:
        for index, item in enumerate(args.items):
            if _covers(textnorm.words(str(item.get(field) or "")), wanted):
                return index
    return -1


class QuantityArgs(_Strict):
    """Text that should hold a quantity."""

    text: Any = None


@order_toolset.tool("read_quantity", args=QuantityArgs)
def read_quantity(args: QuantityArgs, ctx: ToolContext) -> int | None:
    """A whole quantity written in digits or words ("2", "dos", "una docena"), or None."""
    if isinstance(args.text, int) and not isinstance(args.text, bool):
        return args.text
    return quantity_in(str(args.text or ""))


class LineArgs(_Strict):
    """One resolved line: its product and the quantity asked for (None or 0 when still unknown)."""

    sku: str = Field(min_length=1, max_length=64)
    quantity: int | None = Field(default=None, ge=-1_000_000_000, le=1_000_000_000)


@order_toolset.tool("check_line", args=LineArgs)
def check_line(args: LineArgs, ctx: ToolContext) -> dict[str, Any]:
    """Whether one line can be served as asked, as a `collect` resolver: {status: exact (then `match` is the
    quantity) | none, available, name, active}."""
    product = ctx.services.require("sql").get_product(args.sku)
    if product is None or not product.get("active", True):
        return no_match(available=0, name=product["name"] if product else args.sku, active=False)
    available = int(product["stock"])
    return quantity_answer(args.quantity, available, available=available, name=product["name"], active=True)


class AnswerArgs(_Strict):
    """The user's answer to a question about one line."""

    text: str = Field(max_length=500)


@order_toolset.tool("read_order_line", args=AnswerArgs)
def read_order_line(args: AnswerArgs, ctx: ToolContext) -> dict[str, Any]:
    """An answer naming a product, maybe with a new quantity («3 grapadoras»): {text, quantity (None when the
    answer names none)}."""
    gazetteer = catalog_gazetteer(ctx.services.sql)
    lines = parse_order_lines(args.text, gazetteer.names_product if gazetteer else None)
    if not lines:
        return {"text": args.text, "quantity": None}
    first = lines[0]
    # A quantity is given when one is written besides the product («3 grapadoras»), not inside its name
    # («Monitor 27 pulgadas») nor when none is («pon grapadoras»).
    besides = args.text.replace(first["text"], " ", 1)
    return {"text": first["text"], "quantity": first["quantity"] if quantity_in(besides) is not None else None}
