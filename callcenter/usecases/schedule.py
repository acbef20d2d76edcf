"""Schedule use cases: call hours, closures ('Bandansage heute'), special openings, pilots,
public holidays. One code path for the CLI, the web pages and the API.

Every command follows one recipe: check the actor's permission, claim the schedule (the
write lock), build the changed Office in memory so the domain validates it, apply the rules
about the past (callcenter.domain.schedule_rules), write through the repository and audit
the change with before/after, in the caller's unit of work. An invalid change raises before
a single row is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from datetime import date, datetime, time, tzinfo
from typing import Any

from callcenter.domain import schedule_rules
from callcenter.domain.access import Actor, Role, require_role, require_team
from callcenter.domain.audit import require_aware
from callcenter.domain.errors import InvalidClosure
from callcenter.domain.schedule import (
    Closure,
    HolidayCalendar,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    WeekVariant,
    Window,
)
from callcenter.holiday_calendar import german_holidays
from callcenter.prompts.templates import public_reason_keys
from callcenter.storage.database import serialize_on_postgresql
from callcenter.storage.errors import NotFound
from callcenter.storage.store import Store
from callcenter.usecases import snapshots
from callcenter.usecases.ports import UnitOfWork

# ---------------------------------------------------------------------- queries


def load_office(
    uow: UnitOfWork, tz: tzinfo, calendar_for: Callable[[str], HolidayCalendar] = german_holidays
) -> Office:
    """The whole current schedule with the stored state's public holidays."""
    return uow.schedules.load_office(tz, calendar_for)


def closures(
    uow: UnitOfWork, team: str | None = None, *, now: datetime, include_past: bool = False
) -> list[Closure]:
    """Closures by start (for a team: also those of all teams); by default only those not
    over at `now`."""
    found = uow.schedules.list_closures(team)
    return found if include_past else [c for c in found if c.end > now]


def openings(uow: UnitOfWork, team: str | None = None) -> list[SpecialOpening]:
    return uow.schedules.list_openings(team)


def pilots(uow: UnitOfWork, team: str | None = None) -> list[Pilot]:
    return uow.schedules.list_pilots(team)


def holiday_state(uow: UnitOfWork) -> str:
    return uow.schedules.holiday_state()


# ---------------------------------------------------------------------- seeding


def seed(uow: UnitOfWork, office_seed: Office, state: str, *, actor: str, now: datetime) -> bool:
    """Write the first schedule if none is stored; True if it did (audited as 'seed')."""
    require_aware(now, "Erstbefüllung")
    if uow.schedules.is_seeded():
        return False
    cleaned = state.strip()
    stored = uow.schedules.insert_office(office_seed, cleaned, actor, now)
    uow.audit.record(
        actor=actor,
        at=now,
        action="seed",
        entity="office",
        after=snapshots.office(stored, uow.schedules.holiday_state()),
    )
    return True


def seed_from_settings(store: Store, actor: str, now: datetime) -> bool:
    """Seed the schedule from the configuration if the database is empty; True if it did."""
    with store.unit_of_work() as uow:
        # Every CLI command opens the store through here: once seeded (nearly always), the
        # seed's holiday calendar and checks would cost ~50–70 ms for nothing. `seed` checks
        # again under the lock, for instances starting together.
        if uow.schedules.is_seeded():
            return False
    settings = store.settings
    office_seed = settings.office_seed(german_holidays(settings.office.holiday_state))
    if any(c.public_reason for c in office_seed.closures):
        known = public_reason_keys(settings.prompts.templates_dir)
        for closure in office_seed.closures:
            check_public_reason(closure.public_reason, known)
    with store.unit_of_work() as uow:
        serialize_on_postgresql(uow.session.connection())  # instances starting together
        return seed(uow, office_seed, settings.office.holiday_state, actor=actor, now=now)


# ---------------------------------------------------------------------- call hours


def set_windows(
    uow: UnitOfWork,
    actor: Actor,
    team_id: str,
    windows: Iterable[Window],
    *,
    now: datetime,
    force: bool = False,
) -> Team:
    """Replace a team's weekly call-hour windows (admins only). Taking all of them away
    closes the team for good and needs `force` (EmptyWeekNeedsConfirmation otherwise)."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Sprechzeiten")
    office = uow.schedules.claim()
    before = office.team(team_id)
    after = replace(before, windows=tuple(windows))
    _validate(office, teams=_swap_team(office, after))
    schedule_rules.check_windows(before, after.windows, force=force)
    uow.schedules.replace_windows(team_id, after.windows)
    _audit(
        uow,
        actor,
        now,
        "set_windows",
        "team",
        team_id,
        snapshots.windows(before.windows),
        snapshots.windows(after.windows),
    )
    return after


# ---------------------------------------------------------------------- date-range variants


def variants(uow: UnitOfWork, team_id: str) -> list[WeekVariant]:
    """A team's date-range variants of the week ("Sommerzeiten"), by first day."""
    return uow.schedules.list_variants(team_id)


def find_variant(office: Office, variant_id: int) -> tuple[Team, WeekVariant]:
    """The team holding a variant, and the variant; NotFound if there is none."""
    for team in office.teams:
        for variant in team.variants:
            if variant.id == variant_id:
                return team, variant
    raise NotFound(
        f"Zeitraum mit eigenen Sprechzeiten {variant_id} gibt es nicht",
        f"there is no period with its own call hours {variant_id}",
    )


def add_variant(
    uow: UnitOfWork,
    actor: Actor,
    team_id: str,
    variant: WeekVariant,
    *,
    now: datetime,
    tz: tzinfo,
) -> WeekVariant:
    """Store a second weekly pattern of a team for a date range (admins only), from today
    on; the domain refuses one overlapping another of the team's variants."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Zeitraum")
    office = uow.schedules.claim()
    team = office.team(team_id)
    _validate(office, teams=_swap_team(office, replace(team, variants=(*team.variants, variant))))
    schedule_rules.check_variant_change(None, variant, now.astimezone(tz).date())
    stored = uow.schedules.insert_variant(team_id, variant, actor.name, now)
    _audit(
        uow,
        actor,
        now,
        "add_variant",
        "variant",
        str(stored.id),
        None,
        snapshots.variant(team_id, stored),
    )
    return stored


def change_variant(
    uow: UnitOfWork,
    actor: Actor,
    variant_id: int,
    *,
    now: datetime,
    tz: tzinfo,
    name: str | None = None,
    first: date | None = None,
    last: date | None = None,
    windows: Iterable[Window] | None = None,
) -> WeekVariant:
    """Change a variant's name, dates or windows (admins only); see
    schedule_rules.check_variant_change for what a running one allows."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Zeitraum")
    office = uow.schedules.claim()
    team, before = find_variant(office, variant_id)
    after = WeekVariant(
        name=before.name if name is None else name,
        first=before.first if first is None else first,
        last=before.last if last is None else last,
        windows=before.windows if windows is None else tuple(windows),
        id=before.id,
    )
    changed = tuple(after if v.id == variant_id else v for v in team.variants)
    _validate(office, teams=_swap_team(office, replace(team, variants=changed)))
    schedule_rules.check_variant_change(before, after, now.astimezone(tz).date())
    stored = uow.schedules.update_variant(after)
    _audit(
        uow,
        actor,
        now,
        "change_variant",
        "variant",
        str(variant_id),
        snapshots.variant(team.id, before),
        snapshots.variant(team.id, stored),
    )
    return stored


def delete_variant(
    uow: UnitOfWork, actor: Actor, variant_id: int, *, now: datetime, tz: tzinfo
) -> WeekVariant:
    """Delete a variant that has not begun (admins only); a running one is shortened."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Zeitraum")
    office = uow.schedules.claim()
    team, before = find_variant(office, variant_id)
    schedule_rules.check_variant_change(before, None, now.astimezone(tz).date())
    uow.schedules.delete_variant(variant_id)
    _audit(
        uow,
        actor,
        now,
        "delete_variant",
        "variant",
        str(variant_id),
        snapshots.variant(team.id, before),
        None,
    )
    return before


# ---------------------------------------------------------------------- holidays


def set_team_holidays(
    uow: UnitOfWork,
    actor: Actor,
    team_id: str,
    enabled: bool,
    ignored: Iterable[str],
    *,
    now: datetime,
) -> Team:
    """Switch public holidays on/off for a team and set the holidays it works through."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Feiertage")
    office = uow.schedules.claim()
    before = office.team(team_id)
    after = replace(before, holidays_enabled=enabled, ignored_holidays=frozenset(ignored))
    _validate(office, teams=_swap_team(office, after))
    uow.schedules.save_team_holidays(after)
    _audit(
        uow,
        actor,
        now,
        "set_team_holidays",
        "team",
        team_id,
        snapshots.team_holidays(before),
        snapshots.team_holidays(after),
    )
    return after


def set_holiday_state(uow: UnitOfWork, actor: Actor, state: str, *, now: datetime) -> str:
    """Set the German state whose public holidays apply ('he' and ' HE ' mean 'HE')."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Feiertage")
    uow.schedules.claim()
    cleaned = state.strip().upper()
    if cleaned:
        german_holidays(cleaned)  # UnknownHolidayState lists the known codes
    before = uow.schedules.holiday_state()
    uow.schedules.save_holiday_state(cleaned)  # the repository refuses an empty one
    _audit(
        uow,
        actor,
        now,
        "set_holiday_state",
        "office",
        "holiday_state",
        {"holiday_state": before},
        {"holiday_state": cleaned},
    )
    return cleaned


# ---------------------------------------------------------------------- closures


def add_closure(
    uow: UnitOfWork,
    actor: Actor,
    closure: Closure,
    *,
    now: datetime,
    confirm_long: bool = False,
    reasons: Collection[str] = (),
) -> Closure:
    """Store a closure from now on; admins for any team or all, team leads for their own.

    `reasons`: the public reasons the announcements know (the entry point reads them from
    the templates, callcenter.prompts.templates.public_reason_keys); a closure's public
    reason must be one of them."""
    require_team(actor, closure.team)
    require_aware(now, "Schließung")
    check_public_reason(closure.public_reason, reasons)
    office = uow.schedules.claim()
    _validate(office, closures=(*office.closures, closure))
    schedule_rules.check_new_closure(closure, now, _tz(now), confirm_long=confirm_long)
    stored = uow.schedules.insert_closure(closure, actor.name, now)
    _audit(
        uow, actor, now, "add_closure", "closure", str(stored.id), None, snapshots.closure(stored)
    )
    return stored


def add_closure_days(
    uow: UnitOfWork,
    actor: Actor,
    team: str | None,
    first: date,
    last: date | None,
    note: str,
    *,
    now: datetime,
    tz: tzinfo,
    confirm_long: bool = False,
    public_reason: str = "",
    note_on_board: bool = False,
    reasons: Collection[str] = (),
) -> Closure:
    """Whole local days `first`..`last`; a range beginning today begins now."""
    closure = schedule_rules.whole_days(team, first, last, tz, now, note.strip(), actor.name)
    closure = replace(closure, public_reason=public_reason.strip(), note_on_board=note_on_board)
    return add_closure(uow, actor, closure, now=now, confirm_long=confirm_long, reasons=reasons)


def announcement_today(
    uow: UnitOfWork,
    actor: Actor,
    team: str | None,
    note: str,
    *,
    now: datetime,
    tz: tzinfo,
    until: time | None = None,
    public_reason: str = "",
    note_on_board: bool = False,
    reasons: Collection[str] = (),
) -> Closure:
    """'Bandansage heute': closed from this minute to the end of the day (or `until`)."""
    closure = schedule_rules.announcement_today(team, now, tz, until, note.strip(), actor.name)
    closure = replace(closure, public_reason=public_reason.strip(), note_on_board=note_on_board)
    return add_closure(uow, actor, closure, now=now, reasons=reasons)


def change_closure(
    uow: UnitOfWork,
    actor: Actor,
    closure_id: int,
    *,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    note: str | None = None,
    confirm_long: bool = False,
    public_reason: str | None = None,
    note_on_board: bool | None = None,
    reasons: Collection[str] = (),
) -> Closure:
    """Edit a closure's start, end, note, public reason or whether the note is on the
    board: a future one freely, a running one only in its end (its note, reason and board
    flag too: they say why, not when). (Its team stays: delete and add again for another
    team.) A public reason that changes must be one of `reasons`."""
    require_aware(now, "Schließung")
    office = uow.schedules.claim()
    before = uow.schedules.get_closure(closure_id)
    require_team(actor, before.team)
    reason = before.public_reason if public_reason is None else public_reason.strip()
    if reason != before.public_reason:
        check_public_reason(reason, reasons)
    after = Closure(
        before.team,
        start or before.start,
        end or before.end,
        before.note if note is None else note.strip(),
        id=before.id,
        created_by=before.created_by,
        public_reason=reason,
        note_on_board=before.note_on_board if note_on_board is None else note_on_board,
    )
    schedule_rules.check_edit(before, after, now, _tz(now), confirm_long=confirm_long)
    _validate(office, closures=tuple(after if c.id == closure_id else c for c in office.closures))
    stored = uow.schedules.update_closure(after)
    _audit(
        uow,
        actor,
        now,
        "change_closure",
        "closure",
        str(closure_id),
        snapshots.closure(before),
        snapshots.closure(stored),
    )
    return stored


def delete_closure(uow: UnitOfWork, actor: Actor, closure_id: int, *, now: datetime) -> Closure:
    """Delete a closure that has not begun (a running one is ended instead)."""
    require_aware(now, "Schließung")
    uow.schedules.claim()
    before = uow.schedules.get_closure(closure_id)
    require_team(actor, before.team)
    schedule_rules.check_delete(before, now, _tz(now))
    uow.schedules.delete_closure(closure_id)
    _audit(
        uow,
        actor,
        now,
        "delete_closure",
        "closure",
        str(closure_id),
        snapshots.closure(before),
        None,
    )
    return before


def end_closure(
    uow: UnitOfWork,
    actor: Actor,
    closure_id: int,
    *,
    now: datetime,
    at: datetime | None = None,
) -> Closure:
    """End a running closure now (or at `at`, not before now).

    Ending now a closure that has not begun is refused with ClosureNotStarted: deleting it
    is the honest way to cancel it, and the message says so.
    """
    require_aware(now, "Schließung")
    if at is not None:
        require_aware(at, "Schließung beenden")
    office = uow.schedules.claim()
    before = uow.schedules.get_closure(closure_id)
    require_team(actor, before.team)
    moment = schedule_rules.end_instant(before, at, now, _tz(now))
    # Raises the domain's InvalidClosure if the end is not after the start.
    after = replace(before, end=moment)
    _validate(office, closures=tuple(after if c.id == closure_id else c for c in office.closures))
    stored = uow.schedules.update_closure(after, ended_by=actor.name)
    _audit(
        uow,
        actor,
        now,
        "end_closure",
        "closure",
        str(closure_id),
        snapshots.closure(before),
        snapshots.closure(stored, ended_by=actor.name),
    )
    return stored


# ---------------------------------------------------------------------- openings, pilots


def add_opening(
    uow: UnitOfWork, actor: Actor, opening: SpecialOpening, *, now: datetime
) -> SpecialOpening:
    """Store a special opening from now on (admins only)."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Sonderöffnung")
    office = uow.schedules.claim()
    _validate(office, openings=(*office.openings, opening))
    schedule_rules.check_new_opening(opening, now, _tz(now))
    stored = uow.schedules.insert_opening(opening, actor.name, now)
    _audit(
        uow, actor, now, "add_opening", "opening", str(stored.id), None, snapshots.opening(stored)
    )
    return stored


def add_pilot(uow: UnitOfWork, actor: Actor, pilot: Pilot, *, now: datetime) -> Pilot:
    """Store a pilot period; the domain refuses one that overlaps the team's others."""
    require_team(actor, pilot.team)
    require_aware(now, "Pilotphase")
    office = uow.schedules.claim()
    _validate(office, pilots=(*office.pilots, pilot))
    stored = uow.schedules.insert_pilot(pilot, actor.name, now)
    _audit(uow, actor, now, "add_pilot", "pilot", str(stored.id), None, snapshots.pilot(stored))
    return stored


# ---------------------------------------------------------------------- generated history


def add_generated_history(
    uow: UnitOfWork,
    system: str,
    *,
    closures: Iterable[Closure] = (),
    pilot: Pilot | None = None,
    now: datetime,
) -> None:
    """Closures (and a pilot) that come with generated historic data (the synthetic pilot
    data set): they describe the past the data was generated for, so the rule that closures
    start from now does not apply. Validated and audited under the system actor's name."""
    require_aware(now, "Schließung")
    if pilot is not None:
        office = uow.schedules.claim()
        _validate(office, pilots=(*office.pilots, pilot))
        stored_pilot = uow.schedules.insert_pilot(pilot, system, now)
        _audit(
            uow,
            system,
            now,
            "add_pilot",
            "pilot",
            str(stored_pilot.id),
            None,
            snapshots.pilot(stored_pilot),
        )
    for closure in closures:
        office = uow.schedules.claim()
        _validate(office, closures=(*office.closures, closure))
        stored = uow.schedules.insert_closure(closure, system, now)
        _audit(
            uow,
            system,
            now,
            "add_closure",
            "closure",
            str(stored.id),
            None,
            snapshots.closure(stored),
        )


# ---------------------------------------------------------------------- internals


def check_public_reason(reason: str, reasons: Collection[str]) -> None:
    """An empty reason (none is spoken) or one of the templates' keys."""
    if not reason or reason in reasons:
        return
    allowed = ", ".join(reasons) or "—"
    raise InvalidClosure(
        f"Öffentlicher Grund „{reason}“ ist unbekannt; erlaubt: {allowed} (oder leer: kein "
        "Grund wird angesagt)",
        f"unknown public reason '{reason}'; allowed: {allowed} (or empty: no reason is announced)",
        "public_reason",
    )


def _tz(now: datetime) -> tzinfo:
    tz = now.tzinfo
    assert tz is not None  # require_aware ran first
    return tz


def _validate(office: Office, **changes: Any) -> Office:
    """The changed Office; constructing it runs every domain validation."""
    return replace(office, **changes)


def _swap_team(office: Office, changed: Team) -> tuple[Team, ...]:
    return tuple(changed if team.id == changed.id else team for team in office.teams)


def _audit(
    uow: UnitOfWork,
    actor: Actor | str,
    now: datetime,
    action: str,
    entity: str,
    entity_id: str | None,
    before: Any,
    after: Any,
) -> None:
    uow.audit.record(
        actor=actor if isinstance(actor, str) else actor.name,
        at=now,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
