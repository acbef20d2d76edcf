"""`callcenter demo`: the main job on the embedded default (SQLite in the data directory)."""

from __future__ import annotations

import click

from callcenter.cli.context import CliContext, local_text, pass_cli
from callcenter.cli.prompt_cmds import render_now
from callcenter.domain.schedule import Reason, State, next_change, state_at

REASON_DE = {
    Reason.HOURS: "außerhalb der Sprechzeiten",
    Reason.HOLIDAY: "Feiertag",
    Reason.CLOSURE: "Schließtag",
}


@click.command(
    help="Demo auf dem eingebauten Standard: SQLite im Datenverzeichnis, Beispielteams, "
    "Zustand aller Teams.\n\nDemo on the embedded default: SQLite in the data directory, "
    "example teams, every team's state."
)
@pass_cli
def demo(cli: CliContext) -> None:
    settings = cli.settings
    click.echo(f"callcenter-Demo – {settings.office.name}")
    click.echo(f"Konfiguration / configuration: {settings.source}")
    click.echo(f"Datenbank / database:         {settings.database_url}")
    office = cli.store.office()
    now = cli.now()
    click.echo(f"Jetzt / now: {local_text(now, settings)} ({settings.office.timezone})\n")
    for team in office.teams:
        schedule = office.schedule_for(team.id)
        current = state_at(schedule, now)
        if current.state == State.OPEN:
            status = "GEÖFFNET / open"
        else:
            reason = REASON_DE[current.reason] if current.reason else ""
            status = f"GESCHLOSSEN / closed ({reason})"
            closure = schedule.closure_at(now)
            if closure is not None and closure.note:
                status += f" – {closure.note}"
        click.echo(f"{team.name_de} [{team.id}]")
        click.echo(f"  jetzt:            {status}")
        change = next_change(schedule, now)
        if change is None:
            click.echo("  nächste Änderung: keine in den nächsten 400 Tagen")
        else:
            after = (
                "öffnet"
                if change.state == State.OPEN
                else (f"schließt ({REASON_DE[change.reason]})" if change.reason else "schließt")
            )
            click.echo(f"  nächste Änderung: {local_text(change.at, settings)} – {after}")
    first_team = office.teams[0].id
    click.echo(f"\nAnsagen für {first_team} / announcements (nur geänderte werden neu erzeugt):")
    render_now(cli, first_team)
    click.echo(
        "\nWeiter mit / next: .venv/bin/callcenter state --at 2026-12-24T10:00:00+01:00 · "
        ".venv/bin/callcenter --help"
    )
