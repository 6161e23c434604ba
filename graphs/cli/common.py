"""What every `flask` command of the engine shares: the app's engine, errors as messages, paths as shown."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from flask import current_app

from errors import AppError, InputError, NotFoundError, PipelineError

if TYPE_CHECKING:
    from graphs.run.engine import Engine

F = TypeVar("F", bound=Callable[..., Any])


def current_engine() -> Engine:
    """The engine of the running Flask app."""
    return current_app.extensions["t7"].engine


def problems_of(exc: PipelineError) -> list[PipelineError]:
    """The single problems a pipeline error holds (one, or each of a PipelineErrors)."""
    return list(getattr(exc, "errors", None) or [exc])


def fails_cleanly(command: F) -> F:
    """Errors become a message on stderr and an exit code (2: bad name or input, 1: anything else), no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except PipelineError as exc:
            for problem in problems_of(exc):
                click.echo(problem.location(), err=True)
            sys.exit(1)
        except AppError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2 if isinstance(exc, InputError | NotFoundError) else 1)
        except Exception as exc:  # the CLI's promise is a message, never a traceback
            click.echo(f"error: unexpected {type(exc).__name__}: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def shown_path(path: Path) -> str:
    """The path as the author knows it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
