"""`flask pipeline test [--coverage]`: play dialog tests through the chat and tell what they leave unvisited."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from graphs.cli.common import current_engine, fails_cleanly, shown_path
from graphs.testing.coverage import Coverage, Visits, coverage_of
from graphs.testing.dialog_tests import collect, run_dialog

__all__ = ["run_tests"]


@click.command("test")
@with_appcontext
@click.argument("targets", nargs=-1, required=True)
@click.option("--llm", "with_llm", is_flag=True, help="Use the configured LLM (default: offline, deterministic).")
@click.option("-v", "--verbose", is_flag=True, help="Keep the runs' log lines on stderr.")
@click.option(
    "--coverage",
    is_flag=True,
    help="For one pipeline NAME: list the steps, branches, corrections and confirm edits no test visits.",
)
@fails_cleanly
def run_tests(targets: tuple[str, ...], with_llm: bool, verbose: bool, coverage: bool) -> None:
    """Play dialog tests (a pipeline NAME: pipelines/tests/NAME/*.yaml; or a dialog file or folder) on a fresh
    temporary database through the chat; one PASS/FAIL line per dialog, exit code 1 when any fails."""
    engine = current_engine()
    if coverage and (len(targets) != 1 or targets[0] not in engine.names()):
        raise click.UsageError("--coverage takes one pipeline NAME (its tests are pipelines/tests/NAME/)")
    visits = Visits(targets[0]) if coverage else None
    files = collect(list(targets), engine.pipelines_dir, engine.names())
    failed, root = 0, logging.getLogger()
    level = root.level
    if not verbose:
        root.setLevel(max(level, logging.WARNING))  # one line per dialog, not one per turn
    try:
        for path in files:
            result = run_dialog(path, engine.settings, shown_as=shown_path(path), with_llm=with_llm, visits=visits)
            failed += not result.passed
            for line in result.lines():
                click.echo(line)
    finally:
        root.setLevel(level)
    click.echo(f"{len(files) - failed} passed, {failed} failed")
    if visits is not None:
        _show_coverage(coverage_of(engine.config(visits.pipeline), visits))
    if failed:
        sys.exit(1)


def _show_coverage(report: Coverage) -> None:
    """Every target no test visits, as `file:line:col  kind  name`, then the covered share by kind."""
    file = shown_path(Path(report.file)) if report.file else None
    for target in report.missed:
        click.echo(f"{target.where(file)}  not covered  {target.kind}  {target.name}")
    counts = ", ".join(f"{kind} {covered}/{total}" for kind, (covered, total) in report.by_kind().items())
    click.echo(f"coverage of {report.pipeline}: {report.share:.1%} ({counts})")
