"""`callcenter db upgrade|seed`."""

from __future__ import annotations

import click

from callcenter.cli.context import CliContext, pass_cli
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings


@click.group(help="Datenbank verwalten / manage the database.")
def db() -> None:
    pass


@db.command(help="Migrationen anwenden (Alembic) / apply migrations.")
@pass_cli
def upgrade(cli: CliContext) -> None:
    store = open_store(cli.settings)
    store.close()
    click.echo(f"Datenbank ist aktuell / database is up to date: {cli.settings.database_url}")


@db.command(
    help="Datenbank einmalig aus der Konfiguration befüllen (Teams, Sprechzeiten, Schließtage, "
    "Sonderöffnungen, Pilotphasen).\n\nSeed the database once from the configuration."
)
@pass_cli
def seed(cli: CliContext) -> None:
    store = open_store(cli.settings)
    try:
        if seed_from_settings(store, cli.actor, cli.now()):
            click.echo(f"Befüllt aus / seeded from {cli.settings.source}")
        else:
            click.echo(
                "Datenbank enthält bereits Teams – nichts geändert. Änderungen bitte über "
                "`callcenter hours|closure|opening|pilot`. / Already seeded, nothing changed."
            )
    finally:
        store.close()
