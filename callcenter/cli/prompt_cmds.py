"""`callcenter prompts`: render announcement audio, upload recordings, show what is active."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from callcenter.cli.context import CliContext, pass_cli
from callcenter.domain.schedule import Reason
from callcenter.prompts.audio_errors import AudioToolError
from callcenter.prompts.audio_files import TeamSounds
from callcenter.prompts.audio_manifest import active_sources
from callcenter.prompts.errors import PromptError
from callcenter.prompts.render import RenderEntry
from callcenter.usecases import office_phrases
from callcenter.usecases import prompts as prompt_cases
from callcenter.usecases.office_phrases import office_contact
from callcenter.usecases.ports import UnitOfWork
from callcenter.usecases.prompts import render_announcements

T = TypeVar("T")
REASONS = click.Choice([reason.value for reason in Reason])


@click.group(help="Bandansagen (Audio) erzeugen und verwalten / render and manage announcements.")
def prompts() -> None:
    pass


def _transact(cli: CliContext) -> Callable[[Callable[[UnitOfWork], T]], Awaitable[T]]:
    """The use cases' transactions for the audio commands (a plain call here)."""

    async def transact(work: Callable[[UnitOfWork], T]) -> T:
        return cli.run(work)

    return transact


def _progress(entry: RenderEntry) -> None:
    verb = "erzeugt / rendered" if entry.action == "rendered" else "unverändert / unchanged"
    active = " (Aufnahme aktiv / recording active)" if entry.active == "recording" else ""
    click.echo(
        f"  {entry.team}: closed-{entry.reason}-{entry.lang} {verb}, {entry.seconds:.1f} s{active}"
    )


def render_now(cli: CliContext, team: str | None, quiet: bool = False) -> None:
    """Render changed announcements, printing one line per rendered file."""

    def progress(entry: RenderEntry) -> None:
        if not quiet or entry.action == "rendered":
            _progress(entry)

    contact = cli.run(lambda uow: office_contact(uow, cli.settings))
    report = asyncio.run(
        render_announcements(
            cli.settings, cli.store.office(), cli.now(), team, progress, contact=contact
        )
    )
    click.echo(
        f"{len(report.rendered)} erzeugt, {len(report.skipped)} unverändert → "
        f"{cli.settings.sounds_dir / 'callhours'}"
    )


def refresh_prompts(cli: CliContext, team: str | None) -> None:
    """After a schedule change: re-render what the change altered. The change itself is
    already saved, so a missing audio tool is a warning here, not a failure."""
    try:
        render_now(cli, team, quiet=True)
    except (AudioToolError, PromptError) as exc:
        click.echo(f"Warnung: Ansagen nicht neu erzeugt / prompts not re-rendered: {exc}", err=True)


@prompts.command(
    "render",
    help="Ansagen aus den Textvorlagen mit espeak-ng/sox erzeugen (8 kHz, mono, 16 bit); nur "
    "geänderte Texte werden neu erzeugt.\n\nRender announcements; only changed texts are "
    "rendered again.",
)
@click.option("--team", help="Nur dieses Team / only this team.")
@pass_cli
def render(cli: CliContext, team: str | None) -> None:
    if team is not None:
        cli.store.office().team(team)
    render_now(cli, team)


@prompts.command(
    "upload",
    help="Eigene Aufnahme (WAV, MP3, OGG, FLAC; 1–120 s) für TEAM GRUND SPRACHE installieren; "
    "sie hat Vorrang vor dem erzeugten Text.\n\nInstall a recording; it takes precedence.",
)
@click.argument("team")
@click.argument("reason", type=REASONS)
@click.argument("lang")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def upload(cli: CliContext, team: str, reason: str, lang: str, file: Path) -> None:
    installed = asyncio.run(
        prompt_cases.upload_recording(
            _transact(cli),
            cli.as_actor,
            cli.settings.sounds_dir,
            team,
            reason,
            lang,
            file,
            source_name=file.name,
            now=cli.now(),
        )
    )
    click.echo(f"Aufnahme aktiv / recording active: {installed.path} ({installed.seconds:.1f} s)")


@prompts.command(
    "remove",
    help="Aufnahme entfernen, der erzeugte Text gilt wieder.\n\nRemove a recording.",
)
@click.argument("team")
@click.argument("reason", type=REASONS)
@click.argument("lang")
@pass_cli
def remove(cli: CliContext, team: str, reason: str, lang: str) -> None:
    active = asyncio.run(
        prompt_cases.drop_recording(
            _transact(cli),
            cli.as_actor,
            cli.settings.sounds_dir,
            team,
            reason,
            lang,
            now=cli.now(),
        )
    )
    click.echo(f"closed-{reason}-{lang}: aktiv / active = {active}")


@prompts.command("status", help="Welche Ansage ist aktiv (tts/recording)? / what is active.")
@click.option("--team")
@pass_cli
def status(cli: CliContext, team: str | None) -> None:
    office = cli.store.office()
    teams = [office.team(team).id] if team else list(office.team_ids)
    for team_id in teams:
        sources = active_sources(TeamSounds(cli.settings.sounds_dir, team_id))
        click.echo(f"{team_id}:")
        if not sources:
            click.echo("  noch nichts erzeugt / nothing rendered yet")
        for slot, source in sorted(sources.items()):
            click.echo(f"  {slot}: {source}")


@prompts.command(
    "phrases",
    help="Textbausteine des Amts in den Ansagen (Web-Adresse, Kontakt-E-Mail) anzeigen oder "
    "setzen; ein leerer Wert lässt den Baustein weg, der Wert der Konfigurationsdatei stellt "
    "sie wieder her.\n\nShow or set the office's phrases in the announcements.",
)
@click.option("--url", help="Web-Adresse für Termine / web address for appointments.")
@click.option("--email", help="Kontakt-E-Mail / contact e-mail.")
@pass_cli
def phrases(cli: CliContext, url: str | None, email: str | None) -> None:
    given = {name: value for name, value in (("url", url), ("email", email)) if value is not None}
    if given:
        result = cli.run(
            lambda uow: office_phrases.save_office_phrases(
                uow,
                cli.as_actor,
                cli.settings,
                office_phrases.clean(office_phrases.saved(uow, cli.settings) | given),
                cli.now(),
            )
        )
        shown = result.after
        click.echo("gespeichert / saved" if result.changed else "unverändert / unchanged")
    else:
        shown = cli.run(lambda uow: office_phrases.saved(uow, cli.settings))
    for name, (label_de, label_en) in office_phrases.PHRASES.items():
        click.echo(f"  {label_de} / {label_en}: {shown.get(name) or '—'}")
