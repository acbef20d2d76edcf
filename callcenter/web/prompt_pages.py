"""Announcements: the text per reason and language as callers hear it now, the audio to
play in the browser, and uploading or removing a recording."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from callcenter.domain.access import Role
from callcenter.domain.schedule import Office, Reason, active_closure
from callcenter.prompts.audio_files import TeamSounds, check_slot, slot_name
from callcenter.prompts.audio_manifest import Active, load_manifest
from callcenter.prompts.errors import PromptError
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.templates import load_templates
from callcenter.prompts.text import Contact, announcement_text
from callcenter.usecases import office_phrases
from callcenter.usecases import prompts as prompt_cases
from callcenter.web import actions
from callcenter.web.actions import require
from callcenter.web.errors import not_found, translate_error
from callcenter.web.forms import FormErrors
from callcenter.web.middleware import ensure_identity
from callcenter.web.render import render
from callcenter.web.state import WebState, lang_of, state_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PromptSlot:
    team: str
    reason: Reason
    lang: str
    slot: str
    text: str
    active: Active
    seconds: float | None
    recording_name: str | None
    audio_url: str | None
    # The rendered audio says an older text than `text` (re-rendered soon or by the button).
    stale: bool = False
    # Closure texts while no closure with a public reason is in force: how one sounds.
    reason_example: str = ""


def _template_problem(exc: Exception) -> tuple[str, str]:
    """What the page says when the templates cannot be read: the file's name at most, never
    a server path or a trace (those go to the log)."""
    where = getattr(exc, "where", "") or ""
    name = Path(where.split(":")[0]).name if where else ""
    named = f" ({name})" if name.endswith(".toml") else ""
    return (
        f"Die Ansagevorlagen{named} konnten nicht gelesen werden; die Einzelheiten stehen im "
        "Protokoll des Dienstes.",
        f"The announcement templates{named} could not be read; the details are in the "
        "service's log.",
    )


def _templates(state: WebState) -> tuple[dict[str, PromptTemplate], tuple[str, str] | None]:
    try:
        return load_templates(state.settings.prompts.templates_dir), None
    except Exception as exc:  # any reason: the page stays usable and names no paths
        logger.warning("announcement templates not readable: %s", exc, exc_info=True)
        return {}, _template_problem(exc)


def prompt_slots(
    state: WebState, office: Office, team_id: str, now: datetime, contact: Contact | None = None
) -> list[PromptSlot]:
    """Every reason × configured language of a team (blocking: reads templates and files)."""
    contact = contact or office_phrases.as_contact(office_phrases.configured(state.settings))
    return page_slots(state, office, team_id, now, contact)[0]


def page_slots(
    state: WebState,
    office: Office,
    team_id: str,
    now: datetime,
    contact: Contact,
    lang: str = "de",
) -> tuple[list[PromptSlot], str]:
    """Every reason × configured language of a team, and a problem with the templates
    ('' if none). Blocking: reads templates and files."""
    settings = state.settings
    schedule = office.schedule_for(team_id)
    templates, problem = _templates(state)
    page_problem = "" if problem is None else problem[1 if lang == "en" else 0]
    sounds = TeamSounds(settings.sounds_dir, team_id)
    manifest = load_manifest(sounds)
    slots = []
    for reason in Reason:
        for slot_lang in settings.prompts.languages:
            slot = slot_name(reason, slot_lang)
            template = templates.get(slot_lang)
            if template is None:
                spoken = "–" if problem else f"keine Vorlage für „{slot_lang}“"
            else:
                try:
                    spoken = announcement_text(
                        schedule,
                        reason,
                        template,
                        now,
                        contact,
                        settings.prompts.speak_public_reason,
                    )
                except PromptError as exc:
                    spoken = exc.public_en if lang == "en" else exc.public_de
            entry = manifest.slots.get(slot)
            active_file = sounds.active(slot)
            audio_url = None
            if active_file.is_file():
                version = int(active_file.stat().st_mtime)
                audio_url = f"/ansagen/audio/{team_id}/{slot}.wav?v={version}"
            seconds = None
            if entry is not None and entry.active == "recording" and entry.recording:
                seconds = entry.recording.seconds
            elif entry is not None and entry.tts is not None:
                seconds = entry.tts.seconds
            example = ""
            closure = active_closure(schedule, now)
            if (
                reason is Reason.CLOSURE
                and template is not None
                and settings.prompts.speak_public_reason
                and not (closure and closure.public_reason)
            ):
                example = next(iter(template.public_reasons.values()), "")
            stale = bool(
                entry is not None
                and entry.active == "tts"
                and entry.tts is not None
                and template is not None
                and entry.tts.text != spoken
            )
            slots.append(
                PromptSlot(
                    team=team_id,
                    reason=reason,
                    lang=slot_lang,
                    slot=slot,
                    text=spoken,
                    active=entry.active if entry else "none",
                    seconds=seconds,
                    recording_name=(
                        entry.recording.source_name if entry and entry.recording else None
                    ),
                    audio_url=audio_url,
                    stale=stale,
                    reason_example=example,
                )
            )
    return slots, page_problem


async def prompts_page(request: web.Request) -> web.StreamResponse:
    require(ensure_identity(request), Role.ADMIN)
    return await _prompts_response(request, FormErrors())


async def _prompts_response(
    request: web.Request,
    errors: FormErrors,
    status: int = 200,
    team: str | None = None,
    draft: dict[str, str] | None = None,
) -> web.Response:
    """The page; `draft`: phrases typed but not saved, the texts shown with them (preview)."""
    state = state_of(request)
    office = await state.office()
    team_id = team or request.query.get("team") or (office.team_ids[0] if office.teams else "")
    if team_id not in office.team_ids:
        raise not_found()
    saved = await state.run(lambda uow: office_phrases.saved(uow, state.settings))
    phrases = draft if draft is not None else saved
    lang = lang_of(request)
    slots, problem = await asyncio.to_thread(
        page_slots,
        state,
        office,
        team_id,
        state.now(),
        office_phrases.as_contact(phrases),
        lang,
    )
    reasons = [(reason, [s for s in slots if s.reason is reason]) for reason in Reason]
    return render(
        request,
        "prompts.html",
        {
            "teams": office.teams,
            "team": office.team(team_id),
            "slots": slots,
            "reasons": reasons,
            "template_problem": problem,
            "phrases": phrases,
            "phrase_labels": {
                name: labels[1 if lang == "en" else 0]
                for name, labels in office_phrases.PHRASES.items()
            },
            "configured": office_phrases.configured(state.settings),
            "preview": draft is not None and draft != saved,
            "errors": errors.for_lang(lang),
        },
        status=status,
    )


async def phrases_submit(request: web.Request) -> web.StreamResponse:
    """'Vorschau' shows the texts with the typed phrases (nothing saved); 'Speichern' saves
    them through the use case (audited) and the service re-renders the announcements."""
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    form = await request.post()
    office = await state.office()
    given = form.get("team")
    team = given if isinstance(given, str) and given in office.team_ids else None
    values = office_phrases.clean(form)
    errors = FormErrors()
    for name, (de, en) in office_phrases.phrase_errors(values).items():
        errors.add(name, de, en)
    if errors:
        return await _prompts_response(request, errors, 422, team, draft=values)
    if form.get("action") != "save":
        return await _prompts_response(request, errors, 200, team, draft=values)
    actor = actions.actor_of(identity)
    try:
        await actions.run(
            state,
            lambda uow: office_phrases.save_office_phrases(
                uow, actor, state.settings, values, state.now()
            ),
        )
    except PromptError as exc:
        error = translate_error(exc)
        errors.add(error.field or "url", error.message_de, error.message_en)
        return await _prompts_response(request, errors, error.status, team, values)
    query = f"team={team}&" if team else ""
    raise web.HTTPSeeOther(f"/ansagen?{query}msg=phrases_saved")


async def rerender_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    team = request.match_info["team"]
    office = await state.office()
    if team not in office.team_ids:
        raise not_found()
    await prompt_cases.rerender_team(
        lambda work: actions.run(state, work),
        actions.actor_of(identity),
        state.settings,
        office,
        team,
        state.now(),
    )
    raise web.HTTPSeeOther(f"/ansagen?team={team}&msg=rerendered")


def _slot_args(request: web.Request) -> tuple[str, str, str]:
    return request.match_info["team"], request.match_info["reason"], request.match_info["lang"]


async def upload_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    state = state_of(request)
    team, reason, lang = _slot_args(request)
    form = await request.post()
    field_name = f"file-{reason}-{lang}"
    upload = form.get("file")
    errors = FormErrors()
    if not isinstance(upload, web.FileField) or not upload.filename:
        errors.add_key(field_name, "no_file")
        return await _prompts_response(request, errors, 400, team)
    try:
        await _install(state, identity, team, reason, lang, upload)
    except PromptError as exc:
        error = translate_error(exc, field_name)
        if error.status == 404:
            raise error from None
        errors.add(field_name, error.message_de, error.message_en)
        return await _prompts_response(request, errors, error.status, team)
    raise web.HTTPSeeOther(f"/ansagen?team={team}&msg=uploaded")


async def _install(
    state: WebState, identity: Any, team: str, reason: str, lang: str, upload: web.FileField
) -> None:
    folder = await asyncio.to_thread(actions.upload_dir, state)
    suffix = Path(upload.filename).suffix[:10]
    with tempfile.NamedTemporaryFile(dir=folder, suffix=suffix, delete=False) as temp:
        path = Path(temp.name)
    try:
        await asyncio.to_thread(_copy, upload, path)
        await prompt_cases.upload_recording(
            lambda work: actions.run(state, work),
            actions.actor_of(identity),
            state.settings.sounds_dir,
            team,
            reason,
            lang,
            path,
            source_name=Path(upload.filename).name,
            now=state.now(),
        )
    finally:
        path.unlink(missing_ok=True)


def _copy(upload: web.FileField, target: Path) -> None:
    upload.file.seek(0)
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out)


async def remove_submit(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    require(identity, Role.ADMIN)
    team, reason, lang = _slot_args(request)
    state = state_of(request)
    await prompt_cases.drop_recording(
        lambda work: actions.run(state, work),
        actions.actor_of(identity),
        state.settings.sounds_dir,
        team,
        reason,
        lang,
        now=state.now(),
    )
    raise web.HTTPSeeOther(f"/ansagen?team={team}&msg=removed")


async def audio_file(request: web.Request) -> web.StreamResponse:
    """The active announcement as the PBX plays it; only known teams and valid slots."""
    require(ensure_identity(request), Role.ADMIN)
    state = state_of(request)
    team = request.match_info["team"]
    office = await state.office()
    if team not in office.team_ids:
        raise not_found()
    slot = request.match_info["slot"]
    reason, _, lang = slot.removeprefix("closed-").partition("-")
    if check_slot(reason, lang) != slot:
        raise not_found()
    path = TeamSounds(state.settings.sounds_dir, team).active(slot)
    if not path.is_file():
        raise not_found()
    # Private: the announcement may name a closure's public reason before it is announced.
    return web.FileResponse(
        path, headers={"Content-Type": "audio/wav", "Cache-Control": "private, no-cache"}
    )
