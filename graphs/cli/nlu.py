"""`flask nlu eval FILE` and `flask nlu explain "message"`: measure and debug the message reader."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from errors import AppError
from graphs.repair.understanding import Understanding, ask_step_at, question_at, read_case
from tools.language.reader import Question
from tools.language.reader.evaluation import evaluate, load_cases

__all__ = ["nlu_cli"]

nlu_cli = AppGroup("nlu", help="Measure and debug the message reader.")


def _understanding() -> Understanding:
    return current_app.extensions["t7"].engine.understanding


@nlu_cli.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="Leave out the misses.")
def eval_command(file: Path, quiet: bool) -> None:
    """Read every labelled message of FILE and print the misses, per-command precision and recall, a confusion
    matrix and, last, `accuracy: C/N (P %)`. FILE: a YAML list of {text, pipeline?, at?, options?, expect,
    option?, target?} (shared/CONTRACT.md, CLI)."""
    try:
        cases = load_cases(file)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    understanding = _understanding()
    known = set(understanding.engine.names())
    for number, case in enumerate(cases, 1):
        if case.pipeline is not None and (case.pipeline not in known or case.at is None):
            where = f"case {number} ({case.text[:40]!r})"
            click.echo(f"error: {where}: a waiting case needs a known pipeline and `at`", err=True)
            sys.exit(2)
    try:
        report = evaluate(cases, lambda case: read_case(understanding, case))
    except (AppError, KeyError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for line in report.lines(misses=not quiet):
        click.echo(line)


@nlu_cli.command("explain")
@click.argument("message")
@click.option("--pipeline", "name", default=None, help="The pipeline whose run waits (omit: an idle message).")
@click.option("--at", "step", default=None, help="The step whose question waits (with --pipeline).")
@click.option("--option", "options", multiple=True, help="An option offered at the question (repeat).")
def explain_command(message: str, name: str | None, step: str | None, options: tuple[str, ...]) -> None:
    """Print how MESSAGE is read: the command(s) with their arguments and the score of every label."""
    understanding = _understanding()
    reader = understanding.reader()
    if name is None:
        routing = reader.route(message)
        click.echo(f"idle message → {routing.pipeline or 'none'} ({routing.confidence:.1%})")
        _scores(routing.scores)
        return
    try:
        config = understanding.engine.config(name)
        ask = ask_step_at(config, step or "", options=bool(options))
    except (AppError, KeyError):
        click.echo(f"error: no pipeline {name!r} with a question at {step!r}", err=True)
        sys.exit(2)
    question: Question = question_at(
        config, ask, options=list(options) or None, digressions=understanding.digressions(config)
    )
    reading = reader.read(message, question)
    click.echo(f"at {name}@{step} ({question.kind} question) → " + " + ".join(c.command for c in reading.commands))
    for command in reading.commands:
        fields = {k: v for k, v in command.to_dict().items() if v not in (None, {}) and k != "command"}
        click.echo(f"  {command.command} [{command.label}] {fields}  ← {command.text!r}")
    if reading.ambiguous:
        click.echo("  ambiguous between: " + " / ".join(c.label for c in reading.ambiguous))
    _scores(reading.scores)


def _scores(scores: dict[str, float]) -> None:
    click.echo("scores:")
    for label, score in sorted(scores.items(), key=lambda item: -item[1]):
        click.echo(f"  {label:26} {score:7.1%}")
