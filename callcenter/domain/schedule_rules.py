"""What may change in a schedule, and when: the past is read-only.

The call log records what a caller met at arrival; the schedule must not claim otherwise
afterwards. So a closure or special opening never starts before the current minute, a
running closure can only be shortened (ended now or later), and only a closure that has not
begun may be edited or deleted. A closure longer than `LONG_CLOSURE` needs an explicit yes:
a typo in a year (2099 for 2026) would otherwise silence a team for decades.

Pure functions: `now` is always passed in. The use cases (callcenter.usecases.schedule) call
them for the CLI, the web pages and the API alike.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from callcenter.domain.errors import (
    ClosureAlreadyOver,
    ClosureNotStarted,
    ConfirmationRequired,
    EmptyWeekNeedsConfirmation,
    PastIsReadOnly,
)
from callcenter.domain.schedule import (
    Closure,
    SpecialOpening,
    Team,
    WeekVariant,
    Window,
    wall_to_instant,
)

LONG_CLOSURE = timedelta(days=31)


def current_minute(now: datetime) -> datetime:
    """The start of the minute `now` is in: the earliest instant a change may take effect."""
    return now.replace(second=0, microsecond=0)


def _local(value: datetime, tz: tzinfo) -> str:
    return f"{value.astimezone(tz):%d.%m.%Y %H:%M}"


def _local_en(value: datetime, tz: tzinfo) -> str:
    return f"{value.astimezone(tz):%Y-%m-%d %H:%M}"


def _who(closure: Closure) -> tuple[str, str]:
    if closure.id is not None:
        return f"Schließung {closure.id}", f"closure {closure.id}"
    if closure.team:
        return f"Schließung für Team „{closure.team}“", f"closure for team '{closure.team}'"
    return "Schließung für alle Teams", "closure for all teams"


def check_new_closure(
    closure: Closure, now: datetime, tz: tzinfo, *, confirm_long: bool = False
) -> None:
    """A closure to be stored (new or edited): starts now or later; long ones confirmed."""
    first = current_minute(now)
    de, en = _who(closure)
    if closure.start < first:
        raise PastIsReadOnly(
            f"{de}: Beginn {_local(closure.start, tz)} liegt vor jetzt ({_local(first, tz)}); "
            "die Vergangenheit lässt sich nicht mehr ändern – frühestens ab jetzt schließen",
            f"{en}: start {_local_en(closure.start, tz)} is before now "
            f"({_local_en(first, tz)}); the past cannot be changed – close from now at the "
            "earliest",
            "start",
        )
    check_length(closure, tz, confirm_long=confirm_long)


def check_length(closure: Closure, tz: tzinfo, *, confirm_long: bool = False) -> None:
    """More than `LONG_CLOSURE` needs `confirm_long`."""
    length = closure.end - closure.start
    if length <= LONG_CLOSURE or confirm_long:
        return
    de, en = _who(closure)
    days = length.days + (1 if length % timedelta(days=1) else 0)
    raise ConfirmationRequired(
        f"{de}: {days} Tage ({_local(closure.start, tz)} bis {_local(closure.end, tz)}) "
        f"sind länger als {LONG_CLOSURE.days} Tage; bitte ausdrücklich bestätigen "
        "(Web: Häkchen „lange Schließung bestätigen“, API: confirm_long, "
        "Kommandozeile: --confirm-long)",
        f"{en}: {days} days ({_local_en(closure.start, tz)} to "
        f"{_local_en(closure.end, tz)}) is longer than {LONG_CLOSURE.days} days; please "
        "confirm explicitly (web: tick 'confirm long closure', API: confirm_long, "
        "CLI: --confirm-long)",
        "confirm_long",
    )


def whole_days(
    team: str | None,
    first: date,
    last: date | None,
    tz: tzinfo,
    now: datetime,
    note: str = "",
    created_by: str = "",
) -> Closure:
    """Whole local days `first`..`last` (inclusive); a range that begins today begins now.

    A first day before today is refused by `check_new_closure` (it starts before now).
    """
    closure = Closure.whole_days(team, first, last or first, tz, note, created_by)
    today = now.astimezone(tz).date()
    if first == today:
        start = current_minute(now)
        if start < closure.end:
            return Closure(team, start, closure.end, note, created_by=created_by)
    return closure


def announcement_today(
    team: str | None,
    now: datetime,
    tz: tzinfo,
    until: time | None = None,
    note: str = "",
    created_by: str = "",
) -> Closure:
    """'Bandansage heute': closed from this minute to the end of the day, or to `until`."""
    start = current_minute(now)
    today = now.astimezone(tz).date()
    if until is None:
        end = wall_to_instant(today + timedelta(days=1), time(0), tz)
    else:
        end = wall_to_instant(today, until, tz)
        if end <= start:
            raise PastIsReadOnly(
                f"„Bandansage heute“ bis {until:%H:%M}: diese Uhrzeit ist heute schon vorbei "
                f"(jetzt {_local(now, tz)})",
                f"'announcement today' until {until:%H:%M}: that time has already passed "
                f"today (now {_local_en(now, tz)})",
                "until",
            )
    return Closure(team, start, end, note, created_by=created_by)


def check_edit(
    before: Closure, after: Closure, now: datetime, tz: tzinfo, *, confirm_long: bool = False
) -> None:
    """Change a closure: a future one freely (within the rules for new ones); a running one
    only in its end, and not into the past; one that is over not at all."""
    first = current_minute(now)
    de, en = _who(before)
    if before.end <= first:
        raise ClosureAlreadyOver(
            f"{de} ist schon vorbei (Ende {_local(before.end, tz)}); sie gehört zur "
            "Vergangenheit und bleibt, wie sie war",
            f"{en} is already over (it ended {_local_en(before.end, tz)}); it belongs to the "
            "past and stays as it was",
        )
    if before.start <= now:  # running: it has been in force, if only for seconds
        if after.start != before.start or after.team != before.team:
            raise PastIsReadOnly(
                f"{de} läuft schon seit {_local(before.start, tz)}: Beginn und Team bleiben; "
                "nur das Ende lässt sich verschieben (oder jetzt beenden)",
                f"{en} has been running since {_local_en(before.start, tz)}: start and team "
                "stay; only its end can move (or end it now)",
                "start",
            )
        if after.end < first:
            raise PastIsReadOnly(
                f"{de}: neues Ende {_local(after.end, tz)} liegt vor jetzt; frühestens jetzt "
                "beenden",
                f"{en}: new end {_local_en(after.end, tz)} is before now; end it now at the "
                "earliest",
                "end",
            )
        if after.end > before.end:
            check_length(after, tz, confirm_long=confirm_long)
        return
    check_new_closure(after, now, tz, confirm_long=confirm_long)


def check_delete(closure: Closure, now: datetime, tz: tzinfo) -> None:
    """Only a closure that has not begun can be deleted; a running one (even one that began
    seconds ago) is ended instead: callers have already heard it."""
    first = current_minute(now)
    de, en = _who(closure)
    if closure.end <= first:
        raise ClosureAlreadyOver(
            f"{de} ist schon vorbei (Ende {_local(closure.end, tz)}) und bleibt im Protokoll "
            "der Vergangenheit; löschen geht nicht",
            f"{en} is already over (it ended {_local_en(closure.end, tz)}) and stays part of "
            "the past; it cannot be deleted",
        )
    if closure.start <= now:
        raise PastIsReadOnly(
            f"{de} läuft schon seit {_local(closure.start, tz)}; löschen würde die "
            "Vergangenheit ändern – stattdessen jetzt beenden",
            f"{en} has been running since {_local_en(closure.start, tz)}; deleting it would "
            "change the past – end it now instead",
        )


def end_instant(closure: Closure, at: datetime | None, now: datetime, tz: tzinfo) -> datetime:
    """When a closure ends if ended at `at` (None: now); checks it may end then.

    Ending now a closure that has not begun is refused with a clear message (delete it to
    cancel it); an explicit `at` after its start shortens a future closure.
    """
    first = current_minute(now)
    moment = now if at is None else at
    de, en = _who(closure)
    if moment >= closure.end:
        raise ClosureAlreadyOver(
            f"{de} ist am {moment.isoformat()} schon vorbei (Ende {closure.end.isoformat()}); "
            "es gibt nichts zu beenden",
            f"{en} is already over at {moment.isoformat()} (it ended "
            f"{closure.end.isoformat()}); nothing to end",
        )
    if at is None and now < closure.start:
        raise ClosureNotStarted(
            f"{de} hat noch nicht begonnen (Beginn {_local(closure.start, tz)}); "
            "zum Absagen löschen, zum Kürzen das Ende ändern",
            f"{en} has not started yet (it starts {_local_en(closure.start, tz)}); delete it "
            "to cancel it, or change its end to shorten it",
        )
    if at is not None and at < first:
        raise PastIsReadOnly(
            f"{de}: Ende {_local(at, tz)} liegt vor jetzt ({_local(first, tz)}); "
            "die Vergangenheit lässt sich nicht mehr ändern",
            f"{en}: end {_local_en(at, tz)} is before now ({_local_en(first, tz)}); the past "
            "cannot be changed",
            "at",
        )
    return moment


def check_new_opening(opening: SpecialOpening, now: datetime, tz: tzinfo) -> None:
    """A special opening starts now or later (an opening in the past changes nothing the
    callers met, only the evaluation's idea of it)."""
    start = wall_to_instant(opening.day, opening.start, tz)
    first = current_minute(now)
    if start < first:
        raise PastIsReadOnly(
            f"Sonderöffnung für Team „{opening.team}“: Beginn {_local(start, tz)} liegt vor "
            f"jetzt ({_local(first, tz)}); die Vergangenheit lässt sich nicht mehr ändern",
            f"special opening for team '{opening.team}': start {_local_en(start, tz)} is "
            f"before now ({_local_en(first, tz)}); the past cannot be changed",
            "day",
        )


def check_windows(before: Team, windows: tuple[Window, ...], *, force: bool = False) -> None:
    """A week without any call hours closes the team for good (every call hears the
    'outside hours' announcement, no end date): only with an explicit yes. Saving a week
    that is already empty changes nothing and passes."""
    if windows or not before.windows or force:
        return
    raise EmptyWeekNeedsConfirmation(
        f"Team „{before.id}“ hätte keine Sprechzeiten mehr: es wäre dauerhaft geschlossen, "
        "jeder Anruf hörte die Ansage „außerhalb der Sprechzeiten“, bis wieder Sprechzeiten "
        "eingetragen sind. Bitte ausdrücklich bestätigen (Web: Häkchen „Team dauerhaft "
        "schließen“, API: force: true, Kommandozeile: --force)",
        f"team '{before.id}' would have no call hours left: it would be closed for good, "
        "every call would hear the 'outside call hours' announcement until hours are set "
        "again. Please confirm explicitly (web: tick 'close the team for good', API: "
        "force: true, CLI: --force)",
    )


def _variant_who(variant: WeekVariant) -> tuple[str, str]:
    return (
        f"Zeitraum „{variant.name}“ ({variant.period})",
        f"period '{variant.name}' ({variant.first.isoformat()}–{variant.last.isoformat()})",
    )


def check_variant_change(
    before: WeekVariant | None, after: WeekVariant | None, today: date
) -> None:
    """A date-range variant of the week (`before` None: new; `after` None: deleted), with
    `today` the office's local date. The days before today are read-only: a new variant
    begins today or later; one that is over stays as it was; a running one keeps its first
    day, may end today at the earliest and cannot be deleted (shorten it instead); its
    windows may change, as the base week's may, from now on."""
    if before is None:
        assert after is not None
        if after.first < today:
            de, en = _variant_who(after)
            raise PastIsReadOnly(
                f"{de}: erster Tag {after.first:%d.%m.%Y} liegt vor heute ({today:%d.%m.%Y}); "
                "die Vergangenheit lässt sich nicht mehr ändern – frühestens ab heute",
                f"{en}: first day {after.first.isoformat()} is before today "
                f"({today.isoformat()}); the past cannot be changed – today at the earliest",
                "first",
            )
        return
    de, en = _variant_who(before)
    if before.last < today:
        raise PastIsReadOnly(
            f"{de} ist schon vorbei und bleibt, wie er war",
            f"{en} is already over and stays as it was",
            "last",
        )
    if before.first >= today:  # not begun (or begins today): free, within the rules for new ones
        if after is not None:
            check_variant_change(None, after, today)
        return
    if after is None:
        raise PastIsReadOnly(
            f"{de} läuft schon seit {before.first:%d.%m.%Y}; löschen würde die Vergangenheit "
            "ändern – stattdessen den letzten Tag auf heute setzen",
            f"{en} has been running since {before.first.isoformat()}; deleting it would "
            "change the past – set its last day to today instead",
            "last",
        )
    if after.first != before.first:
        raise PastIsReadOnly(
            f"{de} läuft schon seit {before.first:%d.%m.%Y}: der erste Tag bleibt",
            f"{en} has been running since {before.first.isoformat()}: its first day stays",
            "first",
        )
    if after.last < today:
        raise PastIsReadOnly(
            f"{de}: neuer letzter Tag {after.last:%d.%m.%Y} liegt vor heute "
            f"({today:%d.%m.%Y}); frühestens heute enden lassen",
            f"{en}: new last day {after.last.isoformat()} is before today "
            f"({today.isoformat()}); end it today at the earliest",
            "last",
        )
