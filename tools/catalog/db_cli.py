"""`flask db init|seed|reset`: create, seed and reset the business database of the running app."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from tools.catalog.sql import SqlService

db_cli = AppGroup("db", help="Create, seed or reset the business database (customers, products, orders).")


def _service() -> SqlService:
    """The app's SqlService, built once by the app factory."""
    return current_app.extensions["services"].sql


def _where(service: SqlService) -> str:
    return sa.make_url(service.url).render_as_string(hide_password=True)


@db_cli.command("init")
@click.option("--seed/--no-seed", default=True, show_default=True, help="Seed the demo data if never seeded.")
def init_command(seed: bool) -> None:
    """Create missing tables and seed the demo data on first start (safe to run on every start)."""
    service = _service()
    seeded = service.ensure_ready(seed=seed)
    state = "demo data seeded" if seeded else "demo data already present" if seed else "not seeded"
    click.echo(f"Database ready at {_where(service)} ({state}).")


@db_cli.command("seed")
def seed_command() -> None:
    """Seed the demo customers and products unless the catalog already has data."""
    service = _service()
    service.create_schema()
    if service.seed_demo():
        click.echo(f"Demo data seeded into {_where(service)}.")
    else:
        click.echo("The catalog already has data; nothing was written (use `flask db reset` to start over).")


@db_cli.command("reset")
@click.option("--seed/--no-seed", default=True, show_default=True, help="Seed the demo data after the reset.")
@click.confirmation_option(prompt="This deletes every customer, product and order. Continue?")
def reset_command(seed: bool) -> None:
    """Drop and recreate every business table, then seed the demo data."""
    service = _service()
    service.reset(seed=seed)
    click.echo(f"Database {_where(service)} reset{' and seeded' if seed else ''}.")


def register_db_cli(app: Flask) -> None:
    """Add the `db` command group to a Flask app."""
    app.cli.add_command(db_cli)
