"""The changes the web app can make, with their permission checks: shared by pages and API.

Each change is one audited transaction through the schedule repository; the running
service notices the new audit entry within half a second and pushes the state to the PBX.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from callcenter.domain.schedule import Closure, Pilot, SpecialOpening, Team, Window
from callcenter.holiday_calendar import german_holidays
from callcenter.prompts.audio_files import TeamSounds, check_slot
from callcenter.prompts.audio_manifest import load_manifest
from callcenter.prompts.upload import InstalledRecording, install_recording, remove_recording
from callcenter.storage.audit import AuditRepository
from callcenter.storage.web_repository import Role
from callcenter.web.errors import forbidden
from callcenter.web.state import Identity, WebState


def require(identity: Identity, *roles: Role) -> None:
    if not identity.has(*roles):
        raise forbidden()


def require_team(identity: Identity, team: str | None) -> None:
    if not identity.may_change_team(team):
        raise forbidden()


async def set_hours(
    state: WebState, identity: Identity, team_id: str, windows: Sequence[Window]
) -> Team:
    require(identity, Role.ADMIN)
    now = state.now()
    return await state.db(
        lambda s: state.store.schedules(s).set_windows(team_id, tuple(windows), identity.actor, now)
    )


async def add_closure(
    state: WebState,
    identity: Identity,
    team: str | None,
    start: datetime,
    end: datetime,
    note: str,
) -> Closure:
    require_team(identity, team)
    now = state.now()
    closure = Closure(team, start, end, note.strip(), created_by=identity.actor)
    return await state.db(
        lambda s: state.store.schedules(s).add_closure(closure, identity.actor, now)
    )


def whole_days(state: WebState, first: date, last: date | None) -> tuple[datetime, datetime]:
    """Local midnight before `first` to local midnight after `last` (inclusive days)."""
    # The domain's constructor words the error for a last day before the first.
    bounds = Closure.whole_days(None, first, last or first, state.settings.tz)
    return bounds.start, bounds.end


async def announcement_today(
    state: WebState, identity: Identity, team: str | None, note: str
) -> Closure:
    """'Bandansage heute': closed for the whole of today; ends at midnight by itself."""
    today = state.now().date()
    start, end = whole_days(state, today, today)
    return await add_closure(state, identity, team, start, end, note)


async def end_closure(state: WebState, identity: Identity, closure_id: int) -> Closure:
    now = state.now()

    def work(session) -> Closure:  # type: ignore[no-untyped-def]
        schedules = state.store.schedules(session)
        closure = schedules.get_closure(closure_id)
        require_team(identity, closure.team)
        return schedules.end_closure(closure_id, now, identity.actor, now)

    return await state.db(work)


async def add_opening(
    state: WebState, identity: Identity, opening: SpecialOpening
) -> SpecialOpening:
    require(identity, Role.ADMIN)
    now = state.now()
    return await state.db(
        lambda s: state.store.schedules(s).add_opening(opening, identity.actor, now)
    )


async def add_pilot(state: WebState, identity: Identity, pilot: Pilot) -> Pilot:
    require_team(identity, pilot.team)
    now = state.now()
    return await state.db(lambda s: state.store.schedules(s).add_pilot(pilot, identity.actor, now))


async def set_holiday_state(state: WebState, identity: Identity, code: str) -> str:
    require(identity, Role.ADMIN)
    cleaned = code.strip().upper()
    german_holidays(cleaned)  # raises UnknownHolidayState for a code we do not know
    now = state.now()
    await state.db(
        lambda s: state.store.schedules(s).set_holiday_state(cleaned, identity.actor, now)
    )
    return cleaned


async def set_team_holidays(
    state: WebState, identity: Identity, team_id: str, enabled: bool, ignored: Sequence[str]
) -> Team:
    require(identity, Role.ADMIN)
    now = state.now()
    return await state.db(
        lambda s: state.store.schedules(s).set_team_holidays(
            team_id, enabled, tuple(ignored), identity.actor, now
        )
    )


def _slot_snapshot(sounds: TeamSounds, slot: str) -> dict[str, object]:
    entry = load_manifest(sounds).slots.get(slot)
    if entry is None:
        return {"active": "none"}
    snapshot: dict[str, object] = {"active": entry.active}
    if entry.recording is not None:
        snapshot["recording"] = entry.recording.source_name
        snapshot["seconds"] = entry.recording.seconds
    return snapshot


async def _audit_prompt(
    state: WebState,
    identity: Identity,
    action: str,
    team: str,
    slot: str,
    before: dict[str, object],
    after: dict[str, object],
) -> None:
    now = state.now()
    await state.db(
        lambda s: AuditRepository(s).record(
            actor=identity.actor,
            at=now,
            action=action,
            entity="prompt",
            entity_id=f"{team}/{slot}",
            before=before,
            after=after,
        )
    )


async def upload_recording(
    state: WebState,
    identity: Identity,
    team: str,
    reason: str,
    lang: str,
    source: Path,
    source_name: str,
) -> InstalledRecording:
    """Validate and activate an uploaded recording; audited with the slot before/after."""
    require(identity, Role.ADMIN)
    office = await state.office()
    office.team(team)
    slot = check_slot(reason, lang)
    sounds = TeamSounds(state.settings.sounds_dir, team)
    before = await asyncio.to_thread(_slot_snapshot, sounds, slot)
    installed = await install_recording(
        source,
        team,
        reason,
        lang,
        state.settings.sounds_dir,
        source_name=source_name,
        uploaded_by=identity.actor,
    )
    after = await asyncio.to_thread(_slot_snapshot, sounds, slot)
    await _audit_prompt(state, identity, "upload_recording", team, slot, before, after)
    return installed


async def drop_recording(
    state: WebState, identity: Identity, team: str, reason: str, lang: str
) -> str:
    require(identity, Role.ADMIN)
    office = await state.office()
    office.team(team)
    slot = check_slot(reason, lang)
    sounds = TeamSounds(state.settings.sounds_dir, team)
    before = await asyncio.to_thread(_slot_snapshot, sounds, slot)
    active = await remove_recording(team, reason, lang, state.settings.sounds_dir)
    after = await asyncio.to_thread(_slot_snapshot, sounds, slot)
    await _audit_prompt(state, identity, "remove_recording", team, slot, before, after)
    return str(active)


def upload_dir(state: WebState) -> Path:
    """Where uploads wait while they are checked (same disk as the sounds, not /tmp)."""
    path = state.settings.data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cleanup_uploads(state: WebState) -> None:
    """Left-overs of an upload interrupted by a crash; called at start-up."""
    path = state.settings.data_dir / "uploads"
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
