"""Pipeline tool kinds over the SqlService: declared read queries, catalog look-ups, stock and orders."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from errors import NotFoundError, ToolError
from tools.catalog.sql_guard import bind_names, check_read_only
from tools.orders.keyed_write import run_key
from tools.registry import NoParams, ToolContext, ToolSet

sql_toolset = ToolSet()

Scalar = str | int | float | bool | None
P = TypeVar("P", bound=BaseModel)


def _params(ctx: ToolContext, model: type[P]) -> P:
    """The tool instance's parameters as `model` (the registry validates them with that model already)."""
    return ctx.params if isinstance(ctx.params, model) else model.model_validate(ctx.params.model_dump())


def plain(value: Any) -> Any:
    """A database value as JSON-like data: Decimal → float, dates → ISO text, bytes → hex."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SqlParams(_Strict):
    """A declared read query: one SELECT/WITH statement with `:named` parameters, checked at load time."""

    query: str = Field(description="one read-only SELECT or WITH statement; bind values as :name")
    max_rows: int = Field(100, ge=1, le=1000, description="rows returned at most")
    single: bool = Field(False, description="return the first row (or null) instead of a list")
    timeout: float = Field(5.0, gt=0, le=60, description="seconds before the query is stopped")

    @field_validator("query")
    @classmethod
    def _read_only(cls, query: str) -> str:
        return check_read_only(query)

    @property
    def binds(self) -> list[str]:
        """The `:name` parameters the query needs."""
        return bind_names(self.query)


class SqlArgs(BaseModel):
    """Bind values of a declared query: one scalar per `:name` parameter."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="after")
    def _scalars(self) -> SqlArgs:
        for name, value in (self.model_extra or {}).items():
            if not isinstance(value, Scalar):
                raise ValueError(f"the value for :{name} must be text, a number, true/false or null")
        return self


class TextArgs(_Strict):
    """Free text typed by the user."""

    text: str = Field(max_length=500)


class LookupParams(_Strict):
    """How many candidates a look-up returns at most."""

    limit: int = Field(10, ge=1, le=50)


class StockArgs(_Strict):
    """A product and the quantity wanted."""

    sku: str = Field(min_length=1, max_length=40)
    quantity: int = Field(ge=1, le=100_000)


class OrderLineArgs(BaseModel):
    """One order line; other keys a parser adds (product, unit_price…) are ignored."""

    model_config = ConfigDict(extra="ignore")
    sku: str = Field(min_length=1, max_length=40)
    quantity: int = Field(ge=1, le=100_000)


class OrderArgs(_Strict):
    """The customer (name or id) and the lines of an order."""

    customer: int | str
    lines: list[OrderLineArgs] = Field(min_length=1, max_length=100)


class OrderIdArgs(_Strict):
    """An order number."""

    order_id: int = Field(ge=1)


class GetOrderParams(_Strict):
    """What to do when the order does not exist: fail the step, or return null for the pipeline to branch."""

    missing: Literal["error", "null"] = "error"


@sql_toolset.tool("sql", args=SqlArgs, params=SqlParams)
def run_sql(args: SqlArgs, ctx: ToolContext) -> Any:
    """Run the declared read-only query with the step's values bound to its `:name` parameters."""
    params = _params(ctx, SqlParams)
    values = dict(args.model_extra or {})
    needed = params.binds
    missing = [name for name in needed if name not in values]
    unknown = [name for name in values if name not in needed]
    if missing or unknown:
        raise ToolError(
            f"step '{ctx.step}': the query needs values for {needed or 'no parameters'}; "
            f"missing {missing}, unknown {unknown}",
            step=ctx.step,
            details={"missing": missing, "unknown": unknown},
        )
    try:
        rows = ctx.services.require("sql").run_read_query(params.query, values, params.max_rows, params.timeout)
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise ToolError(f"step '{ctx.step}': the query failed: {reason}", step=ctx.step) from None
    result = [{key: plain(value) for key, value in row.items()} for row in rows]
    if params.single:
        return result[0] if result else None
    return result


@sql_toolset.tool("resolve_product", args=TextArgs, params=LookupParams)
def resolve_product(args: TextArgs, ctx: ToolContext) -> dict[str, Any]:
    """Resolve a product text to exact / several / none active catalog candidates."""
    return ctx.services.require("sql").resolve_product(args.text, limit=_params(ctx, LookupParams).limit)


@sql_toolset.tool("resolve_customer", args=TextArgs, params=LookupParams)
def resolve_customer(args: TextArgs, ctx: ToolContext) -> dict[str, Any]:
    """Resolve a customer text to exact / several / none customers."""
    return ctx.services.require("sql").resolve_customer(args.text, limit=_params(ctx, LookupParams).limit)


@sql_toolset.tool("check_stock", args=StockArgs, params=NoParams)
def check_stock(args: StockArgs, ctx: ToolContext) -> dict[str, Any]:
    """Whether a product has the quantity in stock: {ok, sku, name, available, requested, price}."""
    return ctx.services.require("sql").check_stock(args.sku, args.quantity)


@sql_toolset.tool("create_order", args=OrderArgs, params=NoParams, writes=True)
def create_order(args: OrderArgs, ctx: ToolContext) -> dict[str, Any]:
    """Write the order once per step visit of a run (its side-effect key) and return it."""
    key = run_key(ctx, "create_order")
    lines = [line.model_dump() for line in args.lines]
    return ctx.services.require("sql").create_order(args.customer, lines, idempotency_key=key)


@sql_toolset.tool("get_order", args=OrderIdArgs, params=GetOrderParams)
def get_order(args: OrderIdArgs, ctx: ToolContext) -> dict[str, Any] | None:
    """An order with its lines and total; null when missing and the tool says `missing: "null"`."""
    try:
        return ctx.services.require("sql").get_order(args.order_id)
    except NotFoundError:
        if _params(ctx, GetOrderParams).missing == "null":
            return None
        raise
