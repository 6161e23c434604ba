"""`pipeline`: run another pipeline as a sub-graph, and check that it names one that exists and is not itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from pipelines.check_support import Problems, error_at, suggest
from pipelines.steps.base import NAME_PATTERN, Key, StepBase

if TYPE_CHECKING:
    from collections.abc import Collection

    from pipelines.schema import PipelineConfig


class PipelineStep(StepBase):
    """Run another pipeline as a sub-graph with explicit input/output mapping."""

    kind: Literal["pipeline"]
    pipeline: str = Field(pattern=NAME_PATTERN, description="the name of the pipeline to run")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="its inputs (templates)")
    save_as: Key | None = Field(default=None, description="store all the sub-pipeline's outputs here")
    outputs: dict[Key, str] = Field(default_factory=dict, description="parent key -> sub-pipeline output")

    def provided_keys(self) -> list[str]:
        """Where the sub-pipeline's outputs go."""
        return [k for k in [self.save_as, *self.outputs] if k]

    def template_fields(self) -> dict[str, Any]:
        """The sub-pipeline's inputs."""
        return {"with": self.with_}

    def problems(self, config: PipelineConfig, index: int, known_pipelines: Collection[str] | None) -> Problems:
        """A sub-pipeline that is this pipeline itself, or no known pipeline."""
        if self.pipeline == config.name:
            yield error_at(
                config,
                ("steps", index, "pipeline"),
                "a pipeline cannot run itself as a sub-pipeline",
                step=self.id,
                hint="use a goto to loop inside the pipeline instead",
            )
        elif known_pipelines is not None and self.pipeline not in known_pipelines:
            hint = suggest(self.pipeline, known_pipelines) or f"known pipelines: {', '.join(sorted(known_pipelines))}"
            yield error_at(
                config, ("steps", index, "pipeline"), f"unknown pipeline '{self.pipeline}'", step=self.id, hint=hint
            )
