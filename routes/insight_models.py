"""Pydantic models of GET /orchestrator/insights: the query and the figures of one pipeline over a period."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pipelines.schema import NAME_PATTERN


class InsightsQuery(BaseModel):
    """Query of GET /orchestrator/insights."""

    model_config = ConfigDict(extra="ignore")

    pipeline: str = Field(pattern=NAME_PATTERN, max_length=64, description="the pipeline whose runs are counted")
    days: float = Field(default=30, gt=0, le=3660, description="the period: runs started in the last `days` days")


class InsightRuns(BaseModel):
    """How the runs started in the period stand now."""

    started: int
    completed: int
    cancelled: int
    failed: int
    abandoned: int = Field(description="waiting for an answer longer than ABANDONED_AFTER_SECONDS")
    waiting: int = Field(description="waiting for an answer, not yet abandoned (or mid-turn)")


class FunnelRow(BaseModel):
    """One question: how many runs reached it, answered it, and were abandoned or cancelled there."""

    step: str
    reached: int
    answered: int
    abandoned: int


class RepairRow(BaseModel):
    """How often one repair was used at one question."""

    step: str
    command: str = Field(description="cancel, help, correct, digress, choose or keep")
    count: int


class LowRead(BaseModel):
    """A message read with low confidence."""

    run_id: str
    step: str | None
    command: str | None
    confidence: float
    text: str | None
    at: float


class InsightsReport(BaseModel):
    """The figures of one pipeline over a period."""

    pipeline: str
    since: float = Field(description="start of the period (Unix seconds)")
    until: float = Field(description="end of the period (Unix seconds)")
    runs: InsightRuns
    median_turns: float | None = Field(description="messages from the user per completed run (null: none completed)")
    median_seconds: float | None = Field(description="seconds from start to completion of a completed run")
    funnel: list[FunnelRow] = Field(description="questions in the order runs first reached them")
    repairs: list[RepairRow]
    lowest_confidence: list[LowRead] = Field(description="the least sure readings, lowest first")


RESPONSE_MODELS: list[type[BaseModel]] = [InsightsReport]
