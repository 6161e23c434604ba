"""`pipeline`: run another pipeline as a sub-graph, with explicit input and output mapping."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipelines.steps.base import NAME_PATTERN, Key, StepBase


class PipelineStep(StepBase):
    """Run another pipeline as a sub-graph with explicit input/output mapping."""

    kind: Literal["pipeline"]
    pipeline: str = Field(pattern=NAME_PATTERN, description="the name of the pipeline to run")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="its inputs (templates)")
    save_as: Key | None = Field(default=None, description="store all the sub-pipeline's outputs here")
    outputs: dict[Key, str] = Field(default_factory=dict, description="parent key -> sub-pipeline output")
