"""`flask runs prune --older-than DAYS`: retention of LangGraph checkpoints from the command line."""

from __future__ import annotations

import math
import time

import click
from flask import current_app
from flask.cli import AppGroup

from graphs.store.retention import prune_runs

runs_cli = AppGroup("runs", help="Maintenance of runs and their LangGraph checkpoints.")


def _finite(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not math.isfinite(value):  # FloatRange lets NaN through: every comparison with it is false
        raise click.BadParameter(f"{value} is not a number of days")
    return value


@runs_cli.command("prune")
@click.option(
    "--older-than",
    "days",
    required=True,
    type=click.FloatRange(min=0, max=36_500),
    help="Prune runs that ended more than DAYS days ago (0: every ended run).",
    metavar="DAYS",
    callback=_finite,
)
@click.option("--dry-run", is_flag=True, help="Only count the runs that would be pruned.")
def prune(days: float, dry_run: bool) -> None:
    """Delete the checkpoints of completed, cancelled and failed runs older than DAYS; keep rows and results.

    Waiting and running runs are never touched.
    """
    engine = current_app.extensions["t7"].engine
    report = prune_runs(engine, days, dry_run=dry_run)
    cutoff = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(report.cutoff))
    verb = "would be pruned" if dry_run else "pruned"
    click.echo(f"{report.pruned} ended run(s) from before {cutoff} {verb}.")
    if not dry_run:
        click.echo(f"{report.messages} answered chat message(s) from before {cutoff} deleted.")
