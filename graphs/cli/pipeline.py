"""`flask pipeline list|validate|run|resume|graph|schema|test`: the pipeline engine from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask.cli import AppGroup

from errors import NotFoundError, PipelineError
from graphs.cli.common import current_engine, fails_cleanly, problems_of
from graphs.cli.pipeline_tests import run_tests
from graphs.draw.drawing import FORMATS
from pipelines.loader import load_config
from pipelines.schema import PipelineConfig

if TYPE_CHECKING:
    from graphs.result import RunResult
    from graphs.run.engine import Engine
    from graphs.run.runner import Runner

pipeline_cli = AppGroup("pipeline", help="List, validate, run and draw pipelines.")


@pipeline_cli.command("list")
@fails_cleanly
def list_pipelines() -> None:
    """Names and descriptions of the pipelines."""
    engine = current_engine()
    names = engine.names()
    width = max((len(name) for name in names), default=0)
    for name in names:
        try:
            description = engine.config(name).description
        except PipelineError as exc:
            description = f"(invalid: {problems_of(exc)[0].location()})"
        click.echo(f"{name.ljust(width)}  {description}")


def _check_file(engine: Engine, target: str) -> list[PipelineError]:
    path = Path(target)
    if not path.exists() and target in engine.names():
        path = engine.pipelines_dir / f"{target}.yaml"
    try:
        config = load_config(
            path,
            tool_kinds=engine.registry.param_models(),
            known_pipelines=engine.names(),
            max_bytes=engine.settings.MAX_PIPELINE_BYTES,
        )
        engine.graphs.get(config, None)  # compiling finds what loading cannot: bad tool params, sub-pipeline cycles
    except PipelineError as exc:
        return problems_of(exc)
    return []


@pipeline_cli.command("validate")
@click.argument("paths", nargs=-1)
@fails_cleanly
def validate(paths: tuple[str, ...]) -> None:
    """Check pipeline files (default: every pipeline); prints FILE:LINE:COLUMN: message per problem."""
    engine = current_engine()
    targets = list(paths) or [str(engine.pipelines_dir / f"{name}.yaml") for name in engine.names()]
    problems = [problem for target in targets for problem in _check_file(engine, target)]
    for problem in problems:
        click.echo(problem.location())
    if problems:
        sys.exit(1)
    click.echo(f"{len(targets)} pipeline(s) valid")


def _runner(engine: Engine, name: str) -> Runner:
    """A pipeline by name, or a .yaml file by path; anything else is an unknown pipeline, never YAML text."""
    if name in engine.names():
        return engine.runner(name)
    if name.endswith((".yaml", ".yml")) and Path(name).is_file():
        return engine.runner(Path(name))
    raise NotFoundError(f"no pipeline named {name[:80]!r}; run 'flask pipeline list' to see the available ones")


def _arguments(config: PipelineConfig, pairs: tuple[str, ...]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="ARGS")
        spec = config.inputs.get(key)
        if spec is not None and spec.type in ("list", "object"):
            try:
                args[key] = json.loads(value)
            except ValueError:
                raise click.BadParameter(f"{key} must be JSON ({spec.type})", param_hint="ARGS") from None
        else:
            args[key] = value
    return args


def _show(result: RunResult, *, as_json: bool) -> None:
    """What the run said and, when it waits, the question with its numbered options (stderr under --json)."""
    if result.message:
        click.echo(result.message, err=as_json)
    if result.waiting:
        if result.data is not None:
            click.echo(json.dumps(result.data, ensure_ascii=False, indent=2, default=str), err=as_json)
        click.echo(result.question or "?", err=as_json)
        for number, option in enumerate(result.options, start=1):
            click.echo(f"  {number}. {option}", err=as_json)


def _read_answer() -> str | None:
    stdin = sys.stdin
    if stdin.isatty():
        click.echo("> ", nl=False, err=True)
    try:
        line = stdin.readline()
    except KeyboardInterrupt:
        return None
    return line.rstrip("\r\n") if line else None


def _converse(engine: Engine, result: RunResult, *, as_json: bool) -> None:
    """Answer questions from standard input until the run ends or input runs out, then print the outcome."""
    _show(result, as_json=as_json)
    while result.waiting:
        answer = _read_answer()
        if answer is None:
            click.echo(
                f"\n(no answer: run {result.run_id} is still waiting; answer it with "
                f"`flask pipeline resume {result.run_id} ANSWER`)",
                err=True,
            )
            break
        result = engine.resume(result.run_id, answer)
        _show(result, as_json=as_json)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif result.status == "completed" and result.output:
        click.echo(f"[{result.status}] output: {json.dumps(result.output, ensure_ascii=False, default=str)}")
    elif not result.waiting:
        click.echo(f"[{result.status}]")
    if result.status == "failed":
        error = result.error or {}
        click.echo(f"error: {error.get('code', 'failed')}: {error.get('message', '')}", err=True)
        sys.exit(1)


@pipeline_cli.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--json", "as_json", is_flag=True, help="Print the final run result as JSON.")
@fails_cleanly
def run(name: str, args: tuple[str, ...], as_json: bool) -> None:
    """Run pipeline NAME with key=value inputs, answering its questions from standard input."""
    engine = current_engine()
    runner = _runner(engine, name)
    result = runner.start(_arguments(runner.config, args))
    _converse(engine, result, as_json=as_json)


@pipeline_cli.command("resume")
@click.argument("run_id")
@click.argument("answer")
@click.option("--json", "as_json", is_flag=True, help="Print the final run result as JSON.")
@fails_cleanly
def resume(run_id: str, answer: str, as_json: bool) -> None:
    """Answer waiting run RUN_ID with ANSWER (further questions are read from standard input)."""
    engine = current_engine()
    _converse(engine, engine.resume(run_id, answer), as_json=as_json)


@pipeline_cli.command("graph")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mermaid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file.")
@click.option("--expand", is_flag=True, help="Draw every step of composite steps and sub-pipelines.")
@click.option("--run", "run_id", help="Highlight the current step and the path taken by this run.")
@fails_cleanly
def graph(name: str, fmt: str, output: str | None, expand: bool, run_id: str | None) -> None:
    """Draw pipeline NAME offline as mermaid, ascii, dot, svg or png."""
    engine = current_engine()
    runner, options = _runner(engine, name), {}
    if run_id:
        runner = engine.runner_for_run(run_id)
        if runner.name != name:
            raise NotFoundError(f"run {run_id[:80]!r} is not a run of pipeline '{name}'")
        status = runner.status(run_id)
        options = {"current": status.current_step, "path": status.steps_done}
    picture = runner.draw(fmt, expand=expand, **options)
    if output:
        Path(output).write_bytes(picture if isinstance(picture, bytes) else picture.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)
    elif isinstance(picture, bytes):
        stdout = sys.stdout.buffer
        if sys.stdout.isatty():
            raise click.UsageError(f"{fmt} is binary: give -o FILE or redirect standard output")
        stdout.write(picture)
        stdout.flush()
    else:
        click.echo(picture, nl=False)


@pipeline_cli.command("schema")
@fails_cleanly
def schema() -> None:
    """The JSON Schema of PipelineConfig (what the editor validates against)."""
    click.echo(json.dumps(PipelineConfig.model_json_schema(), ensure_ascii=False, indent=2))


pipeline_cli.add_command(run_tests)
