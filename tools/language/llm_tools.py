"""Language tool kinds: offline order parsers, intent classification, a plain reply and the raw LLM call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

import textnorm
from tools.language.intent import PIPELINE_EXAMPLES, classify_intent
from tools.language.llm import LLMClient
from tools.language.reader.gazetteer import catalog_gazetteer
from tools.orders.order_text import parse_edit, parse_order_lines, parse_order_request
from tools.registry import ToolContext, ToolSet

__all__ = ["LLM_TASKS", "PIPELINE_EXAMPLES", "LLMTask", "classify_intent", "llm_toolset", "plain_reply"]

MAX_TEXT = 4000

llm_toolset = ToolSet()

_Name = Annotated[str, Field(min_length=1, max_length=100)]
_Example = Annotated[str, Field(min_length=1, max_length=500)]


class _Args(BaseModel):
    """Base of the argument models: unknown arguments are an error."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TextArgs(_Args):
    """A text typed by the user."""

    text: str = Field(max_length=MAX_TEXT)


class RequestArgs(TextArgs):
    """A free-text order request, plus known customer names that help to spot a lower-case customer."""

    customers: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=5000)


class IntentArgs(_Args):
    """The user's message and each pipeline's example phrases."""

    text: str = Field(max_length=MAX_TEXT)
    examples: dict[_Name, list[_Example]] = Field(max_length=200)
    min_score: float | None = Field(default=None, ge=0.0, le=1.0)


class ReplyArgs(_Args):
    """The message to answer, and optionally the pipelines to mention (name -> description)."""

    text: str = Field(default="", max_length=MAX_TEXT)
    pipelines: dict[_Name, Annotated[str, Field(max_length=500)]] = Field(default_factory=dict, max_length=200)


class GenerateArgs(_Args):
    """A prompt for the configured LLM, with an optional system message and JSON Schema for the answer."""

    prompt: str = Field(min_length=1, max_length=20_000)
    system: str | None = Field(default=None, max_length=20_000)
    json_schema: dict[str, Any] | None = Field(default=None, alias="schema")


@dataclass(frozen=True)
class LLMTask:
    """A ready-made `llm` task: the system prompt, the answer's schema and the offline tool that matches it."""

    system: str
    schema: dict[str, Any]
    fallback: str


_NULLABLE_STRING = {"type": ["string", "null"]}
LLM_TASKS: dict[str, LLMTask] = {
    "order_lines": LLMTask(
        system=(
            "Extract the order lines from the user's message (Spanish or English). For each product give "
            "the product text as the user wrote it, without articles or quantity, and the quantity as an "
            "integer (1 when not given; number words count: 'una docena' is 12)."
        ),
        schema={
            "title": "order_lines",
            "type": "object",
            "properties": {
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "quantity": {"type": "integer"}},
                        "required": ["text", "quantity"],
                    },
                }
            },
            "required": ["lines"],
        },
        fallback="parse_order_lines",
    ),
    "order_request": LLMTask(
        system=(
            "The user asks for an order. Give the customer's name as written (null if none) and the "
            "product list as written, quantities included (null if none)."
        ),
        schema={
            "title": "order_request",
            "type": "object",
            "properties": {"customer": _NULLABLE_STRING, "products": _NULLABLE_STRING},
            "required": ["customer", "products"],
        },
        fallback="parse_order_request",
    ),
    "order_edit": LLMTask(
        system=(
            "The user answers an order confirmation. Classify the answer: confirm, cancel, set_quantity "
            "(target product and new quantity), remove (target), add (target and quantity), set_customer "
            "(customer), or unknown. Use null for fields that do not apply."
        ),
        schema={
            "title": "order_edit",
            "type": "object",
            "properties": {
                "action": {
                    "type": "string",
                    "enum": ["set_quantity", "remove", "add", "set_customer", "confirm", "cancel", "unknown"],
                },
                "target": _NULLABLE_STRING,
                "quantity": {"type": ["integer", "null"]},
                "customer": _NULLABLE_STRING,
            },
            "required": ["action", "target", "quantity", "customer"],
        },
        fallback="parse_edit",
    ),
}


_GREETINGS = {"hola", "buenas", "buenos", "hello", "hi", "hey", "saludos"}
_THANKS = {"gracias", "thanks", "thank", "merci"}
_DEFAULT_ABILITIES = (
    "• dar de alta un pedido (por ejemplo: «quiero 3 teclados para ACME»)",
    "• consultar un pedido (por ejemplo: «!run consulta_pedido id=1»)",
    "• buscar productos del catálogo y consultar su stock",
)


def plain_reply(text: str, pipelines: dict[str, str] | None = None) -> str:
    """A polite Spanish reply saying what the assistant can do (the offline stand-in for a chat model)."""
    words = set(re.findall(r"[a-z]+", textnorm.fold(text)))
    if words & _THANKS:
        opening = "¡De nada! Si necesitas algo más, aquí estoy."
    elif words & _GREETINGS:
        opening = "¡Hola! Soy el asistente de pedidos."
    else:
        opening = "Perdona, no he entendido qué necesitas."
    if pipelines:
        abilities = [
            f"• {name}: {description}" if description else f"• {name}"
            for name, description in sorted(pipelines.items())
        ]
    else:
        abilities = list(_DEFAULT_ABILITIES)
    return "\n".join([opening, "Puedo ayudarte a:", *abilities, "Escribe !help para ver todos los comandos."])


@llm_toolset.tool("parse_order_lines", args=TextArgs)
def parse_order_lines_tool(args: TextArgs, ctx: ToolContext) -> dict[str, Any]:
    """Order lines from text ("3 teclado mecánico, 2 ratón"): {"lines": [{"text", "quantity"}]}."""
    gazetteer = catalog_gazetteer(ctx.services.sql)
    return {"lines": parse_order_lines(args.text, gazetteer.names_product if gazetteer else None)}


@llm_toolset.tool("parse_order_request", args=RequestArgs)
def parse_order_request_tool(args: RequestArgs, ctx: ToolContext) -> dict[str, Any]:
    """Customer and product text of a free-text order request: {"customer", "products"}; a customer of the
    catalog (or of `customers` when given) is found anywhere in the sentence and named as the catalog does."""
    customers = args.customers or (ctx.services.sql.customer_names() if ctx.services.sql is not None else ())
    gazetteer = catalog_gazetteer(ctx.services.sql)
    return dict(parse_order_request(args.text, customers, gazetteer.names_product if gazetteer else None))


@llm_toolset.tool("parse_edit", args=TextArgs)
def parse_edit_tool(args: TextArgs, ctx: ToolContext) -> dict[str, Any]:
    """An edit typed at the order confirmation: {"action", "target", "quantity", "customer"}."""
    return dict(parse_edit(args.text))


@llm_toolset.tool("classify_intent", args=IntentArgs)
def classify_intent_tool(args: IntentArgs, ctx: ToolContext) -> dict[str, Any]:
    """The pipeline a message asks for: {"pipeline" (or None), "score", "method", "ranking"}."""
    return classify_intent(args.text, args.examples, ctx.services.memory, args.min_score)


@llm_toolset.tool("plain_reply", args=ReplyArgs)
def plain_reply_tool(args: ReplyArgs, ctx: ToolContext) -> dict[str, Any]:
    """A polite Spanish reply listing what the assistant can do: {"reply"}."""
    return {"reply": plain_reply(args.text, args.pipelines)}


@llm_toolset.tool("llm_generate", args=GenerateArgs)
def llm_generate_tool(args: GenerateArgs, ctx: ToolContext) -> str | dict:
    """The configured LLM's answer (text, or a dict for a schema); ToolError when no LLM is configured."""
    llm: LLMClient = ctx.services.require("llm")
    return llm.generate(args.prompt, system=args.system, schema=args.json_schema)
