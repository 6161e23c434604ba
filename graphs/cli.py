"""`flask pipeline list|validate|run|resume|graph|schema` (filled in by the CLI work)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

pipeline_cli = AppGroup("pipeline", help="List, validate, run and draw pipelines.")


@pipeline_cli.command("list")
def list_pipelines() -> None:
    """Names and descriptions of the pipelines."""
    from flask import current_app

    engine = current_app.extensions["t7"].engine
    for name in engine.names():
        click.echo(f"{name}\t{engine.config(name).description}")
