"""Scripted dialogs played turn by turn at graph level, and what each graph did, in a form two graphs can compare.

A transcript holds, per turn, the question asked (text, options, data), the messages so far and the status;
then the final outputs and the orders the dialog wrote (read back from the database). Order numbers differ
between databases, so they are replaced by their rank within the dialog («#1»).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from graphs.compile.step_context import outputs_of
from pipelines.schema import PipelineConfig
from tools.catalog.sql_schema import order_lines, orders

RECURSION_LIMIT = 500
_threads = itertools.count()


@dataclass
class Contender:
    """One graph playing the dialogs: the reference (no pipeline config) or the YAML pipeline, with its database."""

    name: str
    graph: CompiledStateGraph
    sql: Any
    pipeline: PipelineConfig | None = None

    def start(self, dialog: dict[str, Any], prefix: str = "run") -> Play:
        """A dialog ready to play on this graph, on a thread of its own."""
        thread = f"{prefix}-{self.name}-{dialog['name']}-{next(_threads)}"
        return Play(self, dialog, {"configurable": {"thread_id": thread, "run_id": thread}})


@dataclass
class Play:
    """One dialog being played on one contender, one turn at a time."""

    contender: Contender
    dialog: dict[str, Any]
    config: dict[str, Any]
    turn: int = 0
    last: dict[str, Any] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)
    first_order: int = 0

    def __post_init__(self) -> None:
        self.config["recursion_limit"] = RECURSION_LIMIT
        self.first_order = _last_order(self.contender.sql) + 1

    @property
    def done(self) -> bool:
        """Whether every turn has been played."""
        return self.turn > len(self.dialog["answers"])

    def invoke(self, durability: str = "exit") -> dict[str, Any]:
        """Play the next turn (the start, then one answer per turn) and return what the graph returned."""
        graph = self.contender.graph
        if self.turn == 0:
            out = graph.invoke(dict(self.dialog["inputs"]), self.config, durability=durability)
        else:
            answer = self.dialog["answers"][self.turn - 1]
            out = graph.invoke(Command(resume=answer), self.config, durability=durability)
        self.turn += 1
        self.last = out
        return out

    def record(self) -> None:
        """Note what the last turn asked and said."""
        self.views.append(_view(self.last, yaml=self.contender.pipeline is not None))

    def play(self) -> dict[str, Any]:
        """Play every remaining turn and return the transcript."""
        while not self.done:
            self.invoke()
            self.record()
        return self.transcript()

    def transcript(self) -> dict[str, Any]:
        """What the dialog asked, said and wrote, with order numbers replaced by their rank («#1»)."""
        state, pipeline = self.last, self.contender.pipeline
        status = self.views[-1]["status"] if self.views else None
        if status != "completed":
            outputs = None
        elif pipeline is not None:
            outputs = outputs_of(pipeline, state, self.config)
        else:
            order = state.get("order") or {}
            outputs = {key: order.get(key) for key in ("order_id", "customer", "lines", "total")}
        written = _orders_since(self.contender.sql, self.first_order)
        ranks = {order["order_id"]: f"#{rank}" for rank, order in enumerate(written, start=1)}
        for order in written:
            key, run_id = order.pop("idempotency_key"), self.config["configurable"]["run_id"]
            order["idempotency_key_of_run"] = key == run_id or key.startswith(f"{run_id}:")
            order["order_id"] = ranks[order["order_id"]]
        return _renumbered({"turns": self.views, "outputs": outputs, "orders": written}, ranks)


def _view(out: dict[str, Any], *, yaml: bool) -> dict[str, Any]:
    pending = out.get("__interrupt__") or []
    asked = None
    if pending:
        payload = pending[0].value
        asked = {"question": payload.get("question"), "options": list(payload.get("options") or [])}
        asked["data"] = payload.get("data")
    messages = out.get("__messages__" if yaml else "messages") or []
    status = "waiting" if pending else out.get("__status__" if yaml else "status")
    return {"asked": asked, "messages": list(messages), "status": status}


def _renumbered(value: Any, ranks: dict[int, str]) -> Any:
    """`value` with every order number (in «Pedido N …» texts and `order_id` fields) replaced by its rank."""
    if isinstance(value, str):
        for number, rank in ranks.items():
            value = value.replace(f"Pedido {number} ", f"Pedido {rank} ")
        return value
    if isinstance(value, list):
        return [_renumbered(item, ranks) for item in value]
    if isinstance(value, dict):
        return {
            k: ranks.get(v, v) if k == "order_id" and isinstance(v, int) else _renumbered(v, ranks)
            for k, v in value.items()
        }
    return value


def _last_order(sql: Any) -> int:
    with sql.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(orders.c.id), 0))).scalar_one())


def _orders_since(sql: Any, first: int) -> list[dict[str, Any]]:
    """The orders with number `first` or above, each with its stored lines, as plain values."""
    with sql.engine.connect() as conn:
        heads = conn.execute(sa.select(orders).where(orders.c.id >= first).order_by(orders.c.id)).mappings().all()
        lines = conn.execute(
            sa.select(order_lines).where(order_lines.c.order_id >= first).order_by(order_lines.c.line_no)
        ).mappings()
        by_order: dict[int, list[dict[str, Any]]] = {}
        for line in lines:
            row = {k: str(v) for k, v in line.items() if k not in ("order_id", "product_id")}
            by_order.setdefault(int(line["order_id"]), []).append(row)
    return [
        {
            "order_id": int(head["id"]),
            "customer_id": int(head["customer_id"]),
            "idempotency_key": head["idempotency_key"],
            "total": str(head["total"]),
            "lines": by_order.get(int(head["id"]), []),
        }
        for head in heads
    ]


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Where two transcripts differ (turn by turn, then outputs and orders); empty when they are the same."""
    found = []
    if len(expected["turns"]) != len(actual["turns"]):
        found.append(f"turns: {len(expected['turns'])} != {len(actual['turns'])}")
    for number, (left, right) in enumerate(zip(expected["turns"], actual["turns"], strict=False)):
        for key in ("asked", "messages", "status"):
            if left[key] != right[key]:
                found.append(f"turn {number} {key}: {left[key]!r} != {right[key]!r}")
    for key in ("outputs", "orders"):
        if expected[key] != actual[key]:
            found.append(f"{key}: {expected[key]!r} != {actual[key]!r}")
    return found


def compare(contenders: list[Contender], dialogs: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Play every dialog on every contender; per dialog, how each contender differs from the first one."""
    report: dict[str, dict[str, list[str]]] = {}
    for dialog in dialogs:
        reference, *others = [contender.start(dialog, "compare").play() for contender in contenders]
        report[dialog["name"]] = {
            contender.name: differences(reference, transcript)
            for contender, transcript in zip(contenders[1:], others, strict=True)
        }
    return report
