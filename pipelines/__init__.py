"""Parse: the pipeline language (pydantic schema), its safe YAML loader and its semantic checks."""

from pipelines.loader import collect_errors, load_config, parse_text, pipeline_path
from pipelines.schema import (
    AskStep,
    Branch,
    InputConfig,
    LlmStep,
    PipelineConfig,
    PipelineStep,
    ReplyStep,
    SetStep,
    StepConfig,
    ToolConfig,
    ToolStep,
)

__all__ = [
    "AskStep",
    "Branch",
    "InputConfig",
    "LlmStep",
    "PipelineConfig",
    "PipelineStep",
    "ReplyStep",
    "SetStep",
    "StepConfig",
    "ToolConfig",
    "ToolStep",
    "collect_errors",
    "load_config",
    "parse_text",
    "pipeline_path",
]
