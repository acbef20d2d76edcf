"""Schedule commands: hours, closures, openings, pilots, holidays. Every change is audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import click

from callcenter.cli.context import CliContext, echo, local_text, pass_cli
from callcenter.cli.prompt_cmds import refresh_prompts
from callcenter.domain import schedule_rules
from callcenter.domain.schedule import (
    Closure,
    Pilot,
    SpecialOpening,
    WeekVariant,
    Window,
    describe_windows,
    wall_to_instant,
    windows_from_spec,
)
from callcenter.domain.timeparse import WEEKDAY_SHORT_DE, parse_time, parse_time_range
from callcenter.holiday_calendar import GERMAN_STATES, german_holidays
from callcenter.prompts.errors import PromptError
from callcenter.prompts.templates import public_reason_keys
from callcenter.usecases import schedule

# ------------------------------------------------------------------ hours


@click.group(help="Sprechzeiten anzeigen und setzen / show and set call hours.")
def hours() -> None:
    pass


@hours.command("show", help="Sprechzeiten je Team / call hours per team.")
@click.argument("team", required=False)
@pass_cli
def hours_show(cli: CliContext, team: str | None) -> None:
    office = cli.store.office()
    teams = [office.team(team)] if team else list(office.teams)
    for entry in teams:
        lines = describe_windows(entry.windows) or ["keine Sprechzeiten / no call hours"]
        echo(f"{entry.id} ({entry.name_de}):")
        for line in lines:
            echo(f"  {line}")
        for variant in entry.variants:
            _print_variant(variant, "  ")


def _print_variant(variant: WeekVariant, indent: str = "") -> None:
    echo(f"{indent}#{variant.id} {variant.name} {variant.period}:")
    for line in describe_windows(variant.windows) or ["keine Sprechzeiten / no call hours"]:
        echo(f"{indent}  {line}")


@hours.command(
    "set",
    help="Alle Sprechzeiten eines Teams ersetzen. SPEC wie „Mo-Do 09:00-12:00“ "
    "(mehrere erlaubt; --none --force für keine: das Team ist dann dauerhaft geschlossen)."
    "\n\nReplace all call hours of a team. SPEC like 'Mon-Thu 09:00-12:00' (several "
    "allowed; --none --force for none: the team is then closed for good).",
)
@click.argument("team")
@click.argument("specs", nargs=-1)
@click.option("--none", "no_hours", is_flag=True, help="Keine Sprechzeiten / no call hours.")
@click.option(
    "--force",
    is_flag=True,
    help="Eine Woche ohne Sprechzeiten bestätigen: das Team ist dann dauerhaft geschlossen "
    "/ confirm a week without call hours: the team is then closed for good.",
)
@pass_cli
def hours_set(
    cli: CliContext, team: str, specs: tuple[str, ...], no_hours: bool, force: bool
) -> None:
    if not specs and not no_hours:
        raise click.UsageError(
            'Mindestens ein Fenster angeben (z. B. "Mo-Do 09:00-12:00") oder --none '
            "/ give at least one window or --none"
        )
    windows: list[Window] = []
    for index, spec in enumerate(specs):
        windows.extend(windows_from_spec(spec, f"Fenster {index + 1} „{spec}“"))
    actor, now = cli.as_actor, cli.now()
    cli.run(lambda uow: schedule.set_windows(uow, actor, team, windows, now=now, force=force))
    echo(f"{team}: " + ("; ".join(describe_windows(windows)) or "keine Sprechzeiten"))
    refresh_prompts(cli, team)


@hours.group(
    "variant",
    help="Zeiträume mit eigenen Sprechzeiten, z. B. „Sommerzeiten“ in den Schulferien: an "
    "ihren Tagen gelten ihre Fenster statt der Grundwoche (Feiertage und Schließungen gelten "
    "weiter).\n\nPeriods with their own call hours (e.g. summer hours): on their dates their "
    "windows replace the base week (holidays and closures still apply).",
)
def hours_variant() -> None:
    pass


@hours_variant.command("list", help="Zeiträume eines Teams / a team's periods.")
@click.argument("team")
@pass_cli
def variant_list(cli: CliContext, team: str) -> None:
    found = cli.run(lambda uow: schedule.variants(uow, team))
    if not found:
        echo("keine Zeiträume / no periods")
    for variant in found:
        _print_variant(variant)


def _variant_windows(specs: tuple[str, ...]) -> list[Window]:
    windows: list[Window] = []
    for index, spec in enumerate(specs):
        windows.extend(windows_from_spec(spec, f"Fenster {index + 1} „{spec}“"))
    return windows


@hours_variant.command(
    "add",
    help="Zeitraum anlegen: NAME, erster und letzter Tag (JJJJ-MM-TT, einschließlich), "
    "Fenster wie „Mo-Fr 08:00-12:00“ (keine: in diesem Zeitraum geschlossen). Frühestens ab "
    "heute.\n\nAdd a period: NAME, first and last day (inclusive), windows like "
    "'Mon-Fri 08:00-12:00' (none: closed in that period). From today at the earliest.",
)
@click.argument("team")
@click.argument("name")
@click.argument("first")
@click.argument("last")
@click.argument("specs", nargs=-1)
@pass_cli
def variant_add(
    cli: CliContext, team: str, name: str, first: str, last: str, specs: tuple[str, ...]
) -> None:
    variant = WeekVariant(
        name, cli.parse_day(first), cli.parse_day(last), tuple(_variant_windows(specs))
    )
    actor, now, tz = cli.as_actor, cli.now(), cli.settings.tz
    stored = cli.run(lambda uow: schedule.add_variant(uow, actor, team, variant, now=now, tz=tz))
    _print_variant(stored)
    refresh_prompts(cli, team)


@hours_variant.command(
    "set",
    help="Zeitraum ändern: --name, --first, --last, Fenster (SPEC…) oder --none für keine; "
    "ohne Angabe bleibt es, wie es war. Ein laufender Zeitraum behält seinen ersten Tag."
    "\n\nChange a period: --name, --first, --last, windows (SPEC…) or --none; what is not "
    "given stays. A running period keeps its first day.",
)
@click.argument("variant_id", type=int)
@click.argument("specs", nargs=-1)
@click.option("--name", default=None)
@click.option("--first", default=None, metavar="JJJJ-MM-TT")
@click.option("--last", default=None, metavar="JJJJ-MM-TT")
@click.option("--none", "no_hours", is_flag=True, help="Keine Sprechzeiten / no call hours.")
@pass_cli
def variant_set(
    cli: CliContext,
    variant_id: int,
    specs: tuple[str, ...],
    name: str | None,
    first: str | None,
    last: str | None,
    no_hours: bool,
) -> None:
    windows = _variant_windows(specs) if specs or no_hours else None
    first_day = cli.parse_day(first) if first else None
    last_day = cli.parse_day(last) if last else None
    actor, now, tz = cli.as_actor, cli.now(), cli.settings.tz
    stored = cli.run(
        lambda uow: schedule.change_variant(
            uow,
            actor,
            variant_id,
            now=now,
            tz=tz,
            name=name,
            first=first_day,
            last=last_day,
            windows=windows,
        )
    )
    _print_variant(stored)
    refresh_prompts(cli, None)


@hours_variant.command(
    "delete",
    help="Zeitraum löschen, der noch nicht begonnen hat (einen laufenden mit „set --last“ "
    "kürzen).\n\nDelete a period that has not begun (shorten a running one with 'set --last').",
)
@click.argument("variant_id", type=int)
@pass_cli
def variant_delete(cli: CliContext, variant_id: int) -> None:
    actor, now, tz = cli.as_actor, cli.now(), cli.settings.tz
    before = cli.run(lambda uow: schedule.delete_variant(uow, actor, variant_id, now=now, tz=tz))
    echo(f"Zeitraum #{before.id} „{before.name}“ gelöscht / deleted")
    refresh_prompts(cli, None)


# ------------------------------------------------------------------ closures


def _shipped_reasons() -> str:
    """The shipped templates' public reasons, for the help (a configured templates_dir may
    differ: the use case checks against that one)."""
    try:
        return ", ".join(public_reason_keys()) or "—"
    except PromptError:  # a broken template must not break every command's --help
        return "—"


def _reasons(cli: CliContext) -> tuple[str, ...]:
    return public_reason_keys(cli.settings.prompts.templates_dir)


PUBLIC_REASON_HELP = (
    "Öffentlicher Grund, der angesagt wird (Schlüssel aus ivr_prompts/<sprache>.toml "
    f"[public_reasons]: {_shipped_reasons()}); leer: kein Grund / public reason announced "
    "to callers (a key of [public_reasons]); empty: none."
)
NOTE_HELP = (
    "Vermerk (intern, nie angesagt), z. B. Personalengpass / internal note, never announced."
)
NOTE_ON_BOARD_HELP = (
    "Vermerk auf der Tafel der Zentrale zeigen / show the note on the switchboard board."
)


def _is_instant(text: str) -> bool:
    return "T" in text or " " in text.strip()


def _closure(
    cli: CliContext, team: str | None, start_text: str, end_text: str | None, note: str
) -> Closure:
    """Dates mean whole local days (end date inclusive; a range from today starts now);
    date-times are exact instants."""
    tz, now = cli.settings.tz, cli.now()
    if not _is_instant(start_text) and (end_text is None or not _is_instant(end_text)):
        last = cli.parse_day(end_text) if end_text else None
        return schedule_rules.whole_days(
            team, cli.parse_day(start_text), last, tz, now, note, cli.actor
        )
    if _is_instant(start_text):
        start = cli.parse_instant(start_text)
    else:
        start = wall_to_instant(cli.parse_day(start_text), time(0), tz)
    if end_text is None:
        first_day = start.astimezone(tz).date()
        end = wall_to_instant(first_day + timedelta(days=1), time(0), tz)
    elif _is_instant(end_text):
        end = cli.parse_instant(end_text)
    else:
        end = wall_to_instant(cli.parse_day(end_text) + timedelta(days=1), time(0), tz)
    return Closure(team, start, end, note, created_by=cli.actor)


def _why(closure: Closure) -> str:
    """Public reason and internal note as the CLI lists them (staff read this, not callers)."""
    parts = []
    if closure.public_reason:
        parts.append(f"[{closure.public_reason}]")
    if closure.note:
        parts.append(closure.note + (" (Tafel)" if closure.note_on_board else ""))
    return " ".join(parts)


def _print_closure(cli: CliContext, verb: str, saved: Closure) -> None:
    why = _why(saved)
    echo(
        f"Schließung #{saved.id} für {saved.team or 'alle Teams'}{verb}: "
        f"{local_text(saved.start, cli.settings)} bis {local_text(saved.end, cli.settings)}"
        + (f" – {why}" if why else "")
    )


@click.group(
    help="Schließtage: Bandansage den ganzen Tag, z. B. bei Personalengpass. Nichts beginnt "
    "vor jetzt; mehr als 31 Tage nur mit --confirm-long.\n\n"
    "Closures: the announcement all day, e.g. on a staff shortage. Nothing starts before now; "
    "more than 31 days only with --confirm-long."
)
def closure() -> None:
    pass


CONFIRM_LONG = click.option(
    "--confirm-long",
    is_flag=True,
    help="Schließung über 31 Tage ausdrücklich bestätigen / confirm a closure over 31 days.",
)


@closure.command(
    "add",
    help="Schließung anlegen. --from/--to als Datum (ganze Tage, --to einschließlich; ein "
    "Zeitraum ab heute beginnt jetzt) oder Zeitpunkt; --today: „Bandansage heute“ ab jetzt "
    "bis Mitternacht oder --until HH:MM.\n\nAdd a closure: dates (whole days; from today "
    "means from now) or instants; --today: from now to midnight or --until HH:MM.",
)
@click.option("--team", help="Team-ID.")
@click.option("--all-teams", is_flag=True, help="Für alle Teams / for all teams.")
@click.option("--from", "start_text", metavar="DATUM|ZEITPUNKT", help="Beginn / start.")
@click.option("--to", "end_text", metavar="DATUM|ZEITPUNKT", help="Ende / end (inclusive day).")
@click.option("--today", is_flag=True, help="Ab jetzt bis Tagesende / from now to end of day.")
@click.option("--until", "until_text", metavar="HH:MM", help="Mit --today: Ende / end time.")
@click.option("--note", default="", help=NOTE_HELP)
@click.option("--public-reason", default="", metavar="KEY", help=PUBLIC_REASON_HELP)
@click.option("--note-on-board", is_flag=True, help=NOTE_ON_BOARD_HELP)
@CONFIRM_LONG
@pass_cli
def closure_add(
    cli: CliContext,
    team: str | None,
    all_teams: bool,
    start_text: str | None,
    end_text: str | None,
    today: bool,
    until_text: str | None,
    note: str,
    public_reason: str,
    note_on_board: bool,
    confirm_long: bool,
) -> None:
    if bool(team) == all_teams:
        raise click.UsageError("Entweder --team TEAM oder --all-teams angeben / give one of them")
    if today == bool(start_text):
        raise click.UsageError("Entweder --from DATUM oder --today angeben / give one of them")
    if until_text and not today:
        raise click.UsageError("--until nur mit --today / --until needs --today")
    if today and end_text:
        raise click.UsageError("--to nicht mit --today (dafür --until) / use --until with --today")
    actor, now, tz = cli.as_actor, cli.now(), cli.settings.tz
    reasons = _reasons(cli) if public_reason else ()
    if today:
        until = parse_time(until_text, "--until") if until_text else None
        saved = cli.run(
            lambda uow: schedule.announcement_today(
                uow,
                actor,
                team,
                note,
                now=now,
                tz=tz,
                until=until,
                public_reason=public_reason,
                note_on_board=note_on_board,
                reasons=reasons,
            )
        )
    else:
        assert start_text is not None
        new = replace(
            _closure(cli, team, start_text, end_text, note),
            public_reason=public_reason.strip(),
            note_on_board=note_on_board,
        )
        saved = cli.run(
            lambda uow: schedule.add_closure(
                uow, actor, new, now=now, confirm_long=confirm_long, reasons=reasons
            )
        )
    _print_closure(cli, "", saved)
    refresh_prompts(cli, team)


@closure.command("list", help="Laufende und künftige Schließungen / current and future closures.")
@click.option("--team", help="Nur dieses Team (plus alle-Teams-Schließungen).")
@click.option("--past", is_flag=True, help="Auch vergangene / include past ones.")
@pass_cli
def closure_list(cli: CliContext, team: str | None, past: bool) -> None:
    now = cli.now()
    shown = cli.run(lambda uow: schedule.closures(uow, team, now=now, include_past=past))
    if not shown:
        echo("Keine Schließungen / no closures.")
    for item in shown:
        echo(
            f"#{item.id}  {item.team or 'alle Teams':<16} {local_text(item.start, cli.settings)} "
            f"– {local_text(item.end, cli.settings)}  {_why(item)}"
        )


@closure.command(
    "end",
    help="Laufende Schließung jetzt (oder --at, nicht vor jetzt) beenden. Eine noch nicht "
    "begonnene lässt sich nicht beenden: „closure delete“ sagt sie ab.\n\nEnd a running "
    "closure now (or --at, not before now); one that has not begun is cancelled with "
    "'closure delete'.",
)
@click.argument("closure_id", type=int)
@click.option("--at", "at_text", metavar="ISO-8601", help="Zeitpunkt / instant.")
@pass_cli
def closure_end(cli: CliContext, closure_id: int, at_text: str | None) -> None:
    at = cli.parse_instant(at_text) if at_text else None
    actor, now = cli.as_actor, cli.now()
    ended = cli.run(lambda uow: schedule.end_closure(uow, actor, closure_id, now=now, at=at))
    echo(f"Schließung #{closure_id} endet {local_text(ended.end, cli.settings)}")
    refresh_prompts(cli, None)


@closure.command(
    "change",
    help="Künftige Schließung ändern (Beginn, Ende, Vermerk, öffentlicher Grund) oder das "
    "Ende einer laufenden verschieben.\n\nChange a future closure (start, end, note, public "
    "reason) or move a running one's end.",
)
@click.argument("closure_id", type=int)
@click.option("--from", "start_text", metavar="ZEITPUNKT", help="Neuer Beginn / new start.")
@click.option("--to", "end_text", metavar="ZEITPUNKT", help="Neues Ende / new end.")
@click.option("--note", default=None, help=NOTE_HELP)
@click.option("--public-reason", default=None, metavar="KEY", help=PUBLIC_REASON_HELP)
@click.option(
    "--note-on-board/--note-off-board",
    "note_on_board",
    default=None,
    help=NOTE_ON_BOARD_HELP + " (--note-off-board: nicht mehr / no longer)",
)
@CONFIRM_LONG
@pass_cli
def closure_change(
    cli: CliContext,
    closure_id: int,
    start_text: str | None,
    end_text: str | None,
    note: str | None,
    public_reason: str | None,
    note_on_board: bool | None,
    confirm_long: bool,
) -> None:
    given = (start_text, end_text, note, public_reason, note_on_board)
    if all(value is None for value in given):
        raise click.UsageError(
            "--from, --to, --note, --public-reason oder --note-on-board angeben / give what changes"
        )
    start = cli.parse_instant(start_text) if start_text else None
    end = cli.parse_instant(end_text) if end_text else None
    reasons = _reasons(cli) if public_reason else ()
    actor, now = cli.as_actor, cli.now()
    saved = cli.run(
        lambda uow: schedule.change_closure(
            uow,
            actor,
            closure_id,
            now=now,
            start=start,
            end=end,
            note=note,
            confirm_long=confirm_long,
            public_reason=public_reason,
            note_on_board=note_on_board,
            reasons=reasons,
        )
    )
    _print_closure(cli, " geändert / changed", saved)
    refresh_prompts(cli, saved.team)


@closure.command(
    "delete", help="Noch nicht begonnene Schließung löschen / delete a future closure."
)
@click.argument("closure_id", type=int)
@pass_cli
def closure_delete(cli: CliContext, closure_id: int) -> None:
    actor, now = cli.as_actor, cli.now()
    gone = cli.run(lambda uow: schedule.delete_closure(uow, actor, closure_id, now=now))
    echo(f"Schließung #{closure_id} gelöscht / deleted ({gone.note})")
    refresh_prompts(cli, gone.team)


# ------------------------------------------------------------------ special openings


@click.group(
    help="Sonderöffnungen, z. B. ein Samstags-Servicetag / special openings, e.g. a Saturday."
)
def opening() -> None:
    pass


@opening.command("add", help="TEAM DATUM HH:MM-HH:MM")
@click.argument("team")
@click.argument("day_text", metavar="DATUM")
@click.argument("range_text", metavar="HH:MM-HH:MM")
@click.option("--note", default="", help="Anlass / occasion.")
@pass_cli
def opening_add(cli: CliContext, team: str, day_text: str, range_text: str, note: str) -> None:
    start, end = parse_time_range(range_text, "Sonderöffnung")
    new = SpecialOpening(team, cli.parse_day(day_text), start, end, note)
    actor, now = cli.as_actor, cli.now()
    saved = cli.run(lambda uow: schedule.add_opening(uow, actor, new, now=now))
    echo(f"Sonderöffnung #{saved.id}: {team} am {saved.day:%d.%m.%Y} {range_text}")
    refresh_prompts(cli, team)


@opening.command("list", help="Sonderöffnungen / special openings.")
@click.option("--team")
@pass_cli
def opening_list(cli: CliContext, team: str | None) -> None:
    openings = cli.run(schedule.openings)
    shown = [o for o in openings if team is None or o.team == team]
    if not shown:
        echo("Keine Sonderöffnungen / no special openings.")
    for item in shown:
        echo(
            f"#{item.id}  {item.team:<16} {item.day:%d.%m.%Y} "
            f"{item.start:%H:%M}–{item.end:%H:%M}  {item.note}"
        )


# ------------------------------------------------------------------ pilots


@click.group(help="Pilotphasen / pilot periods.")
def pilot() -> None:
    pass


@pilot.command("add", help="TEAM BEGINN [--end ENDE] (Daten JJJJ-MM-TT).")
@click.argument("team")
@click.argument("start_text", metavar="BEGINN")
@click.option("--end", "end_text", metavar="ENDE", help="Letzter Tag / last day (inclusive).")
@click.option("--note", default="")
@pass_cli
def pilot_add(cli: CliContext, team: str, start_text: str, end_text: str | None, note: str) -> None:
    end: date | None = cli.parse_day(end_text) if end_text else None
    new = Pilot(team, cli.parse_day(start_text), end, note)
    actor, now = cli.as_actor, cli.now()
    saved = cli.run(lambda uow: schedule.add_pilot(uow, actor, new, now=now))
    echo(f"Pilotphase #{saved.id}: {team} ab {saved.start:%d.%m.%Y}")


@pilot.command("list", help="Pilotphasen / pilot periods.")
@pass_cli
def pilot_list(cli: CliContext) -> None:
    pilots = cli.run(schedule.pilots)
    if not pilots:
        echo("Keine Pilotphasen / no pilot periods.")
    for item in pilots:
        end = f"{item.end:%d.%m.%Y}" if item.end else "offen"
        echo(f"#{item.id}  {item.team:<16} {item.start:%d.%m.%Y} – {end}  {item.note}")


# ------------------------------------------------------------------ holidays


@click.command(
    "holidays",
    help="Gesetzliche Feiertage des eingestellten Bundeslands, mit Team-Ausnahmen.\n\n"
    "Public holidays of the configured state, with per-team exceptions.",
)
@click.option("--year", type=int, help="Jahr / year (Standard: aktuelles).")
@pass_cli
def holidays_cmd(cli: CliContext, year: int | None) -> None:
    office = cli.store.office()
    state = cli.run(schedule.holiday_state)
    wanted = year or cli.now().year
    calendar = german_holidays(state)
    echo(f"Feiertage {wanted} – {GERMAN_STATES[state]} ({state}):")
    day = date(wanted, 1, 1)
    while day.year == wanted:
        name = calendar.get(day)
        if name is not None:
            exceptions = [
                team.id
                for team in office.teams
                if office.schedule_for(team.id).holiday_on(day) is None
            ]
            suffix = f"  (normale Sprechzeit: {', '.join(exceptions)})" if exceptions else ""
            echo(f"  {WEEKDAY_SHORT_DE[day.weekday()]} {day:%d.%m.%Y}  {name}{suffix}")
        day += timedelta(days=1)
