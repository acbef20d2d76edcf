"""Short forms and wait sentences (issue 20): what the no-key menu path and the queue say.

`callhours/<team>/closed-<reason>-short-<lang>.wav`: the template's `[summaries]` (situation,
next opening, web address), played by the language menu's `t` path in each default
language one after another, so that menu + wait + summaries stay under 45 s while the full
announcement (with the hours) plays for a chosen language. Re-rendered only when the text,
voice or format changed (the hash sits next to the file, `.hash`), like the announcements.

`callhours/wait-<minutes>-<lang>.wav`: "Die geschätzte Wartezeit beträgt etwa N Minuten",
one file per minute value the service writes to AstDB (`domain.queue_wait.WAIT_BUCKETS`).
Whole sentences rather than SayNumber: each language in its own voice, no dependence on the
PBX's installed number sounds. The sentences are in code like the menu's: they name a
number the office does not choose.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import Path

from callcenter.domain.queue_wait import WAIT_BUCKETS
from callcenter.domain.schedule import Office, Reason
from callcenter.prompts.audio_files import replacing
from callcenter.prompts.audio_manifest import content_hash
from callcenter.prompts.audio_tools import FORMAT_VERSION, AudioTools
from callcenter.prompts.render import DEFAULT_VOICES, voice_for
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.text import Contact, summary_text

# {minutes} is a number; `one` is the sentence for a single minute, `most` for the last
# bucket ("or more").
WAIT_SENTENCES: Mapping[str, Mapping[str, str]] = {
    "de": {
        "one": "Die geschätzte Wartezeit beträgt etwa eine Minute.",
        "many": "Die geschätzte Wartezeit beträgt etwa {minutes} Minuten.",
        "most": "Die geschätzte Wartezeit beträgt {minutes} Minuten oder mehr.",
    },
    "en": {
        "one": "The estimated wait is about one minute.",
        "many": "The estimated wait is about {minutes} minutes.",
        "most": "The estimated wait is {minutes} minutes or more.",
    },
    "tr": {
        "one": "Tahmini bekleme süresi yaklaşık bir dakika.",
        "many": "Tahmini bekleme süresi yaklaşık {minutes} dakika.",
        "most": "Tahmini bekleme süresi {minutes} dakika veya daha fazla.",
    },
    "ar": {
        "one": "وقت الانتظار المتوقع حوالي دقيقة واحدة.",
        "many": "وقت الانتظار المتوقع حوالي {minutes} دقيقة.",
        "most": "وقت الانتظار المتوقع {minutes} دقيقة أو أكثر.",
    },
    "ru": {
        "one": "Примерное время ожидания — около одной минуты.",
        "many": "Примерное время ожидания — около {minutes} минут.",
        "most": "Примерное время ожидания — {minutes} минут или больше.",
    },
    "uk": {
        "one": "Орієнтовний час очікування — близько однієї хвилини.",
        "many": "Орієнтовний час очікування — близько {minutes} хвилин.",
        "most": "Орієнтовний час очікування — {minutes} хвилин або більше.",
    },
}


def summary_file(sounds_dir: Path, team: str, reason: Reason, lang: str) -> Path:
    return sounds_dir / "callhours" / team / f"closed-{reason}-short-{lang}.wav"


def wait_file(sounds_dir: Path, minutes: int, lang: str) -> Path:
    return sounds_dir / "callhours" / f"wait-{minutes}-{lang}.wav"


def wait_text(lang: str, minutes: int) -> str:
    """The sentence for `minutes` (a bucket) in `lang` (one of WAIT_SENTENCES)."""
    sentences = WAIT_SENTENCES[lang]
    kind = "one" if minutes == 1 else "most" if minutes == WAIT_BUCKETS[-1] else "many"
    return sentences[kind].format(minutes=minutes)


async def _render_if_changed(
    text: str, voice: str, target: Path, tools: AudioTools, scratch: Path
) -> bool:
    digest = content_hash(
        {"text": text, "voice": voice, "format": FORMAT_VERSION, "wpm": tools.words_per_minute}
    )
    stamp = target.with_suffix(".hash")
    if target.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = scratch / f"{target.stem}.raw.wav"
    await tools.speak(text, voice, raw)
    with replacing(target) as temp:
        await tools.to_pbx_wav(raw, temp)
    stamp.write_text(digest, encoding="utf-8")
    return True


async def render_summaries(
    office: Office,
    templates: Mapping[str, PromptTemplate],
    contact: Contact,
    now: datetime,
    sounds_dir: Path,
    languages: Collection[str],
    team: str | None = None,
    *,
    speak_reason: bool = True,
    tools: AudioTools | None = None,
) -> dict[tuple[str, Reason, str], Path]:
    """Every team's (or one team's) summaries in `languages`; (team, reason, lang) -> file."""
    tools = tools or AudioTools()
    out: dict[tuple[str, Reason, str], Path] = {}
    team_ids = (team,) if team is not None else office.team_ids
    # Every text first: a template problem surfaces before any file is touched.
    texts = {
        (team_id, reason, lang): summary_text(
            office.schedule_for(team_id), reason, templates[lang], now, contact, speak_reason
        )
        for team_id in team_ids
        for reason in Reason
        for lang in languages
    }
    with tempfile.TemporaryDirectory(prefix="callcenter-summary-") as work:
        for (team_id, reason, lang), text in texts.items():
            target = summary_file(sounds_dir, team_id, reason, lang)
            await _render_if_changed(text, voice_for(templates[lang]), target, tools, Path(work))
            out[(team_id, reason, lang)] = target
    return out


async def render_wait_prompts(
    sounds_dir: Path,
    languages: Collection[str],
    templates: Mapping[str, PromptTemplate],
    tools: AudioTools | None = None,
) -> dict[tuple[int, str], Path]:
    """One sentence per minute bucket and language; (minutes, lang) -> file."""
    tools = tools or AudioTools()
    out: dict[tuple[int, str], Path] = {}
    with tempfile.TemporaryDirectory(prefix="callcenter-wait-") as work:
        for lang in languages:
            # A language without wait sentences says the English one, in the English voice.
            spoken = lang if lang in WAIT_SENTENCES else "en"
            template = templates.get(spoken)
            voice = voice_for(template) if template else DEFAULT_VOICES.get(spoken, spoken)
            for minutes in WAIT_BUCKETS:
                target = wait_file(sounds_dir, minutes, lang)
                text = wait_text(spoken, minutes)
                await _render_if_changed(text, voice, target, tools, Path(work))
                out[(minutes, lang)] = target
    return out
