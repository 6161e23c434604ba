"""Pydantic model of GET /orchestrator/runs/<run_id>/transcript: a run as a conversation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TranscriptModel(BaseModel):
    """A run as a conversation, oldest entry first."""

    run_id: str
    pipeline: str
    version: str
    status: str
    output: dict[str, Any] | None = Field(description="the run's outputs once completed")
    entries: list[dict[str, Any]] = Field(
        description="by `type`: `start` {args}; `user` {text, command, confidence, step}: a message and how it was "
        "read; `repair` {command, detail}; `turn` {steps, said, question, options, step, values}: what one turn ran "
        "and said, the question it asks and the slot values after it; `end` {status}. Each has `at` (Unix seconds)"
    )
