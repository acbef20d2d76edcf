"""Options shared by several commands, defined once."""

from __future__ import annotations

import click

web_port_option = click.option(
    "--web-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port der Weboberfläche (überschreibt web.port; 0 = beliebiger freier) "
    "/ web port (overrides web.port; 0 = any free port).",
)
