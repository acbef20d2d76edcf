"""Renders every team × reason × language announcement to PBX audio, when its text changed.

The texts name the next opening relative to `now` ("ab morgen"), so callers run this at
every state change and after midnight; the content hash keeps those runs cheap: a file is
only rendered again when its text, voice or audio format changed. The rendered text is
always kept under `tts/`, also while an uploaded recording is active, so that removing the
recording brings the current text back at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from callcenter.domain.schedule import Office, Reason, TeamSchedule
from callcenter.prompts.audio_files import TeamSounds, install_copy, replacing, slot_name, team_lock
from callcenter.prompts.audio_manifest import (
    Active,
    Manifest,
    SlotEntry,
    TtsEntry,
    content_hash,
    load_manifest,
    save_manifest,
)
from callcenter.prompts.audio_tools import FORMAT_VERSION, AudioTools
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.text import Contact, announcement_text

logger = logging.getLogger(__name__)

# espeak-ng voices for the languages the templates ship with; a template's `voice` wins.
DEFAULT_VOICES: Mapping[str, str] = {
    "de": "de",
    "en": "en-gb",
    "tr": "tr",
    "ar": "ar",
    "ru": "ru",
    "uk": "uk",
    "fa": "fa",
}


def voice_for(template: PromptTemplate) -> str:
    return template.voice or DEFAULT_VOICES.get(template.lang, template.lang)


@dataclass(frozen=True)
class RenderEntry:
    """What happened to one announcement; `seconds` is the rendered text's length."""

    team: str
    reason: Reason
    lang: str
    action: Literal["rendered", "skipped"]
    active: Active
    path: Path
    seconds: float
    elapsed: float


@dataclass(frozen=True)
class RenderReport:
    entries: tuple[RenderEntry, ...]

    @property
    def rendered(self) -> tuple[RenderEntry, ...]:
        return tuple(e for e in self.entries if e.action == "rendered")

    @property
    def skipped(self) -> tuple[RenderEntry, ...]:
        return tuple(e for e in self.entries if e.action == "skipped")

    @property
    def recording(self) -> tuple[RenderEntry, ...]:
        """Announcements whose uploaded recording plays instead of the rendered text."""
        return tuple(e for e in self.entries if e.active == "recording")


@dataclass(frozen=True)
class _Job:
    reason: Reason
    lang: str
    text: str
    voice: str
    hash: str

    @property
    def slot(self) -> str:
        return slot_name(self.reason, self.lang)


async def render_prompts(
    office: Office,
    templates: Mapping[str, PromptTemplate],
    contact: Contact,
    now: datetime,
    sounds_dir: Path,
    team: str | None = None,
    *,
    languages: Collection[str] | None = None,
    speak_reason: bool = True,
    tools: AudioTools | None = None,
    concurrency: int | None = None,
    on_progress: Callable[[RenderEntry], None] | None = None,
) -> RenderReport:
    """Render what changed for one team (or all) × every reason × every template language.

    Raises `AudioToolError` after all other announcements are done if one could not be
    rendered; `PromptError` (before anything is written) if a text cannot be built.
    """
    tools = tools or AudioTools()
    team_ids = (team,) if team is not None else office.team_ids
    langs = [lang for lang in templates if languages is None or lang in languages]
    # espeak-ng and sox are single-threaded; more runs than cores only queue up.
    limit = asyncio.Semaphore(concurrency or os.cpu_count() or 2)
    # Every text first: a template or schedule problem surfaces before any file is touched.
    jobs_by_team = {
        team_id: [
            _job(
                office.schedule_for(team_id),
                reason,
                templates[lang],
                now,
                contact,
                speak_reason,
                tools,
            )
            for reason in Reason
            for lang in langs
        ]
        for team_id in team_ids
    }
    entries: list[RenderEntry] = []
    for team_id, jobs in jobs_by_team.items():
        entries += await _render_team(
            TeamSounds(sounds_dir, team_id), jobs, tools, limit, on_progress
        )
    return RenderReport(tuple(entries))


def _job(
    schedule: TeamSchedule,
    reason: Reason,
    template: PromptTemplate,
    now: datetime,
    contact: Contact,
    speak_reason: bool,
    tools: AudioTools,
) -> _Job:
    text = announcement_text(schedule, reason, template, now, contact, speak_reason)
    voice = voice_for(template)
    digest = content_hash(
        {"text": text, "voice": voice, "format": FORMAT_VERSION, "wpm": tools.words_per_minute}
    )
    return _Job(reason, template.lang, text, voice, digest)


async def _render_team(
    sounds: TeamSounds,
    jobs: list[_Job],
    tools: AudioTools,
    limit: asyncio.Semaphore,
    on_progress: Callable[[RenderEntry], None] | None,
) -> list[RenderEntry]:
    async with team_lock(sounds):
        before = load_manifest(sounds)
        manifest = before
        results: list[RenderEntry | BaseException] = []
        try:
            results = await asyncio.gather(
                *(_render_slot(sounds, job, before, tools, limit, on_progress) for job in jobs),
                return_exceptions=True,
            )
        finally:
            # Save what did render, so a failure in one language does not redo the others.
            for job, result in zip(jobs, results, strict=False):
                if isinstance(result, RenderEntry):
                    manifest = manifest.with_slot(job.slot, _updated(before, job, result))
            # Untouched when nothing changed: a no-op run leaves the directory as it was.
            if manifest != before:
                save_manifest(sounds, manifest)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if isinstance(result, RenderEntry)]


async def _render_slot(
    sounds: TeamSounds,
    job: _Job,
    manifest: Manifest,
    tools: AudioTools,
    limit: asyncio.Semaphore,
    on_progress: Callable[[RenderEntry], None] | None,
) -> RenderEntry:
    started = time.perf_counter()
    previous = manifest.slots.get(job.slot)
    tts_path = sounds.tts(job.slot)
    if previous and previous.tts and previous.tts.hash == job.hash and tts_path.is_file():
        action: Literal["rendered", "skipped"] = "skipped"
        seconds = previous.tts.seconds
    else:
        async with limit:
            seconds = await _synthesize(job, tts_path, tools)
        action = "rendered"
        logger.info("rendered %s/%s (%.1f s audio)", sounds.team, job.slot, seconds)
    active = _activate(sounds, job.slot, previous, rendered=action == "rendered")
    entry = RenderEntry(
        sounds.team,
        job.reason,
        job.lang,
        action,
        active,
        sounds.active(job.slot),
        seconds,
        time.perf_counter() - started,
    )
    if on_progress is not None:
        on_progress(entry)
    return entry


async def _synthesize(job: _Job, tts_path: Path, tools: AudioTools) -> float:
    with tempfile.TemporaryDirectory(prefix="callcenter-tts-") as scratch:
        raw = Path(scratch) / "espeak.wav"
        await tools.speak(job.text, job.voice, raw)
        with replacing(tts_path) as temp:
            await tools.to_pbx_wav(raw, temp)
            info = await tools.info(temp)
    return round(info.seconds, 3)


def _activate(sounds: TeamSounds, slot: str, previous: SlotEntry | None, rendered: bool) -> Active:
    """Put the right file in the PBX's place; an uploaded recording wins over the text."""
    active_path = sounds.active(slot)
    if previous and previous.recording:
        recording = sounds.recording(slot)
        if recording.is_file():
            if not active_path.is_file():
                install_copy(recording, active_path)
            return "recording"
        logger.warning("recording %s is gone; %s plays the rendered text again", recording, slot)
    if rendered or not active_path.is_file() or (previous and previous.active != "tts"):
        install_copy(sounds.tts(slot), active_path)
    return "tts"


def _updated(manifest: Manifest, job: _Job, entry: RenderEntry) -> SlotEntry:
    previous = manifest.slots.get(job.slot)
    tts = (
        previous.tts
        if entry.action == "skipped" and previous and previous.tts
        else TtsEntry(
            job.hash,
            job.text,
            job.voice,
            entry.seconds,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    recording = previous.recording if previous and entry.active == "recording" else None
    return SlotEntry(job.reason, job.lang, entry.active, tts, recording)
