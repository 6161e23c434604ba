"""One exception hierarchy: every error carries fields, a user-facing message and an HTTP status.

`exc.message` (also `str(exc)`) is the English technical text, for logs and Python callers;
`exc.user_message(lang)` is the sentence a chat user reads: Spanish, or English when the user writes English.
"""

from __future__ import annotations

from typing import Any

from error_sentences import Lang, sentence


class AppError(Exception):
    """Base of every error the application raises on purpose."""

    code = "app_error"
    http_status = 400
    reason: str | None = None

    def __init__(self, message: str, *, details: Any = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        for key, value in fields.items():
            setattr(self, key, value)

    def to_dict(self) -> dict[str, Any]:
        """The `{"code", "message", "details"}` body of the HTTP error shape."""
        return {"code": self.code, "message": self.message, "details": self.details}

    def user_message(self, lang: Lang = "es") -> str:
        """What is wrong and what to do, for a chat user, without internals: Spanish, or English with "en"."""
        return sentence(self.code, self.user_reason(), self.user_fields(), lang)

    def user_reason(self) -> str | None:
        """Which of the code's sentences applies (None: the code's general one)."""
        return self.reason

    def user_fields(self) -> dict[str, Any]:
        """The values the user sentence names: the error's `details` when it is an object."""
        return dict(self.details) if isinstance(self.details, dict) else {}


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

    def user_reason(self) -> str | None:
        """A pipeline error has one sentence for users: the pipeline cannot run (its `reason` is for authors)."""
        return None

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
    """A tool failed or was given bad arguments (`details`: `customer`, `sku(s)` or a model call's `kind`)."""

    code = "tool_error"
    http_status = 422

    def user_reason(self) -> str | None:
        """The explicit reason, else one read from the details: unknown customer or product, or the model."""
        fields = self.user_fields()
        if self.reason or not fields:
            return self.reason
        if "customer" in fields:
            return "unknown_customer"
        if "sku" in fields or "skus" in fields:
            return "unknown_product"
        return "model" if "kind" in fields else None

    def user_fields(self) -> dict[str, Any]:
        """The details, with the product code(s) as `products`."""
        fields = super().user_fields()
        fields["products"] = fields.get("skus") or fields.get("sku")
        return fields


class InputError(AppError):
    """Bad arguments; `reason` (unknown_input, no_inputs, missing_input, bad_type, too_long, out_of_range,
    missing_answer) with `input`, `pipeline`, `expected`, `got`, `valid` and `limit` builds the user sentence.

    One raised without a `reason` carries a message already written for whoever sent the request (the chat's
    command errors and the spreadsheet upload in Spanish; request-body errors in English, for API clients).
    """

    code = "bad_input"
    http_status = 400

    def user_message(self, lang: Lang = "es") -> str:
        """The structured sentence for a run argument; the message itself when raised without a reason."""
        return super().user_message(lang) if self.reason else self.message

    @classmethod
    def unknown_input(cls, name: str, pipeline: str, valid: list[str], unknown: list[str]) -> InputError:
        """A run argument the pipeline does not declare."""
        message = f"unknown input '{name}' for pipeline '{pipeline}' (valid inputs: {', '.join(valid) or 'none'})"
        reason = "unknown_input" if valid else "no_inputs"
        details = {"unknown": unknown, "valid": valid}
        return cls(message, details=details, reason=reason, input=name, pipeline=pipeline, valid=valid)

    @classmethod
    def missing_input(cls, name: str, pipeline: str, expected: str) -> InputError:
        """A required run argument not given."""
        message = f"missing required input '{name}' for pipeline '{pipeline}'"
        details = {"missing": name}
        return cls(message, details=details, reason="missing_input", input=name, pipeline=pipeline, expected=expected)

    @classmethod
    def bad_type(cls, name: str, expected: str, got: object) -> InputError:
        """A run argument that cannot be read as its declared type."""
        shown = str(got)[:60]
        message = f"input '{name}' must be of type {expected}; got {shown!r}"
        details = {"input": name, "type": expected}
        return cls(message, details=details, reason="bad_type", input=name, expected=expected, got=shown)

    @classmethod
    def too_long(cls, name: str, limit: int) -> InputError:
        """A text argument over the length limit."""
        message = f"input '{name}' is longer than {limit} characters"
        return cls(message, details={"input": name}, reason="too_long", input=name, limit=limit)

    @classmethod
    def out_of_range(cls, name: str, expected: str) -> InputError:
        """A number argument that cannot be stored."""
        details = {"input": name, "type": expected}
        return cls(f"input '{name}' is out of range", details=details, reason="out_of_range", input=name)

    def user_fields(self) -> dict[str, Any]:
        """The input's fields (each one only when set)."""
        names = ("input", "pipeline", "expected", "got", "valid", "limit")
        return {name: getattr(self, name) for name in names if getattr(self, name, None) is not None}


class NotFoundError(AppError):
    """An unknown pipeline, run or resource (also used for runs the caller does not own)."""

    code = "not_found"
    http_status = 404

    def user_reason(self) -> str | None:
        """The explicit reason, else one read from the details: an order id, a product code, a pipeline list."""
        fields = self.user_fields()
        if self.reason:
            return self.reason
        for key, reason in (("order_id", "order"), ("sku", "product"), ("available", "pipeline")):
            if key in fields:
                return reason
        return None


class ConflictError(AppError):
    """The request does not fit the run's state; `reason`: busy, answered, not_waiting (with `details.status`)."""

    code = "conflict"
    http_status = 409

    @classmethod
    def busy(cls, run_id: str) -> ConflictError:
        """The run is answering another message right now."""
        message = f"run {run_id} is busy answering another message; try again"
        return cls(message, details={"status": "busy"}, reason="busy")

    @classmethod
    def not_waiting(cls, run_id: str, status: str, *, cancel: bool = False) -> ConflictError:
        """The run waits for no answer (it ended), so it cannot be answered or cancelled."""
        what = "cannot be cancelled" if cancel else "is not waiting for an answer"
        return cls(f"run {run_id} {what} (status: {status})", details={"status": status}, reason="not_waiting")

    @classmethod
    def answered(cls, run_id: str, status: str | None) -> ConflictError:
        """Another turn answered the question this answer was meant for."""
        message = f"run {run_id} was answered meanwhile (status: {status})"
        return cls(message, details={"status": status}, reason="answered")

    @classmethod
    def session_busy(cls) -> ConflictError:
        """Another message of the same chat session is being answered (DOUBLE_TEXTING=reject)."""
        message = "another message of this session is being answered; send this one again when it is done"
        return cls(message, details={"status": "busy"}, reason="busy")

    @classmethod
    def queued_too_long(cls, seconds: float) -> ConflictError:
        """A queued chat message waited longer than QUEUE_WAIT_SECONDS for its turn."""
        message = f"the message waited {seconds:g} s behind earlier messages of this session; send it again"
        return cls(message, details={"status": "queued"}, reason="queue_timeout")


class LoopLimitError(AppError):
    """A step was visited more often than its declared `max_visits`, or a run took too many steps."""

    code = "loop_limit"
    http_status = 422


class InternalError(AppError):
    """An unexpected failure inside a run (a bug): the traceback is logged, the user reads no internals."""

    code = "internal_error"
    http_status = 422


class UnavailableError(AppError):
    """A database the turn needs cannot be reached right now: nothing was decided, the same message may be sent
    again (with its id) once it is back."""

    code = "unavailable"
    http_status = 503


def user_message_for(code: str, lang: Lang = "es") -> str:
    """The general user sentence of an error known only by its code (e.g. a failed run read from storage)."""
    return sentence(code, None, {}, lang)
