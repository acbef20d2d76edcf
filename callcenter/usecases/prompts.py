"""Announcement use cases: render the texts, install and remove recordings (audited).

The audio work is asynchronous (espeak-ng, sox in subprocesses); the database part runs in
the caller's transactions, handed in as `transact` (the web: a worker thread; the CLI: a
plain call), so both entry points share this one path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from callcenter.config import Settings
from callcenter.domain.access import Actor, Role, require_role
from callcenter.domain.audit import require_aware
from callcenter.domain.schedule import Office, Reason
from callcenter.prompts.audio_files import TeamSounds, check_slot, slot_name, team_lock
from callcenter.prompts.audio_manifest import load_manifest
from callcenter.prompts.menu import render_menu
from callcenter.prompts.render import RenderEntry, RenderReport, render_prompts
from callcenter.prompts.summary import render_summaries, render_wait_prompts
from callcenter.prompts.templates import load_templates
from callcenter.prompts.text import Contact
from callcenter.prompts.upload import InstalledRecording, install_recording, remove_recording
from callcenter.usecases.office_phrases import as_contact, configured, office_contact
from callcenter.usecases.ports import UnitOfWork

T = TypeVar("T")
R = TypeVar("R")
Transact = Callable[[Callable[[UnitOfWork], T]], Awaitable[T]]


async def render_announcements(
    settings: Settings,
    office: Office,
    now: datetime,
    team: str | None = None,
    on_progress: Callable[[RenderEntry], None] | None = None,
    contact: Contact | None = None,
) -> RenderReport:
    """Render the configured languages' announcements whose text changed (content hash);
    with the language menu on, every menu language and the menu prompts too.

    `contact`: the office's phrases as saved in the database (`office_phrases.office_contact`);
    None: the configuration's."""
    templates = load_templates(settings.prompts.templates_dir)
    menu = settings.callers.languages if settings.callers.menu else ()
    languages = tuple(dict.fromkeys((*settings.prompts.languages, *menu)))
    report = await render_prompts(
        office,
        templates,
        contact or as_contact(configured(settings)),
        now,
        settings.sounds_dir,
        team,
        languages=languages,
        speak_reason=settings.prompts.speak_public_reason,
        on_progress=on_progress,
    )
    if menu:
        await render_menu(
            menu, settings.sounds_dir, templates, callback_key=settings.callers.callback_key
        )
        # The menu's no-key path plays the short forms in the default languages.
        await render_summaries(
            office,
            templates,
            contact or as_contact(configured(settings)),
            now,
            settings.sounds_dir,
            settings.prompts.languages,
            team,
            speak_reason=settings.prompts.speak_public_reason,
        )
    elif settings.offers_callback:
        # A queue overflow to `callback` without the menu: the offer in the first language,
        # as the include plays it.
        await render_menu(
            settings.prompts.languages[:1],
            settings.sounds_dir,
            templates,
            callback_key=settings.callers.callback_key,
            menu=False,
        )
    if any(t.announce_position for t in settings.teams):
        await render_wait_prompts(settings.sounds_dir, settings.prompts.languages, templates)
    return report


def _slot_snapshot(sounds: TeamSounds, slot: str) -> dict[str, object]:
    entry = load_manifest(sounds).slots.get(slot)
    if entry is None:
        return {"active": "none"}
    snapshot: dict[str, object] = {"active": entry.active}
    if entry.recording is not None:
        snapshot["recording"] = entry.recording.source_name
        snapshot["seconds"] = entry.recording.seconds
    return snapshot


def _check(uow: UnitOfWork, actor: Actor, team: str, reason: str, lang: str) -> str:
    require_role(actor, Role.ADMIN)
    uow.schedules.claim().team(team)  # UnknownTeam names the known teams
    return check_slot(reason, lang)


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    action: str,
    team: str,
    slot: str,
    before: dict[str, object],
    after: dict[str, object],
) -> None:
    uow.audit.record(
        actor=actor.name,
        at=now,
        action=action,
        entity="prompt",
        entity_id=f"{team}/{slot}",
        before=before,
        after=after,
    )


async def _audited_slot_change(
    transact: Transact[object],
    actor: Actor,
    sounds_dir: Path,
    slot_of: tuple[str, str, str],
    action: str,
    change: Callable[[], Awaitable[R]],
    now: datetime,
) -> R:
    """Check (admin, known team, valid slot), change the slot's files, audit before/after."""
    require_aware(now, "Aufnahme")
    team, reason, lang = slot_of
    slot = str(await transact(lambda uow: _check(uow, actor, team, reason, lang)))
    sounds = TeamSounds(sounds_dir, team)
    before = await asyncio.to_thread(_slot_snapshot, sounds, slot)
    result = await change()
    after = await asyncio.to_thread(_slot_snapshot, sounds, slot)
    await transact(lambda uow: _audit(uow, actor, now, action, team, slot, before, after))
    return result


async def upload_recording(
    transact: Transact[object],
    actor: Actor,
    sounds_dir: Path,
    team: str,
    reason: str,
    lang: str,
    source: Path,
    *,
    source_name: str,
    now: datetime,
) -> InstalledRecording:
    """Validate and activate a recording (admins); audited with the slot before/after."""
    return await _audited_slot_change(
        transact,
        actor,
        sounds_dir,
        (team, reason, lang),
        "upload_recording",
        lambda: install_recording(
            source, team, reason, lang, sounds_dir, source_name=source_name, uploaded_by=actor.name
        ),
        now,
    )


async def drop_recording(
    transact: Transact[object],
    actor: Actor,
    sounds_dir: Path,
    team: str,
    reason: str,
    lang: str,
    *,
    now: datetime,
) -> str:
    """Remove a recording (admins): the rendered text is active again; audited."""
    active = await _audited_slot_change(
        transact,
        actor,
        sounds_dir,
        (team, reason, lang),
        "remove_recording",
        lambda: remove_recording(team, reason, lang, sounds_dir),
        now,
    )
    return str(active)


async def rerender_team(
    transact: Transact[object],
    actor: Actor,
    settings: Settings,
    office: Office,
    team: str,
    now: datetime,
) -> RenderReport:
    """'Neu erzeugen' (admins): render every announcement of a team again, even an unchanged
    text (a file damaged on disk is replaced); audited. An uploaded recording stays active."""
    require_aware(now, "Ansagen")

    def check_and_contact(uow: UnitOfWork) -> Contact:
        require_role(actor, Role.ADMIN)
        uow.schedules.claim().team(team)  # UnknownTeam names the known teams
        return office_contact(uow, settings)

    contact = await transact(check_and_contact)
    assert isinstance(contact, Contact)
    sounds = TeamSounds(settings.sounds_dir, team)
    async with team_lock(sounds):
        # Without its rendered file a slot counts as changed: render_prompts renders it anew.
        await asyncio.to_thread(_forget_rendered, sounds, settings.prompts.languages)
    report = await render_announcements(settings, office, now, team, contact=contact)
    counts = {"rendered": len(report.rendered), "recording": len(report.recording)}
    await transact(
        lambda uow: uow.audit.record(
            actor=actor.name,
            at=now,
            action="render_prompts",
            entity="prompt",
            entity_id=team,
            before=None,
            after=counts,
        )
    )
    return report


def _forget_rendered(sounds: TeamSounds, languages: tuple[str, ...]) -> None:
    for reason in Reason:
        for lang in languages:
            sounds.tts(slot_name(reason, lang)).unlink(missing_ok=True)
