"""`callcenter serve`: the service in the foreground until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import functools
import signal
import time
from datetime import timedelta

import click

from callcenter.bootstrap import Service, ServiceOptions
from callcenter.cli.context import CliContext, pass_cli
from callcenter.cli.logs import configure_logging
from callcenter.cli.options import web_port_option
from callcenter.cli.served import control_handler
from callcenter.clock import AcceleratedClock, Clock


async def run_until_signalled(service: Service) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await service.start()
        if service.web is not None:
            click.echo(f"Weboberfläche / web app: {service.web.url}", err=True)
        if service.control is not None:
            click.echo(f"Steuer-Socket / control socket: {service.control.path}", err=True)
        await stop.wait()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await service.stop()


def simulated_clock(cli: CliContext, start: str, speed: float, anchor: float | None) -> Clock:
    """An accelerated clock showing `start` at Unix time `anchor` (default: now).

    The anchor lets a test hand the service the very clock its simulated PBX runs on,
    although the service process starts a second or two after the simulator.
    """
    shown = cli.parse_instant(start)
    if anchor is not None:
        shown += timedelta(seconds=(time.time() - anchor) * speed)
    return AcceleratedClock(shown, speed)


@click.command(
    help="Dienst starten: AMI-Verbindung, Sprechzeiten-Zustand in AstDB, Heartbeat; endet "
    "sauber mit SIGTERM/Strg-C.\n\nRun the service: AMI connection, call-hours state in "
    "AstDB, heartbeat; stops cleanly on SIGTERM/Ctrl-C."
)
# Development and test only (hidden): run against a simulated PBX with accelerated time.
@click.option(
    "--clock-start",
    metavar="ISO-8601",
    hidden=True,
    help="Simulierte Uhrzeit beim Start / simulated time at start (tests, simulator).",
)
@click.option(
    "--clock-speed",
    type=click.FloatRange(min=0.001),
    default=1.0,
    hidden=True,
    help="Zeitraffer der simulierten Uhr / speed of the simulated clock.",
)
@click.option(
    "--clock-anchor",
    type=float,
    default=None,
    hidden=True,
    help="Unix-Zeit, zu der die Uhr --clock-start zeigt / Unix time at which the clock "
    "shows --clock-start (default: now).",
)
@click.option(
    "--web/--no-web",
    default=True,
    help="Weboberfläche im selben Prozess starten (Standard) / serve the web app too (default).",
)
@web_port_option
@pass_cli
def serve(
    cli: CliContext,
    clock_start: str | None,
    clock_speed: float,
    clock_anchor: float | None,
    web: bool,
    web_port: int | None,
) -> None:
    configure_logging(cli.debug, service=True)
    if clock_start is None and (clock_speed != 1.0 or clock_anchor is not None):
        raise click.UsageError("--clock-speed/--clock-anchor brauchen / need --clock-start")
    _ = cli.store  # migrate and seed before the service starts
    clock = (
        simulated_clock(cli, clock_start, clock_speed, clock_anchor)
        if clock_start is not None
        else None
    )
    control = functools.partial(control_handler, config=cli.config_path)
    options = ServiceOptions(web=web, web_port=web_port, control=control)
    asyncio.run(run_until_signalled(Service(cli.settings, clock=clock, options=options)))
    click.echo("Dienst beendet / service stopped.")
