"""`callcenter demo`: the whole thing on the embedded default.

SQLite in the data directory, the example teams, their announcements, the simulated
Asterisk with accelerated traffic, and the service pushing call-hour states and recording
every call — until Ctrl-C or `--duration`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
from collections import Counter
from datetime import datetime, time, timedelta

import click
from pydantic import SecretStr

from callcenter.bootstrap import Service, ServiceOptions
from callcenter.cli.context import CliContext, local_text, pass_cli
from callcenter.cli.options import web_port_option
from callcenter.cli.pilot_data_cmd import load as load_pilot_data
from callcenter.cli.prompt_cmds import render_now
from callcenter.cli.served import control_handler
from callcenter.config import Settings
from callcenter.domain.schedule import Office, Reason, State, next_change, state_at
from callcenter.pbx.translate import parse_state
from callcenter.simulator import SimClock, Simulator
from callcenter.simulator.file_fallback import file_or_schedule_fallback
from callcenter.simulator.from_settings import model_from_settings, profile_from_settings
from callcenter.simulator.run import DEMO_SECRET
from callcenter.simulator.traffic import TrafficGenerator
from callcenter.usecases import accounts

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-sprechzeiten"

REASON_DE = {
    Reason.HOURS: "außerhalb der Sprechzeiten",
    Reason.HOLIDAY: "Feiertag",
    Reason.CLOSURE: "Schließtag",
}


def describe_state(value: str | None) -> str:
    """An AstDB value as the switchboard would say it."""
    if value is None:
        return "–"
    state, reason = parse_state(value)
    if state == State.OPEN:
        return "offen"
    return f"zu ({REASON_DE[reason] if reason else ''})"


def print_states(office: Office, now: datetime, settings: Settings) -> None:
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
        change = next_change(schedule, now)
        if change is None:
            upcoming = "keine in den nächsten 400 Tagen"
        else:
            verb = "öffnet" if change.state == State.OPEN else "schließt"
            upcoming = f"{local_text(change.at, settings)} – {verb}"
        click.echo(f"{team.name_de} [{team.id}]")
        click.echo(f"  jetzt:            {status}")
        click.echo(f"  nächste Änderung: {upcoming}")


def default_start(now: datetime, settings: Settings) -> datetime:
    """Now on a working day between 8 and 16 o'clock, else the next working day at 8:45:
    so that the accelerated demo shows open hours, closing times and announcements."""
    local = now.astimezone(settings.tz)
    if local.weekday() < 5 and time(8) <= local.time() < time(16):
        return local
    day = local.date() + timedelta(days=1 if local.time() >= time(8) else 0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 45), tzinfo=settings.tz)


async def run_live(
    settings: Settings,
    office: Office,
    start: datetime,
    speed: float,
    duration: float,
    calls_per_hour: float,
    seed: int,
    web_port: int | None = None,
    *,
    config: str | None,
) -> None:
    """`config`: the --config the demo runs on, which the control socket's callers must name."""
    clock = SimClock(start, speed)
    profile = profile_from_settings(settings, office, calls_per_hour)
    secret = settings.ami_secret.get_secret_value() if settings.ami_secret else DEMO_SECRET
    sim = Simulator(
        model_from_settings(settings, profile.phone()),
        username=settings.ami.username,
        secret=secret,
        clock=clock,
        # The service writes this file and sends `dialplan reload`, as with Asterisk.
        fallback=file_or_schedule_fallback(settings.dialplan_file, office),
        seed=seed,
        port=0,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with sim:
        service_settings = settings.model_copy(
            update={
                "ami": settings.ami.model_copy(update={"port": sim.port}),
                "ami_secret": SecretStr(secret),
            }
        )
        control = functools.partial(control_handler, config=config)
        options = ServiceOptions(web=True, web_port=web_port, control=control)
        service = Service(service_settings, clock=clock, options=options)
        await service.start()
        traffic = asyncio.create_task(
            TrafficGenerator(sim.pbx, profile, seed=seed).run(), name="demo-traffic"
        )
        click.echo(
            f"\nSimulierte Telefonanlage auf 127.0.0.1:{sim.port} (AMI-Benutzer "
            f"{settings.ami.username}, Passwort {secret}); Zeitraffer ×{speed:g}, Start "
            f"{local_text(start, settings)}. Ende mit Strg-C."
        )
        if service.web is not None:
            click.echo(
                f"Weboberfläche / web app: {service.web.url}/  – Anmeldung / login: "
                f"{DEMO_USER} / {DEMO_PASSWORD}"
            )
        if service.control is not None:
            click.echo(f"Steuer-Socket / control socket: {service.control.path}")
        began = loop.time()
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=5)
                states = ", ".join(
                    f"{team}={describe_state(sim.pbx.db.get('callhours', team))}"
                    for team in office.team_ids
                )
                outcomes = Counter(sim.report.outcomes)
                recorded = service.writer.stats().written if service.writer else 0
                click.echo(
                    f"[{local_text(clock.now(), settings)}] {states} | Anrufe "
                    f"{sim.report.started}, gespeichert {recorded} "
                    f"({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items())) or '–'})"
                )
                if duration and loop.time() - began >= duration:
                    break
        finally:
            traffic.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await traffic
            await service.stop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)


def ensure_demo_user(cli: CliContext) -> None:
    """An admin account for the demo's web app, created once (never in a real office's
    database: the demo refuses to add it when other users exist)."""
    actor = cli.as_actor

    def add_if_alone(uow: accounts.AccountsUnitOfWork) -> set[str]:
        users, _tokens = accounts.users_and_tokens(uow, actor)
        names = {account.username for account in users}
        if not names:
            accounts.add_user(uow, actor, DEMO_USER, "admin", DEMO_PASSWORD, None, now=cli.now())
        return names

    names = cli.run(add_if_alone)
    if names and DEMO_USER not in names:
        click.echo(
            f"Hinweis: Es gibt schon Benutzer; kein Demo-Benutzer „{DEMO_USER}“ angelegt. "
            "/ users exist; no demo user added."
        )


@click.command(
    help="Demo auf dem eingebauten Standard: SQLite im Datenverzeichnis, Beispielteams und "
    "ihre Ansagen, simulierte Telefonanlage mit Zeitraffer-Anrufen; der Dienst schreibt die "
    "Sprechzeiten-Zustände in die Anlage und protokolliert jeden Anruf. Ende mit Strg-C.\n\n"
    "Demo on the embedded default: SQLite, example teams and announcements, the simulated "
    "PBX with accelerated calls; the service pushes states and records every call."
)
@click.option(
    "--speed",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Zeitraffer (simulierte Sekunden je Sekunde) / time acceleration.",
)
@click.option(
    "--duration",
    default=0.0,
    type=click.FloatRange(min=0),
    help="Nach so vielen Sekunden enden (0 = bis Strg-C) / stop after N seconds.",
)
@click.option(
    "--calls-per-hour",
    default=20.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Anrufe je Team und Stunde zur Spitzenzeit / peak calls per team and hour.",
)
@click.option("--seed", default=1, show_default=True, help="Zufallsstartwert / random seed.")
@click.option("--no-pbx", is_flag=True, help="Nur Zustände zeigen / states only, no simulation.")
@web_port_option
@pass_cli
def demo(
    cli: CliContext,
    speed: float,
    duration: float,
    calls_per_hour: float,
    seed: int,
    no_pbx: bool,
    web_port: int | None,
) -> None:
    settings = cli.settings
    click.echo(f"callcenter-Demo – {settings.office.name}")
    click.echo(f"Konfiguration / configuration: {settings.source}")
    click.echo(f"Datenbank / database:         {settings.database_url}")
    office = cli.store.office()
    now = cli.now()
    click.echo(f"Jetzt / now: {local_text(now, settings)} ({settings.office.timezone})\n")
    print_states(office, now, settings)
    ensure_demo_user(cli)
    click.echo("\nSynthetische Pilotdaten für die Auswertung / synthetic pilot data:")
    cli_context = click.get_current_context()
    cli_context.invoke(load_pilot_data, seed=1, scale=None, effect=None, params_file=None)
    first_team = office.teams[0].id
    click.echo(f"\nAnsagen für {first_team} / announcements (nur geänderte werden neu erzeugt):")
    render_now(cli, first_team)
    if no_pbx:
        return
    start = default_start(now, settings)
    live = run_live(
        settings,
        office,
        start,
        speed,
        duration,
        calls_per_hour,
        seed,
        web_port,
        config=cli.config_path,
    )
    asyncio.run(live)
    click.echo(
        "\nDemo beendet. Weiter mit / next: .venv/bin/callcenter state --at "
        "2026-12-24T10:00:00+01:00 · .venv/bin/callcenter calls export --format csv · "
        ".venv/bin/callcenter --help"
    )
