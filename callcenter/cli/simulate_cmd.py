"""`callcenter pbx simulate`: a simulated Asterisk 22 (AMI) with generated calls."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import click

from callcenter.cli.context import CliContext, CliFailure, local_text, pass_cli
from callcenter.pbx.dialplan_eval import DialplanReadError
from callcenter.simulator.file_fallback import DialplanFileFallback, file_or_schedule_fallback
from callcenter.simulator.run import SimulateOptions, credentials
from callcenter.simulator.run import simulate as run_simulation
from callcenter.simulator.simulator import Simulator


@click.command(
    "simulate",
    help="Simulierte Telefonanlage (Asterisk 22, AMI auf 127.0.0.1) mit erzeugten Anrufen; "
    "läuft bis Strg-C. Sie leitet Anrufe nach dem AstDB-Zustand callhours/<team> bzw. bei "
    "veraltetem Heartbeat nach dem Ersatzplan der erzeugten Dialplan-Datei (gelesen beim "
    "Start und bei „dialplan reload“; fehlt sie, nach dem Zeitplan).\n\n"
    "Simulated PBX (Asterisk 22, AMI on 127.0.0.1) with generated calls; runs until Ctrl-C. "
    "It routes calls by the AstDB state callhours/<team>, or, when the heartbeat is stale, "
    "by the fallback of the generated dialplan file (read at start and on 'dialplan "
    "reload'; by the schedule while the file does not exist).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="AMI-Port (Standard: ami.port der Konfiguration, 0 = frei). "
    "/ AMI port (default: ami.port; 0 = any free port).",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.001),
    default=60.0,
    show_default=True,
    help="Zeitraffer: simulierte Sekunden je echter Sekunde. "
    "/ Time acceleration: simulated seconds per real second.",
)
@click.option(
    "--seed", type=int, default=None, help="Zufallsstartwert / random seed (reproducible)."
)
@click.option(
    "--calls-per-hour",
    type=click.FloatRange(min=0.0),
    default=6.0,
    show_default=True,
    help="Anrufe je Stunde und Team zur Spitzenzeit (0 = keine). "
    "/ Calls per hour and team at peak time (0 = none).",
)
@click.option(
    "--start",
    "start_text",
    metavar="ISO-8601",
    help="Simulierte Startzeit (Standard: jetzt). / Simulated start (default: now).",
)
@click.option(
    "--dialplan",
    "dialplan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Erzeugte Dialplan-Datei, deren Ersatzplan gilt (Standard: pbx.dialplan_file). "
    "/ Generated dialplan whose fallback applies (default: pbx.dialplan_file).",
)
@pass_cli
def simulate(
    cli: CliContext,
    port: int | None,
    speed: float,
    seed: int | None,
    calls_per_hour: float,
    start_text: str | None,
    dialplan_file: Path | None,
) -> None:
    settings = cli.settings
    office = cli.store.office()
    dialplan = dialplan_file.expanduser() if dialplan_file else settings.dialplan_file
    try:
        fallback = file_or_schedule_fallback(dialplan, office)
    except DialplanReadError as exc:
        raise CliFailure(f"Dialplan-Datei unlesbar / dialplan file unreadable: {exc}") from None
    from_file = isinstance(fallback, DialplanFileFallback) and fallback.loaded
    options = SimulateOptions(
        port=settings.ami.port if port is None else port,
        speed=speed,
        seed=seed,
        calls_per_hour=calls_per_hour,
        start=cli.parse_instant(start_text) if start_text else None,
    )
    username, secret = credentials(settings)

    def ready(sim: Simulator) -> None:
        click.echo(
            f"Simulierte Anlage / simulated PBX: 127.0.0.1:{sim.port}  "
            f"Benutzer / user: {username}  Passwort / secret: {secret}"
        )
        click.echo(f"Zeitraffer / speed ×{speed:g} – Strg-C beendet / Ctrl-C stops")
        source = dialplan if from_file else "Zeitplan / schedule"
        click.echo(f"Ersatzplan bei veraltetem Heartbeat / fallback when stale: {source}")

    def progress(sim: Simulator) -> None:
        now = local_text(sim.clock.now(), settings)
        click.echo(f"[{now}] {sim.report.summary()}")

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_simulation(settings, office, options, ready, progress, fallback))
    click.echo("Simulation beendet / simulation stopped")
