"""Pydantic models of a run's transcript (GET /orchestrator/runs/<run_id>/transcript) and of a fork from one of
its questions (POST /orchestrator/runs/<run_id>/fork)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TranscriptModel(BaseModel):
    """A run as a conversation, oldest entry first."""

    run_id: str
    pipeline: str
    version: str
    status: str
    output: dict[str, Any] | None = Field(description="the run's outputs once completed")
    entries: list[dict[str, Any]] = Field(
        description="by `type`: `start` {args, forked_from}; `user` {text, command, confidence, step}: a message "
        "and how it was read; `repair` {command, detail}; `turn` {steps, said, question, options, step, values, "
        "checkpoint_id}: what one turn ran and said, the question it asks, the slot values after it and the "
        "checkpoint a fork starts from; `end` {status}. Each has `at` (Unix seconds)"
    )


class ForkRequest(BaseModel):
    """Body of POST /orchestrator/runs/<run_id>/fork."""

    model_config = ConfigDict(extra="forbid")

    checkpoint_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="the `checkpoint_id` of a turn of the run's transcript that asks a question",
    )
