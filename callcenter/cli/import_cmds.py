"""`callcenter import`, `callcenter purge`, `callcenter calls export`."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from callcenter.cli.context import CliContext, CliFailure, pass_cli
from callcenter.cli.tally_cmd import import_sheet
from callcenter.domain.schedule import wall_to_instant
from callcenter.exports import FORMATS
from callcenter.imports.common import CallImportSetup, ImportResult
from callcenter.imports.errors import ImportFailed
from callcenter.privacy import KeyFileError
from callcenter.usecases.calls import (
    export_calls,
    import_cdr,
    import_queue_log,
    import_setup,
    purge_identifiers,
)

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
TEAM_HELP = "Nur die Anrufe/Einträge dieses Teams / only this team's calls or entries."


def _setup(cli: CliContext, team: str | None) -> CallImportSetup:
    try:
        return import_setup(cli.settings, cli.store.office(), team)
    except KeyFileError as exc:
        raise CliFailure(exc.message(cli.lang)) from None


def _report(result: ImportResult) -> None:
    click.echo(
        f"{result.file}: {result.read} gelesen / read, {result.imported} importiert / imported, "
        f"{result.duplicates} Duplikate übersprungen / duplicates skipped, "
        f"{result.updated} ergänzt / updated, {result.ignored} ignoriert / ignored"
    )


def _report_calls(result: ImportResult) -> None:
    """Per import of PBX files: what became of the file's calls, and whether its times fit."""
    click.echo(
        f"{result.file}: {result.read} gelesen / read; Anrufe / calls: "
        f"{result.imported} neu / new, "
        f"{result.matched} einem Live-Anruf zugeordnet / matched to a live call, "
        f"{result.updated} davon ergänzt / completed, "
        f"{result.duplicates} Duplikate / duplicates, "
        f"{result.rejected} abgewiesen / rejected, {result.ignored} ignoriert / ignored"
    )
    if result.rejected:
        click.echo(
            f"  {result.rejected} Anrufe abgewiesen: ihre Kennung gehört zu einem gespeicherten "
            "Anruf mit anderem Team, Anrufer oder Beginn / calls rejected: their id belongs "
            "to a stored call with another team, caller or start"
        )
    if result.shift_hours is None:
        return
    if result.shift_hours == 0:
        click.echo(
            f"  Zeitzone passt: Beginn wie bei {result.compared} Live-Anrufen / time zone fits: "
            f"same start as {result.compared} live calls"
        )
        return
    click.echo(
        f"  WARNUNG: die Zeiten der Datei liegen {result.shift_hours:+d} h neben denen von "
        f"{result.compared} Live-Anrufen derselben Anrufe – die Stundenverteilung wäre "
        "verschoben; [pbx] timezone bzw. --timezone prüfen / WARNING: the file's times are "
        f"{result.shift_hours:+d} h off the {result.compared} live calls they match: the hour "
        "distribution would shift; check [pbx] timezone or --timezone",
        err=True,
    )


def _failed(exc: ImportFailed, lang: str) -> CliFailure:
    lines = [exc.message(lang)]
    lines += [f"  {problem.message(lang)}" for problem in exc.problems[1:]]
    return CliFailure("\n".join(lines))


@click.group(
    "import",
    help="Anrufe aus Asterisk-Dateien oder eine Strichliste importieren (alles oder nichts, "
    "wiederholbar).\n\nImport calls from Asterisk files or a manual tally (all or nothing, "
    "repeatable).",
)
def import_group() -> None:
    pass


@import_group.command(
    "cdr",
    help="Asterisk-CDR-CSV (cdr-csv/Master.csv, 18 oder 21 Spalten) importieren; ordnet "
    "jeden Anruf dem Live-Protokoll zu (mit newcdrcolumns=yes über die linkedid) und "
    "ergänzt unvollständige Anrufe. Die Zeiten der Datei gelten in [pbx] timezone "
    "(Standard: UTC).\n\nImport Asterisk CDR CSV; matches every call with the live log "
    "(by linkedid with newcdrcolumns=yes) and completes incomplete calls. The file's times "
    "are read in [pbx] timezone (default: UTC).",
)
@click.argument("file", type=FILE)
@click.option("--team", help=TEAM_HELP)
@click.option(
    "--timezone",
    "zone",
    default=None,
    help="Zeitzone der Zeiten in der Datei (Standard: [pbx] timezone, sonst UTC; Asterisk "
    "schreibt die Ortszeit der Anlage). / Time zone of the file's times (default: "
    "[pbx] timezone, else UTC; Asterisk writes the PBX machine's local time).",
)
@pass_cli
def cdr(cli: CliContext, file: Path, team: str | None, zone: str | None) -> None:
    try:
        tz = ZoneInfo(zone) if zone else cli.settings.pbx_tz
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unbekannte Zeitzone „{zone}“ / unknown time zone") from None
    setup = _setup(cli, team)
    try:
        result = import_cdr(cli.store.session, file, setup, tz, actor=cli.actor, now=cli.now())
    except ImportFailed as exc:
        raise _failed(exc, cli.lang) from None
    _report_calls(result)


@import_group.command(
    "queue-log",
    help="Asterisk-queue_log importieren (Anrufe über Warteschlangen); ordnet jeden Anruf "
    "dem Live-Protokoll zu (callid = Uniqueid des Kanals in der Warteschlange). Zeiten "
    "sind Unix-Sekunden, also unabhängig von [pbx] timezone.\n\n"
    "Import an Asterisk queue_log (calls through queues); matches every call with the "
    "live log. Its times are Unix seconds, independent of [pbx] timezone.",
)
@click.argument("file", type=FILE)
@click.option("--team", help=TEAM_HELP)
@pass_cli
def queue_log(cli: CliContext, file: Path, team: str | None) -> None:
    setup = _setup(cli, team)
    try:
        result = import_queue_log(cli.store.session, file, setup, actor=cli.actor, now=cli.now())
    except ImportFailed as exc:
        raise _failed(exc, cli.lang) from None
    _report_calls(result)


@import_group.command(
    "tally",
    help="Strichliste (CSV, siehe pilot_data/README.md) importieren. Eine Liste ist ihr "
    "Inhalt, nicht ihr Dateiname: derselbe Inhalt erneut ändert nichts; eine andere Liste, "
    "die schon erfasste Tage/Stunden eines Teams berührt, wird abgelehnt, außer mit "
    "--replace.\n\n"
    "Import a manual tally sheet (CSV, see pilot_data/README.md). A sheet is its content, not "
    "its file name: the same content again changes nothing; another sheet touching an "
    "already entered team's days/hours is refused unless --replace is given.",
)
@click.argument("file", type=FILE)
@click.option(
    "--team",
    help="Team der Liste, wenn sie keine Spalte team hat; sonst nur dessen Zeilen. "
    "/ The sheet's team if it has no team column; otherwise only its lines.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Einträge anderer Listen für dieselben Tage/Stunden ersetzen (protokolliert). "
    "/ Replace other sheets' entries of the same days/hours (audited).",
)
@pass_cli
def tally(cli: CliContext, file: Path, team: str | None, replace: bool) -> None:
    import_sheet(cli, file, team, replace)


@click.command(
    help="Kennungen (Anrufer- und Mitarbeiter-Pseudonyme, Notizen) nach privacy.retention_days "
    "löschen; Kennzahlen bleiben.\n\nClear caller/member pseudonyms and notes older than "
    "privacy.retention_days; metrics stay intact.",
)
@click.option("--dry-run", is_flag=True, help="Nur zeigen, nichts ändern / only show.")
@pass_cli
def purge(cli: CliContext, dry_run: bool) -> None:
    days = cli.settings.privacy.retention_days
    now = cli.now()
    delete_after = cli.settings.privacy.delete_calls_after_days
    report = purge_identifiers(
        cli.store.session,
        now,
        days,
        actor=cli.actor,
        dry_run=dry_run,
        delete_calls_after_days=delete_after,
    )
    verb = "würden bereinigt / would be cleared" if dry_run else "bereinigt / cleared"
    click.echo(
        f"Aufbewahrung / retention {days} Tage/days, Stichtag / cutoff "
        f"{report.cutoff.astimezone(cli.settings.tz):%Y-%m-%d %H:%M}: "
        f"{report.calls} Anrufe / calls, {report.tally_notes} Notizen / notes {verb}"
    )
    if delete_after is not None:
        gone = "würden gelöscht / would be deleted" if dry_run else "gelöscht / deleted"
        click.echo(
            f"Anrufdatensätze älter als / call records older than {delete_after} Tage/days: "
            f"{report.calls_deleted} {gone}"
        )


@click.group(help="Anrufdaten / call records.")
def calls() -> None:
    pass


def _day_start(cli: CliContext, day: date) -> datetime:
    return wall_to_instant(day, datetime.min.time(), cli.settings.tz)


@calls.command(
    "export",
    help="Anrufe für die Auswertung exportieren, nur Pseudonyme.\n\n"
    "Export call records for research, pseudonyms only.",
)
@click.option("--from", "first", help="Erster Tag / first day (JJJJ-MM-TT).")
@click.option("--to", "last", help="Letzter Tag, einschließlich / last day, inclusive.")
@click.option("--team", help="Nur dieses Team / only this team.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zieldatei (Standard: Standardausgabe) / output file (default: stdout).",
)
@pass_cli
def export(
    cli: CliContext,
    first: str | None,
    last: str | None,
    team: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    start = _day_start(cli, cli.parse_day(first)) if first else None
    end = _day_start(cli, cli.parse_day(last) + timedelta(days=1)) if last else None
    if team is not None:
        cli.store.office().team(team)
    if output is None:
        count = export_calls(cli.store.session, sys.stdout, fmt, start, end, team)
    else:
        with output.open("w", encoding="utf-8", newline="") as out:
            count = export_calls(cli.store.session, out, fmt, start, end, team)
    click.echo(f"{count} Anrufe exportiert / calls exported", err=True)
