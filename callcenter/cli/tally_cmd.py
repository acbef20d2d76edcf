"""`callcenter tally walk-ins`: a team's walk-ins without appointment of a day, by hand."""

from __future__ import annotations

import click

from callcenter.cli.context import CliContext, pass_cli
from callcenter.storage.walk_ins import (
    GENERATED_SOURCE_PREFIX,
    WalkInDay,
    set_hand_walk_ins,
)

MAX_WALK_INS = 10_000  # as a tally sheet's vorsprachen column (callcenter.imports.tally)


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
    now = cli.now()
    today = now.astimezone(cli.settings.tz).date()
    day = cli.parse_day(day_text) if day_text else today
    if day > today:
        raise click.BadParameter(
            f"{day:%d.%m.%Y} liegt in der Zukunft / {day.isoformat()} is in the future",
            param_hint="--day",
        )
    store = cli.store
    store.office().team(team)  # UnknownTeam names the known teams
    with store.session() as session:
        result = set_hand_walk_ins(
            session, team, day, None if clear else count, actor=cli.actor, now=now
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

