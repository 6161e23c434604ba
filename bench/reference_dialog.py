"""The order dialog of pipelines/alta_pedido.yaml written by hand in LangGraph: the yardstick of the YAML layer.

A TypedDict state, plain functions as nodes, one `interrupt()` per question node and routers in Python. It
shares with the pipeline only the business functions (the SQL service, the vector suggestions and the
language readers), never the compiler or the pipeline language. A check node walks the order lines in a
Python loop and stops at the first line that needs a question; the question node applies the answer and hands
back to the check node, so a resume runs the question node and the checks up to the next question.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import interrupt

from bench.reference_text import (
    CANCELLED,
    CUSTOMER_QUESTION,
    NOT_UNDERSTOOD,
    PRODUCTS_QUESTION,
    YES_NO,
    chosen,
    confirm_question,
    customer_question,
    done_message,
    not_found_message,
    product_question,
    question,
    removes,
    stock_question,
)
from tools.memory.memory_tools import CollectionParams, SuggestArgs, suggest
from tools.orders.order_edit import parse_edit
from tools.orders.order_text import parse_order_lines, parse_order_request
from tools.orders.order_tools import (
    AnswerArgs,
    LineArgs,
    MatchArgs,
    QuantityArgs,
    QuoteArgs,
    check_line,
    match_item,
    quote_order,
    read_order_line,
    read_quantity,
)
from tools.registry import NoParams, Services, ToolContext


class OrderState(TypedDict, total=False):
    """The state of one order dialog."""

    mensaje: str | None  # the free sentence the order started with
    cliente: str | None  # the customer as typed
    productos: str | None  # the products as typed
    customer: dict[str, Any] | None  # the resolved customer {id, name}
    lines: list[dict[str, Any]]  # {text, quantity, sku, product}
    cursor: int  # the line a check stopped at
    pending: dict[str, Any] | None  # the next question's payload
    quote: dict[str, Any] | None  # the order as confirmed
    action: str | None  # what the confirmation answer asked for
    order: dict[str, Any] | None  # the order written
    messages: Annotated[list[str], operator.add]
    status: str | None


class OrderDialog:
    """The nodes and routers of the dialog, bound to the services they call."""

    def __init__(self, services: Services) -> None:
        self.sql = services.require("sql")
        self.ctx = ToolContext(params=NoParams(), services=services)
        self.customers = ToolContext(params=CollectionParams(collection="customers"), services=services)
        self.products = ToolContext(params=CollectionParams(collection="products"), services=services)

    def _suggest(self, ctx: ToolContext, text: str) -> list[dict[str, Any]]:
        return suggest(SuggestArgs(text=text, k=3, min_score=0.2), ctx)

    # --- customer ------------------------------------------------------------------------------------------

    def read_request(self, state: OrderState) -> OrderState:
        """Customer and products named in the opening sentence, unless given already."""
        request = parse_order_request(state.get("mensaje") or "", self.sql.customer_names())
        return {
            "cliente": state.get("cliente") or request["customer"],
            "productos": state.get("productos") or request["products"],
        }

    def check_customer(self, state: OrderState) -> OrderState:
        """Resolve the customer text, or prepare the question that asks for it."""
        text = state.get("cliente")
        if not text:
            return {"pending": question(CUSTOMER_QUESTION)}
        found = self.sql.resolve_customer(text)
        if found["status"] == "exact":
            return {"customer": found["match"], "pending": None}
        hints = [] if found["status"] == "several" else self._suggest(self.customers, text)
        return {"pending": customer_question(text, found, hints)}

    def ask_customer(self, state: OrderState) -> OrderState:
        """Ask for the customer."""
        pending = state["pending"] or {}
        return {"cliente": chosen(interrupt(pending), pending["options"])}

    def after_customer(
        self, state: OrderState
    ) -> Literal["ask_customer", "check_products", "read_lines", "ask_products"]:
        """Ask again, re-check the lines (a change at the confirmation), or go on to the products."""
        if state.get("pending"):
            return "ask_customer"
        if state.get("lines"):
            return "check_products"
        return "read_lines" if state.get("productos") else "ask_products"

    # --- products ------------------------------------------------------------------------------------------

    def ask_products(self, state: OrderState) -> OrderState:
        """Ask which products to order."""
        return {"productos": chosen(interrupt(question(PRODUCTS_QUESTION)), [])}

    def read_lines(self, state: OrderState) -> OrderState:
        """The order lines the products text names."""
        return {"lines": [dict(line) for line in parse_order_lines(state.get("productos") or "")], "cursor": 0}

    def check_products(self, state: OrderState) -> OrderState:
        """Resolve each line's product from the cursor on; stop at the first that needs a question."""
        lines, index = list(state.get("lines") or []), state.get("cursor", 0)
        while index < len(lines):
            line = lines[index]
            found = self.sql.resolve_product(line["text"])
            if found["status"] != "exact":
                hints = [] if found["status"] == "several" else self._suggest(self.products, line["text"])
                return {"lines": lines, "cursor": index, "pending": product_question(line["text"], found, hints)}
            lines[index] = {**line, "sku": found["match"]["sku"], "product": found["match"]["name"]}
            index += 1
        if not lines:
            return {"lines": [], "productos": None, "pending": None}
        return {"lines": lines, "cursor": 0, "pending": None}

    def ask_product(self, state: OrderState) -> OrderState:
        """Ask which product a line means; «quitar» drops the line."""
        pending = state["pending"] or {}
        answer = chosen(interrupt(pending), pending["options"])
        lines, index = list(state["lines"]), state["cursor"]
        if removes(answer):
            del lines[index]
        else:
            read = read_order_line(AnswerArgs(text=answer), self.ctx)
            lines[index] = {**lines[index], **{k: v for k, v in read.items() if v is not None and v != ""}}
        return {"lines": lines}

    def after_products(
        self, state: OrderState
    ) -> Literal["ask_product", "ask_products", "check_customer", "check_stock"]:
        """Ask about a line, ask for products again when none is left, or go on to the stock."""
        if state.get("pending"):
            return "ask_product"
        if not state.get("lines"):
            return "ask_products"
        return "check_stock" if state.get("customer") else "check_customer"

    # --- stock ---------------------------------------------------------------------------------------------

    def check_stock(self, state: OrderState) -> OrderState:
        """Check each line's quantity from the cursor on; when all can be served, quote the order."""
        lines, index = state.get("lines") or [], state.get("cursor", 0)
        while index < len(lines):
            line = lines[index]
            result = check_line(LineArgs(sku=line["sku"], quantity=line.get("quantity")), self.ctx)
            if result["status"] != "exact":
                return {"cursor": index, "pending": stock_question(line, result["available"])}
            index += 1
        if not lines:
            return {"lines": [], "productos": None, "pending": None}
        customer = (state.get("customer") or {})["name"]
        quote = quote_order(QuoteArgs.model_validate({"customer": customer, "lines": lines}), self.ctx)
        return {"quote": quote, "pending": None}

    def ask_stock(self, state: OrderState) -> OrderState:
        """Ask how many units of a line; «quitar» drops the line."""
        answer = chosen(interrupt(state["pending"] or {}), [])
        lines, index = list(state["lines"]), state["cursor"]
        if removes(answer):
            del lines[index]
        else:
            quantity = read_quantity(QuantityArgs(text=answer), self.ctx)
            if quantity is not None:
                lines[index] = {**lines[index], "quantity": quantity}
        return {"lines": lines}

    def after_stock(self, state: OrderState) -> Literal["ask_products", "ask_stock", "ask_confirm"]:
        """Ask for products when none is left, ask about a quantity, or confirm."""
        if not state.get("lines"):
            return "ask_products"
        return "ask_stock" if state.get("pending") else "ask_confirm"

    # --- confirmation --------------------------------------------------------------------------------------

    def ask_confirm(self, state: OrderState) -> OrderState:
        """Ask to confirm the quoted order; an edit changes the lines or the customer, which are checked again."""
        answer = chosen(interrupt(confirm_question(state["quote"] or {})), YES_NO)
        edit = parse_edit(answer)
        action, target, quantity = edit["action"], edit["target"], edit["quantity"]
        if action in ("confirm", "cancel"):
            return {"action": action}
        if action == "set_customer" and edit["customer"]:
            return {"action": "customer", "cliente": edit["customer"], "customer": None, "cursor": 0}
        lines = list(state.get("lines") or [])
        if action == "add" and target:
            lines.append({"text": target, "quantity": 1 if quantity is None else quantity})
            return {"action": "recheck", "lines": lines, "cursor": 0}
        if action in ("remove", "set_quantity") and target:
            index = match_item(MatchArgs(items=lines, text=target), self.ctx)
            if index < 0:
                return {"action": "again", "messages": [not_found_message(target)]}
            if action == "remove":
                del lines[index]
                return {"action": "recheck", "lines": lines, "cursor": 0}
            if quantity and quantity >= 1:
                lines[index] = {**lines[index], "quantity": quantity}
                return {"action": "recheck", "lines": lines, "cursor": 0}
        return {"action": "again", "messages": [NOT_UNDERSTOOD]}

    def after_confirm(
        self, state: OrderState
    ) -> Literal["create_order", "cancelled", "check_customer", "check_products", "ask_confirm"]:
        """Write, cancel, check the changed customer or lines, or ask again."""
        action = state.get("action")
        if action == "confirm":
            return "create_order"
        if action == "cancel":
            return "cancelled"
        if action == "customer":
            return "check_customer"
        return "check_products" if action == "recheck" else "ask_confirm"

    def create_order(self, state: OrderState, config: RunnableConfig) -> OrderState:
        """Write the order once per run (the run id is its idempotency key)."""
        configurable = config.get("configurable", {})
        key = configurable.get("run_id") or configurable["thread_id"]
        lines = [{"sku": line["sku"], "quantity": line["quantity"]} for line in state["lines"]]
        order = self.sql.create_order((state.get("customer") or {})["name"], lines, idempotency_key=key)
        return {"order": order, "messages": [done_message(order)], "status": "completed"}

    def cancelled(self, state: OrderState) -> OrderState:
        """Say nothing was saved."""
        return {"messages": [CANCELLED], "status": "cancelled"}


def reference_graph(services: Services, checkpointer: Any = None) -> CompiledStateGraph:
    """The hand-written order dialog, compiled with `checkpointer`."""
    dialog = OrderDialog(services)
    builder = StateGraph(OrderState)
    for name in (
        "read_request",
        "check_customer",
        "ask_customer",
        "ask_products",
        "read_lines",
        "check_products",
        "ask_product",
        "check_stock",
        "ask_stock",
        "ask_confirm",
        "create_order",
        "cancelled",
    ):
        builder.add_node(name, getattr(dialog, name))
    builder.add_edge(START, "read_request")
    builder.add_edge("read_request", "check_customer")
    builder.add_conditional_edges("check_customer", dialog.after_customer)
    builder.add_edge("ask_customer", "check_customer")
    builder.add_edge("ask_products", "read_lines")
    builder.add_edge("read_lines", "check_products")
    builder.add_conditional_edges("check_products", dialog.after_products)
    builder.add_edge("ask_product", "check_products")
    builder.add_conditional_edges("check_stock", dialog.after_stock)
    builder.add_edge("ask_stock", "check_stock")
    builder.add_conditional_edges("ask_confirm", dialog.after_confirm)
    builder.add_edge("create_order", END)
    builder.add_edge("cancelled", END)
    return builder.compile(checkpointer=checkpointer, name="alta_pedido_reference")
