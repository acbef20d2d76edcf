"""`callcenter serve`: the service in the foreground until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

import click

from callcenter.cli.context import CliContext, pass_cli
from callcenter.service import Service


async def run_until_signalled(service: Service) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await service.start()
        await stop.wait()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await service.stop()


@click.command(
    help="Dienst starten: AMI-Verbindung, Sprechzeiten-Zustand in AstDB, Heartbeat; endet "
    "sauber mit SIGTERM/Strg-C.\n\nRun the service: AMI connection, call-hours state in "
    "AstDB, heartbeat; stops cleanly on SIGTERM/Ctrl-C."
)
@pass_cli
def serve(cli: CliContext) -> None:
    if not cli.debug:
        logging.getLogger().setLevel(logging.INFO)
    _ = cli.store  # migrate and seed before the service starts
    asyncio.run(run_until_signalled(Service(cli.settings)))
    click.echo("Dienst beendet / service stopped.")
