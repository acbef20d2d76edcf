"""`callcenter tally walk-ins` (a team's walk-ins of a day, by hand) and the body of
`callcenter import tally` (a sheet): both through callcenter.usecases.tally."""

from __future__ import annotations

from pathlib import Path

import click

from callcenter.cli.context import CliContext, CliFailure, pass_cli
from callcenter.domain.tally import WalkInDay
from callcenter.imports.errors import ImportFailed
from callcenter.usecases import tally as tally_cases
from callcenter.usecases.tally import GENERATED_SOURCE_PREFIX, MAX_WALK_INS, SheetImport


def import_sheet(cli: CliContext, file: Path, team: str | None, replace: bool) -> None:
    """`callcenter import tally FILE [--team T] [--replace]`."""
    actor, now, tz = cli.as_actor, cli.now(), cli.settings.tz
    try:
        result = cli.run(
            lambda uow: tally_cases.import_file(
                uow, actor, file, team=team, now=now, tz=tz, replace=replace
            )
        )
    except ImportFailed as exc:
        lines = [exc.message(cli.lang)]
        lines += [f"  {problem.message(cli.lang)}" for problem in exc.problems[1:]]
        raise CliFailure("\n".join(lines)) from None
    click.echo(_sheet_summary(result))


def _sheet_summary(result: SheetImport) -> str:
    if result.unchanged_as is not None:
        return (
            f"{result.file}: unverändert – dieselbe Strichliste wurde schon als "
            f"{result.unchanged_as} importiert / unchanged: the same sheet was imported "
            f"before as {result.unchanged_as} ({result.read} gelesen / read, "
            f"{result.duplicates} Duplikate übersprungen / duplicates skipped)"
        )
    text = (
        f"{result.file}: {result.read} gelesen / read, {result.imported} importiert / imported, "
        f"{result.duplicates} Duplikate übersprungen / duplicates skipped, "
        f"{result.updated} ergänzt / updated, {result.ignored} ignoriert / ignored"
    )
    if result.replaced:
        sources = ", ".join(result.replaced_sources)
        text += (
            f"\n  {result.replaced} Einträge aus {sources} ersetzt (protokolliert) "
            f"/ {result.replaced} entries of {sources} replaced (audited)"
        )
    return text


@click.group(
    "tally",
    help="Strichliste von Hand ergänzen (Tabellen importiert „callcenter import tally“).\n\n"
    "Add to the manual tally by hand (sheets are imported with 'callcenter import tally').",
)
def tally() -> None:
    pass


@tally.command(
    "walk-ins",
    help="Vorsprachen ohne Termin eines Teams an einem Tag eintragen; erneutes Eintragen "
    "ersetzt den Wert, --clear löscht ihn (beides im Änderungsprotokoll). Die Auswertung "
    "zählt je Tag die Summe aus Eintrag von Hand und Strichlisten.\n\n"
    "Enter a team's walk-ins without appointment for a day; entering again replaces the "
    "value, --clear removes it (both audited). The evaluation counts the sum of the hand "
    "entry and tally sheets per day.\n\n"
    "\b\nBeispiele / examples:\n"
    "  callcenter tally walk-ins --team auslaender-a --count 14\n"
    "  callcenter tally walk-ins --team auslaender-a --day 2026-09-07 --count 0\n"
    "  callcenter tally walk-ins --team auslaender-a --day 2026-09-07 --clear",
)
@click.option("--team", required=True, help="Team-ID wie in der Konfiguration / team id.")
@click.option(
    "--day",
    "day_text",
    metavar="DATUM",
    help="Tag (JJJJ-MM-TT), Standard heute / day, default today.",
)
@click.option(
    "--count",
    type=click.IntRange(0, MAX_WALK_INS),
    help="Anzahl Vorsprachen ohne Termin (0 = niemand kam) / number of walk-ins (0 = none).",
)
@click.option(
    "--clear",
    is_flag=True,
    help="Den Eintrag von Hand für diesen Tag löschen / remove the hand entry for that day.",
)
@pass_cli
def walk_ins(
    cli: CliContext, team: str, day_text: str | None, count: int | None, clear: bool
) -> None:
    if (count is None) == (not clear):
        raise click.UsageError("--count N oder --clear angeben / give --count N or --clear")
    actor, now, tz = cli.as_actor, cli.now(), cli.settings.tz
    day = cli.parse_day(day_text) if day_text else now.astimezone(tz).date()
    value = None if clear else count
    result = cli.run(
        lambda uow: tally_cases.set_walk_ins(uow, actor, team, day, value, now=now, tz=tz)
    )
    click.echo(_summary(result))


def _summary(result: WalkInDay) -> str:
    when = f"{result.team} {result.day:%d.%m.%Y}"
    if not result.changed:
        return f"{when}: unverändert / unchanged ({_value(result.after)})"
    before = _value(result.before)
    if result.after is None:
        return (
            f"{when}: Eintrag von Hand gelöscht (vorher {before}) / hand entry removed "
            f"(was {before})"
        )
    lines = [
        f"{when}: Vorsprachen ohne Termin {_value(result.after)} (vorher {before}) "
        f"/ walk-ins {_value(result.after)} (before {before})"
    ]
    if result.generated_removed:
        lines.append(
            "  ersetzt die synthetischen Vorsprachen dieses Tages / replaces the synthetic "
            "walk-ins of that day"
        )
    if result.others:
        sources = ", ".join(
            f"{s.walk_ins} in {_source(s.source_file, s.source_line)}" for s in result.others
        )
        lines.append(
            f"  Achtung: außerdem {sources}; die Auswertung zählt {result.total} "
            f"/ note: also {sources}; the evaluation counts {result.total}"
        )
    return "\n".join(lines)


def _value(value: int | None) -> str:
    return "–" if value is None else str(value)


def _source(file: str, line: int | None) -> str:
    if file.startswith(GENERATED_SOURCE_PREFIX):
        return "synthetischen Daten / synthetic data"
    return f"{file} Zeile {line}" if line is not None else file
