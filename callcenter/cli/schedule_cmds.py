"""Schedule commands: hours, closures, openings, pilots, holidays. Every change is audited."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import click

from callcenter.cli.context import CliContext, local_text, pass_cli
from callcenter.cli.prompt_cmds import refresh_prompts
from callcenter.domain.schedule import (
    Closure,
    Pilot,
    SpecialOpening,
    Window,
    describe_windows,
    wall_to_instant,
    windows_from_spec,
)
from callcenter.domain.timeparse import WEEKDAY_SHORT_DE, parse_time_range
from callcenter.holiday_calendar import GERMAN_STATES, german_holidays

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
        click.echo(f"{entry.id} ({entry.name_de}):")
        for line in lines:
            click.echo(f"  {line}")


@hours.command(
    "set",
    help="Alle Sprechzeiten eines Teams ersetzen. SPEC wie „Mo-Do 09:00-12:00“ "
    "(mehrere erlaubt; --none für keine).\n\n"
    "Replace all call hours of a team. SPEC like 'Mon-Thu 09:00-12:00' (several allowed).",
)
@click.argument("team")
@click.argument("specs", nargs=-1)
@click.option("--none", "no_hours", is_flag=True, help="Keine Sprechzeiten / no call hours.")
@pass_cli
def hours_set(cli: CliContext, team: str, specs: tuple[str, ...], no_hours: bool) -> None:
    if not specs and not no_hours:
        raise click.UsageError(
            'Mindestens ein Fenster angeben (z. B. "Mo-Do 09:00-12:00") oder --none '
            "/ give at least one window or --none"
        )
    windows: list[Window] = []
    for index, spec in enumerate(specs):
        windows.extend(windows_from_spec(spec, f"Fenster {index + 1} „{spec}“"))
    with cli.store.session() as session:
        cli.store.schedules(session).set_windows(team, tuple(windows), cli.actor, cli.now())
    click.echo(f"{team}: " + ("; ".join(describe_windows(windows)) or "keine Sprechzeiten"))
    refresh_prompts(cli, team)


# ------------------------------------------------------------------ closures


def _closure_bounds(
    cli: CliContext, start_text: str, end_text: str | None
) -> tuple[datetime, datetime]:
    """Dates mean whole local days (end date inclusive); date-times are exact instants."""
    tz = cli.settings.tz
    if "T" in start_text or " " in start_text.strip():
        start = cli.parse_instant(start_text)
    else:
        start = wall_to_instant(cli.parse_day(start_text), time(0), tz)
    if end_text is None:
        first_day = start.astimezone(tz).date()
        return start, wall_to_instant(first_day + timedelta(days=1), time(0), tz)
    if "T" in end_text or " " in end_text.strip():
        return start, cli.parse_instant(end_text)
    last_day = cli.parse_day(end_text)
    return start, wall_to_instant(last_day + timedelta(days=1), time(0), tz)


@click.group(
    help="Schließtage: Bandansage den ganzen Tag, z. B. bei Personalengpass.\n\n"
    "Closures: the announcement all day, e.g. on a staff shortage."
)
def closure() -> None:
    pass


@closure.command(
    "add",
    help="Schließung anlegen. --from/--to als Datum (ganze Tage, --to einschließlich) oder "
    "Zeitpunkt; --today für heute.\n\nAdd a closure: dates (whole days) or instants.",
)
@click.option("--team", help="Team-ID.")
@click.option("--all-teams", is_flag=True, help="Für alle Teams / for all teams.")
@click.option("--from", "start_text", metavar="DATUM|ZEITPUNKT", help="Beginn / start.")
@click.option("--to", "end_text", metavar="DATUM|ZEITPUNKT", help="Ende / end (inclusive day).")
@click.option("--today", is_flag=True, help="Nur heute / today only.")
@click.option("--note", default="", help="Grund, z. B. Personalengpass / reason.")
@pass_cli
def closure_add(
    cli: CliContext,
    team: str | None,
    all_teams: bool,
    start_text: str | None,
    end_text: str | None,
    today: bool,
    note: str,
) -> None:
    if bool(team) == all_teams:
        raise click.UsageError("Entweder --team TEAM oder --all-teams angeben / give one of them")
    if today == bool(start_text):
        raise click.UsageError("Entweder --from DATUM oder --today angeben / give one of them")
    start, end = _closure_bounds(cli, start_text or cli.now().date().isoformat(), end_text)
    new = Closure(team, start, end, note, created_by=cli.actor)
    with cli.store.session() as session:
        saved = cli.store.schedules(session).add_closure(new, cli.actor, cli.now())
    click.echo(
        f"Schließung #{saved.id} für {team or 'alle Teams'}: "
        f"{local_text(saved.start, cli.settings)} bis {local_text(saved.end, cli.settings)}"
        + (f" – {note}" if note else "")
    )
    refresh_prompts(cli, team)


@closure.command("list", help="Laufende und künftige Schließungen / current and future closures.")
@click.option("--team", help="Nur dieses Team (plus alle-Teams-Schließungen).")
@click.option("--past", is_flag=True, help="Auch vergangene / include past ones.")
@pass_cli
def closure_list(cli: CliContext, team: str | None, past: bool) -> None:
    now = cli.now()
    with cli.store.session() as session:
        closures = cli.store.schedules(session).list_closures(team)
    shown = [c for c in closures if past or c.end > now]
    if not shown:
        click.echo("Keine Schließungen / no closures.")
    for item in shown:
        click.echo(
            f"#{item.id}  {item.team or 'alle Teams':<16} {local_text(item.start, cli.settings)} "
            f"– {local_text(item.end, cli.settings)}  {item.note}"
        )


@closure.command("end", help="Schließung jetzt (oder --at) beenden / end a closure now.")
@click.argument("closure_id", type=int)
@click.option("--at", "at_text", metavar="ISO-8601", help="Zeitpunkt / instant.")
@pass_cli
def closure_end(cli: CliContext, closure_id: int, at_text: str | None) -> None:
    at = cli.parse_instant(at_text) if at_text else cli.now()
    with cli.store.session() as session:
        cli.store.schedules(session).end_closure(closure_id, at, cli.actor, cli.now())
    click.echo(f"Schließung #{closure_id} endet {local_text(at, cli.settings)}")
    refresh_prompts(cli, None)


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
    with cli.store.session() as session:
        saved = cli.store.schedules(session).add_opening(new, cli.actor, cli.now())
    click.echo(f"Sonderöffnung #{saved.id}: {team} am {saved.day:%d.%m.%Y} {range_text}")
    refresh_prompts(cli, team)


@opening.command("list", help="Sonderöffnungen / special openings.")
@click.option("--team")
@pass_cli
def opening_list(cli: CliContext, team: str | None) -> None:
    with cli.store.session() as session:
        openings = cli.store.schedules(session).list_openings()
    shown = [o for o in openings if team is None or o.team == team]
    if not shown:
        click.echo("Keine Sonderöffnungen / no special openings.")
    for item in shown:
        click.echo(
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
    with cli.store.session() as session:
        saved = cli.store.schedules(session).add_pilot(new, cli.actor, cli.now())
    click.echo(f"Pilotphase #{saved.id}: {team} ab {saved.start:%d.%m.%Y}")


@pilot.command("list", help="Pilotphasen / pilot periods.")
@pass_cli
def pilot_list(cli: CliContext) -> None:
    with cli.store.session() as session:
        pilots = cli.store.schedules(session).list_pilots()
    if not pilots:
        click.echo("Keine Pilotphasen / no pilot periods.")
    for item in pilots:
        end = f"{item.end:%d.%m.%Y}" if item.end else "offen"
        click.echo(f"#{item.id}  {item.team:<16} {item.start:%d.%m.%Y} – {end}  {item.note}")


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
    with cli.store.session() as session:
        state = cli.store.schedules(session).holiday_state()
    wanted = year or cli.now().year
    calendar = german_holidays(state)
    click.echo(f"Feiertage {wanted} – {GERMAN_STATES[state]} ({state}):")
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
            click.echo(f"  {WEEKDAY_SHORT_DE[day.weekday()]} {day:%d.%m.%Y}  {name}{suffix}")
        day += timedelta(days=1)
