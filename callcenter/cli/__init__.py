"""Entry point `callcenter`: one group, subcommands in small modules, one error line on failure."""

from __future__ import annotations

import importlib
import sys

import click

from callcenter.cli.context import CliContext, CliFailure, describe_error, known_errors
from callcenter.cli.logs import configure_logging
from callcenter.control.protocol import EXIT_INTERNAL_ERROR, internal_error_line

HELP = """Telefonische Sprechzeiten für Teams einer Behörde (Asterisk).
Telephone call hours for a public office's teams (Asterisk).

\b
Beispiele / examples:
  callcenter demo
  callcenter state --at 2026-12-24T10:00:00+01:00
  callcenter hours set auslaender-a "Mo-Do 09:00-12:00" "Do 14:00-17:30"
  callcenter closure add --team auslaender-a --from 2026-12-01 --note Personalengpass
"""


# Command name -> "module:attribute". A command's module is imported only when the command
# runs (or help lists it): `callcenter report` then skips the service, the web app and the
# simulator, whose imports alone took a second of its start-up.
COMMANDS = {
    "demo": "callcenter.cli.demo:demo",
    "serve": "callcenter.cli.serve_cmd:serve",
    "state": "callcenter.cli.state_cmd:state",
    "hours": "callcenter.cli.schedule_cmds:hours",
    "closure": "callcenter.cli.schedule_cmds:closure",
    "opening": "callcenter.cli.schedule_cmds:opening",
    "pilot": "callcenter.cli.schedule_cmds:pilot",
    "holidays": "callcenter.cli.schedule_cmds:holidays_cmd",
    "prompts": "callcenter.cli.prompt_cmds:prompts",
    "pbx": "callcenter.cli.pbx_cmds:pbx",
    "db": "callcenter.cli.db_cmds:db",
    "import": "callcenter.cli.import_cmds:import_group",
    "purge": "callcenter.cli.import_cmds:purge",
    "calls": "callcenter.cli.import_cmds:calls",
    "pilot-data": "callcenter.cli.pilot_data_cmd:pilot_data",
    "report": "callcenter.cli.report_cmd:report",
    "tally": "callcenter.cli.tally_cmd:tally",
    "users": "callcenter.cli.users_cmd:users",
}


# What `callcenter --help` lists for each command, German / English. Written here so that the
# overview imports none of the command modules (all of them together: a second of start-up);
# a test holds every command's own help to the German summary given here.
SUMMARIES = {
    "demo": "Demo mit simulierter Telefonanlage / demo with a simulated PBX",
    "serve": "Dienst starten (AMI, AstDB, Heartbeat, Web) / run the service",
    "state": "Zustand der Teams, eine JSON-Zeile je Team / team states as JSON lines",
    "hours": "Sprechzeiten anzeigen und setzen / show and set call hours",
    "closure": "Schließtage / closures (announcement all day)",
    "opening": "Sonderöffnungen / special openings",
    "pilot": "Pilotphasen / pilot periods",
    "holidays": "Gesetzliche Feiertage / public holidays",
    "prompts": "Bandansagen (Audio) erzeugen und verwalten / render and manage announcements",
    "pbx": "Telefonanlage (Asterisk) anbinden / connect the PBX (Asterisk)",
    "db": "Datenbank verwalten / manage the database",
    "import": "Anrufe oder Strichliste importieren / import calls or a tally sheet",
    "purge": "Kennungen nach Aufbewahrungsfrist löschen / purge identifiers after retention",
    "calls": "Anrufdaten / call records",
    "pilot-data": "Synthetische Pilotdaten / synthetic pilot data",
    "report": "Auswertung als Website und PDF / evaluation as a website and PDF",
    "tally": "Strichliste von Hand ergänzen / add tally entries by hand",
    "users": "Benutzer der Weboberfläche und API-Tokens / web users and API tokens",
}


class _Cli(click.Group):
    """Loads commands on first use; turns the known, expected failures into one line in the
    user's language."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), target
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from SUMMARIES, without importing any command module."""
        rows = [(name, SUMMARIES[name]) for name in self.list_commands(ctx)]
        with formatter.section("Befehle / Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except known_errors() as exc:
            options = ctx.obj if isinstance(ctx.obj, CliContext) else None
            if options is not None and options.debug:
                raise
            raise CliFailure(describe_error(exc, options.lang if options else "de")) from None


@click.group(cls=_Cli, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=str),
    envvar="CALLCENTER_CONFIG",
    help="Konfigurationsdatei (TOML); ohne Angabe die Beispielkonfiguration. "
    "/ Configuration file; default: the example configuration. [env: CALLCENTER_CONFIG]",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=str),
    envvar="CALLCENTER_DATA_DIR",
    help="Datenverzeichnis (überschreibt office.data_dir). "
    "/ Data directory (overrides office.data_dir). [env: CALLCENTER_DATA_DIR]",
)
@click.option(
    "--actor",
    default=None,
    help="Name für das Änderungsprotokoll (Standard: cli:<Benutzer>). "
    "/ Name written to the audit log (default: cli:<user>).",
)
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    default="de",
    envvar="CALLCENTER_LANG",
    help="Sprache der Meldungen / language of messages. [env: CALLCENTER_LANG]",
)
@click.option("--debug", is_flag=True, help="Bei Fehlern Details zeigen / show details on errors.")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    data_dir: str | None,
    actor: str | None,
    lang: str,
    debug: bool,
) -> None:
    if isinstance(ctx.obj, CliContext):
        # A request on the control socket (callcenter.cli.served): the service built the
        # context on its own settings and store (it declines callers naming another
        # configuration file); the caller chooses language and actor.
        ctx.obj.lang = lang
        ctx.obj.actor_name = actor
        return
    configure_logging(debug)
    ctx.obj = CliContext(config_path, data_dir, actor, lang, debug)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; known problems end in one clear line and a non-zero exit, no traceback."""
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="callcenter")
    except Exception as exc:
        if "--debug" in args:
            raise
        click.echo(internal_error_line(exc), err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
