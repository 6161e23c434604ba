"""Vector-memory tool kinds: `suggest` and `search` over named collections, `remember`/`recall` per session."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from errors import ToolError
from tools.registry import NoParams, ToolContext, ToolSet
from vector_memory import MEMORY_PREFIX, PRODUCTS, VectorMemory, memory_collection, normalise
from vector_memory.catalog import as_product
from vector_memory.items import MAX_K
from vector_memory.likeness import LEXICAL_SPACES, resembles, suggest_floor

# A session's memory keeps its most recent facts only, so one chatty user cannot grow it without bound.
MAX_FACTS_PER_SESSION = 200

memory_toolset = ToolSet()


class CollectionParams(BaseModel):
    """Instance parameters of `suggest` and `search`: which shared collection to look in."""

    model_config = ConfigDict(extra="forbid")

    collection: str = Field(min_length=1, max_length=200, description="e.g. products, customers")

    @field_validator("collection")
    @classmethod
    def _not_a_session(cls, value: str) -> str:
        """Session memories are reachable only through `recall`, never by naming another session."""
        if value.startswith(MEMORY_PREFIX):
            raise ValueError(f"'{MEMORY_PREFIX}…' collections are private to a session; use the recall tool")
        return value


class SuggestArgs(BaseModel):
    """Arguments of `suggest`: what the user typed and how many candidates."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=2000)
    k: int = Field(default=3, ge=1, le=20)
    min_score: float | None = Field(default=None, ge=-1.0, le=1.0)


class SearchArgs(BaseModel):
    """Arguments of `search`: free text and how many results."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=2000)
    k: int = Field(default=5, ge=1, le=50)
    min_score: float | None = Field(default=None, ge=-1.0, le=1.0)


class RememberArgs(BaseModel):
    """Arguments of `remember`: the fact, and optionally a key (a same key overwrites the fact)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2000)
    key: str | None = Field(default=None, min_length=1, max_length=200)


class RecallArgs(BaseModel):
    """Arguments of `recall`: what to look for among this conversation's facts."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=2000)
    k: int = Field(default=3, ge=1, le=20)


def _memory(ctx: ToolContext) -> VectorMemory:
    """The vector memory service."""
    return ctx.services.require("memory")


def _shared(ctx: ToolContext) -> str:
    """The collection named in the step's params; an unknown one is a ToolError listing the known ones."""
    name = ctx.params.collection  # type: ignore[attr-defined]
    memory = _memory(ctx)
    if not memory.has_collection(name):
        known = ", ".join(memory.collections()) or "none yet"
        raise ToolError(f"unknown vector collection '{name}'; known collections: {known}", step=ctx.step)
    return name


def _session(ctx: ToolContext) -> str:
    """This conversation's memory collection (by session id, else by run id)."""
    owner = ctx.session_id or ctx.run_id
    if not owner:
        raise ToolError("remember/recall need a session or a run to attach the memory to", step=ctx.step)
    return memory_collection(owner)


def _plain(hits: list[Any]) -> list[dict[str, Any]]:
    """Hits as plain JSON-like dicts (what pipeline state may hold)."""
    return [{"key": str(h["key"]), "text": str(h["text"]), "score": float(h["score"]), "meta": h["meta"]} for h in hits]


def _once(hits: list[Any], k: int) -> list[Any]:
    """Alias hits as their product's hit, each product once (its best hit), at most `k`."""
    seen: set[str] = set()
    result = []
    for hit in map(as_product, hits):
        if hit["key"] not in seen:
            seen.add(hit["key"])
            result.append(hit)
    return result[:k]


def _pool(k: int) -> int:
    """How many raw hits to read so that `k` distinct products remain after aliases are folded in."""
    return min(MAX_K, max(20, 5 * k))


@memory_toolset.tool("suggest", args=SuggestArgs, params=CollectionParams)
def suggest(args: SuggestArgs, ctx: ToolContext) -> list[dict[str, Any]]:
    """Closest entries of a collection to a short name the user typed (typos, accents, plurals, aliases).

    Nothing below the floor calibrated for the embeddings in use is offered (`min_score` can only raise it),
    and in a spelling-based space a candidate must also resemble what was typed."""
    memory = _memory(ctx)
    floor = suggest_floor(memory.space, memory.suggest_min_score)
    floor = max(floor, args.min_score) if args.min_score is not None else floor
    text = args.text
    sql = ctx.services.sql
    if sql is not None and _shared(ctx) == PRODUCTS:  # «engrapadora», «monitor de veinticuatro pulgadas»
        text = sql.lookup_text(text) or text
    hits = memory.search(_shared(ctx), text, k=_pool(args.k), min_score=floor)
    if memory.space.startswith(LEXICAL_SPACES):
        hits = [hit for hit in hits if resembles(text, hit["text"]) or resembles(args.text, hit["text"])]
    return _plain(_once(hits, args.k))


@memory_toolset.tool("search", args=SearchArgs, params=CollectionParams)
def search(args: SearchArgs, ctx: ToolContext) -> list[dict[str, Any]]:
    """Entries of a collection ranked by similarity to free text (an alias stands for its product, once)."""
    hits = _memory(ctx).search(_shared(ctx), args.text, k=_pool(args.k), min_score=args.min_score)
    return _plain(_once(hits, args.k))


@memory_toolset.tool("remember", args=RememberArgs, params=NoParams)
def remember(args: RememberArgs, ctx: ToolContext) -> dict[str, Any]:
    """Store a fact of this conversation; returns its key."""
    memory = _memory(ctx)
    collection = _session(ctx)
    key = args.key or hashlib.sha256(normalise(args.text).encode("utf-8")).hexdigest()[:16]
    fact = {"key": key, "text": args.text, "meta": {"step": ctx.step or ""}}
    memory.upsert(collection, [fact], max_items=MAX_FACTS_PER_SESSION)
    return {"key": key, "text": args.text}


@memory_toolset.tool("recall", args=RecallArgs, params=NoParams)
def recall(args: RecallArgs, ctx: ToolContext) -> list[dict[str, Any]]:
    """Facts of this conversation closest to `text`, best first."""
    return _plain(_memory(ctx).search(_session(ctx), args.text, k=args.k))
