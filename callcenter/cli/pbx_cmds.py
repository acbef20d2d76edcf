"""`callcenter pbx`: the Asterisk side — for now the generated dialplan include."""

from __future__ import annotations

from pathlib import Path

import click

from callcenter.cli.context import CliContext, CliFailure, pass_cli
from callcenter.cli.simulate_cmd import simulate
from callcenter.pbx.dialplan import DialplanError, generate_dialplan
from callcenter.pbx.dialplan_settings import options_from_settings
from callcenter.pbx.queues_conf import generate_queues
from callcenter.prompts.audio_files import write_text_atomically


@click.group(help="Telefonanlage (Asterisk) anbinden.\n\nConnect the PBX (Asterisk).")
def pbx() -> None:
    pass


@pbx.command(
    "dialplan",
    help="Dialplan-Include (extensions_callhours.conf) aus Teams und Sprechzeiten erzeugen: "
    "Eingangs-Nebenstellen, Routing nach dem Zustand in der AstDB und eingebauter Ersatz "
    "(GotoIfTime) für die nächsten 12 Monate. Danach an der Anlage „dialplan reload“.\n\n"
    "Generate the dialplan include from the teams and call hours: entry extensions, routing "
    "by the AstDB state and a compiled fallback for the coming 12 months. Then run "
    "'dialplan reload' on the PBX.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Zieldatei; „-“ = Standardausgabe; Standard: pbx.dialplan_file. "
    "/ Target file; '-' = stdout; default: pbx.dialplan_file.",
)
@pass_cli
def dialplan(cli: CliContext, output: str | None) -> None:
    settings = cli.settings
    try:
        text = generate_dialplan(cli.store.office(), options_from_settings(settings), cli.now())
    except DialplanError as exc:
        raise CliFailure(f"Dialplan nicht erzeugt / dialplan not generated: {exc}") from None
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output).expanduser() if output else settings.dialplan_file
    # Atomic: a `dialplan reload` racing with us sees the old file or the whole new one.
    write_text_atomically(target, text)
    click.echo(f"Dialplan geschrieben / written: {target}")
    click.echo(
        "Einbinden / include (einmalig / once): '#include extensions_callhours.conf' in "
        f"extensions.conf und / and 'include => {settings.pbx.context}' im Kontext des "
        "Amtsanschlusses / in the trunk's context."
    )
    click.echo(
        "Neu laden / reload: asterisk -rx 'dialplan reload' "
        "(der Dienst sendet das per AMI / the service sends it over AMI)."
    )


@pbx.command(
    "queues",
    help="queues.conf-Ausschnitt mit einer Warteschlange je Team und der Zentrale erzeugen "
    "(jede muss an der Anlage existieren; Mitglieder selbst eintragen).\n\n"
    "Print a queues.conf snippet with one queue per team and the switchboard (each must "
    "exist on the PBX; add the members yourself).",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default="-",
    show_default=True,
    help="Zieldatei; „-“ = Standardausgabe / target file; '-' = stdout.",
)
@pass_cli
def queues(cli: CliContext, output: str) -> None:
    announce = {
        team.queue or team.id: team.announce_frequency_seconds
        for team in cli.settings.teams
        if team.announce_position
    }
    text = generate_queues(cli.store.office(), cli.settings.switchboard.queue, announce)
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output).expanduser()
    write_text_atomically(target, text)
    click.echo(f"Warteschlangen geschrieben / written: {target}")


pbx.add_command(simulate)
