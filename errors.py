"""One exception hierarchy: every error carries fields, a user-facing message and an HTTP status."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the application raises on purpose."""

    code = "app_error"
    http_status = 400

    def __init__(self, message: str, *, details: Any = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        for key, value in fields.items():
            setattr(self, key, value)

    def to_dict(self) -> dict[str, Any]:
        """The `{"code", "message", "details"}` body of the HTTP error shape."""
        return {"code": self.code, "message": self.message, "details": self.details}


class PipelineError(AppError):
    """A pipeline file is malformed: carries file, line, column, YAML path, step and a fix hint."""

    code = "pipeline_invalid"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str = "",
        step: str | None = None,
        hint: str | None = None,
        pipeline: str | None = None,
    ) -> None:
        full = f"{message}; {hint}" if hint else message
        super().__init__(full)
        self.reason = message
        self.file, self.line, self.column = file, line, column
        self.path, self.step, self.hint, self.pipeline = path, step, hint, pipeline
        self.details = self.as_item()

    def as_item(self) -> dict[str, Any]:
        """The error as one entry of a validation report."""
        return {"line": self.line or 0, "column": self.column or 0, "path": self.path, "message": self.message}

    def location(self) -> str:
        """`FILE:LINE:COLUMN: message`, the line `flask pipeline validate` prints."""
        return f"{self.file or '<text>'}:{self.line or 0}:{self.column or 0}: {self.message}"

    def __str__(self) -> str:
        return self.location()


class PipelineErrors(PipelineError):
    """Several problems found in one pipeline file; the first one is the headline."""

    def __init__(self, errors: list[PipelineError]) -> None:
        first = errors[0]
        super().__init__(
            first.reason,
            file=first.file,
            line=first.line,
            column=first.column,
            path=first.path,
            step=first.step,
            hint=first.hint,
            pipeline=first.pipeline,
        )
        self.errors = errors
        self.details = [e.as_item() for e in errors]


class ExpressionError(AppError):
    """A template or condition failed at run time; names the step."""

    code = "expression_error"
    http_status = 422


class ToolError(AppError):
    """A tool failed or was given bad arguments."""

    code = "tool_error"
    http_status = 422


class InputError(AppError):
    """Arguments to a run are missing or of the wrong type."""

    code = "bad_input"
    http_status = 400


class NotFoundError(AppError):
    """An unknown pipeline, run or resource (also used for runs the caller does not own)."""

    code = "not_found"
    http_status = 404


class ConflictError(AppError):
    """The run is not in a state that allows the request (not waiting, or busy with another turn)."""

    code = "conflict"
    http_status = 409


class LoopLimitError(AppError):
    """A step was visited more often than its declared `max_visits`."""

    code = "loop_limit"
    http_status = 422
