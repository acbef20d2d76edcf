"""Uploaded recordings: validated, converted like the rendered texts, and played instead of them.

Everything that can reject a file is checked before anything is written, so a rejected
upload leaves the sounds directory exactly as it was. The original upload is kept next to
the converted file, so a later change of the audio format can convert it again.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from callcenter.domain.schedule import Reason
from callcenter.prompts.audio_errors import AudioToolError, Problem, RecordingRejected
from callcenter.prompts.audio_files import (
    TeamSounds,
    check_slot,
    install_copy,
    replacing,
    team_lock,
)
from callcenter.prompts.audio_manifest import (
    Active,
    RecordingEntry,
    SlotEntry,
    load_manifest,
    save_manifest,
)
from callcenter.prompts.audio_tools import AudioStats, AudioTools

logger = logging.getLogger(__name__)

# File name extension → sox file type; sox is told the type, so a text file named .wav
# fails as "not a WAV file" instead of sox guessing at its content.
ACCEPTED_TYPES = {
    "wav": "wav",
    "wave": "wav",
    "mp3": "mp3",
    "ogg": "ogg",
    "oga": "ogg",
    "flac": "flac",
}
MIN_SECONDS = 1.0
MAX_SECONDS = 120.0
# 120 s of uncompressed 48 kHz 24-bit stereo is ~35 MB; anything far bigger is no announcement.
MAX_BYTES = 64 * 1024 * 1024
# Silent: no peak above -40 dBFS or an RMS level below -60 dBFS (a quiet room's noise floor).
SILENT_PEAK = 0.01
SILENT_RMS = 0.001


@dataclass(frozen=True)
class InstalledRecording:
    team: str
    reason: Reason
    lang: str
    path: Path  # what the PBX plays now
    original: Path
    seconds: float  # of the upload, before the lead-in pause is added


async def install_recording(
    source_path: Path,
    team: str,
    reason: Reason | str,
    lang: str,
    sounds_dir: Path,
    *,
    source_name: str | None = None,
    uploaded_by: str = "",
    tools: AudioTools | None = None,
) -> InstalledRecording:
    """Validate, convert and activate an upload; `source_name` is the name the admin chose.

    Raises `RecordingRejected` (German + English, naming the file and the problem) and
    leaves the sounds directory untouched if the file is not a usable recording.
    """
    tools = tools or AudioTools()
    sounds = TeamSounds(sounds_dir, team)
    slot = check_slot(reason, lang)
    name = source_name or source_path.name
    extension, sox_type = _accepted_type(name)
    stats = await _validated_stats(source_path, name, sox_type, tools)

    async with team_lock(sounds):
        recording = sounds.recording(slot)
        original = sounds.original(slot, extension)
        with replacing(recording) as converted, replacing(original) as kept:
            await tools.to_pbx_wav(source_path, converted, sox_type)
            shutil.copyfile(source_path, kept)
        for stale in sounds.originals(slot):
            if stale != original:
                stale.unlink()
        install_copy(recording, sounds.active(slot))
        manifest = load_manifest(sounds)
        previous = manifest.slots.get(slot)
        entry = RecordingEntry(
            source_name=name,
            original=original.name,
            seconds=round(stats.seconds, 3),
            sha256=_sha256(original),
            uploaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            uploaded_by=uploaded_by,
        )
        tts = previous.tts if previous else None
        manifest = manifest.with_slot(
            slot, SlotEntry(str(Reason(reason)), lang, "recording", tts, entry)
        )
        save_manifest(sounds, manifest)
    logger.info("installed recording %s for %s/%s (%.1f s)", name, team, slot, stats.seconds)
    return InstalledRecording(
        team, Reason(reason), lang, sounds.active(slot), original, entry.seconds
    )


async def remove_recording(team: str, reason: Reason | str, lang: str, sounds_dir: Path) -> Active:
    """Drop the recording; the rendered text plays again ('none' if it was never rendered)."""
    sounds = TeamSounds(sounds_dir, team)
    slot = check_slot(reason, lang)
    async with team_lock(sounds):
        manifest = load_manifest(sounds)
        previous = manifest.slots.get(slot)
        tts_path = sounds.tts(slot)
        active: Active
        if tts_path.is_file():
            install_copy(tts_path, sounds.active(slot))
            active = "tts"
        else:
            # Better silence than a recording the admin withdrew; the next render fills it.
            sounds.active(slot).unlink(missing_ok=True)
            active = "none"
            logger.warning(
                "%s/%s has no rendered text yet; nothing plays until rendered", team, slot
            )
        sounds.recording(slot).unlink(missing_ok=True)
        for original in sounds.originals(slot):
            original.unlink()
        tts = previous.tts if previous else None
        save_manifest(
            sounds, manifest.with_slot(slot, SlotEntry(str(Reason(reason)), lang, active, tts))
        )
    return active


def _accepted_type(name: str) -> tuple[str, str]:
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in ACCEPTED_TYPES:
        raise RecordingRejected(
            Problem.UNSUPPORTED_TYPE,
            f"„{name}“: Dateityp „.{extension}“ wird nicht angenommen – "
            "bitte WAV, MP3, OGG oder FLAC hochladen.",
            f"'{name}': file type '.{extension}' is not accepted; "
            "please upload WAV, MP3, OGG or FLAC.",
            name,
        )
    return extension, ACCEPTED_TYPES[extension]


async def _validated_stats(source: Path, name: str, sox_type: str, tools: AudioTools) -> AudioStats:
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise RecordingRejected(
            Problem.TOO_LARGE,
            f"„{name}“ ist mit {size / 1e6:.0f} MB zu groß (höchstens {MAX_BYTES / 1e6:.0f} MB).",
            f"'{name}' is too large at {size / 1e6:.0f} MB (at most {MAX_BYTES / 1e6:.0f} MB).",
            name,
        )
    kind = sox_type.upper()
    try:
        stats = await tools.stats(source, sox_type)
    except AudioToolError as exc:
        if exc.exit_code is None:
            raise  # the tool is missing or hung: the installation's problem, not the file's
        # sox names the server's temporary file: its words go to the log, not to the user.
        logger.warning("upload %r (%s) rejected by sox: %s", name, source, exc.stderr)
        raise RecordingRejected(
            Problem.NOT_AUDIO,
            f"„{name}“ ist keine lesbare {kind}-Audiodatei (beschädigt oder in einem anderen "
            "Format gespeichert).",
            f"'{name}' is not a readable {kind} audio file (damaged or saved in another format).",
            name,
        ) from None
    if size == 0 or stats.seconds <= 0:
        raise RecordingRejected(
            Problem.NOT_AUDIO,
            f"„{name}“ enthält keine Audiodaten.",
            f"'{name}' contains no audio data.",
            name,
        )
    if stats.seconds < MIN_SECONDS:
        raise RecordingRejected(
            Problem.TOO_SHORT,
            f"„{name}“ ist mit {_de(stats.seconds)} s zu kurz (mindestens {MIN_SECONDS:g} s).",
            f"'{name}' is too short at {stats.seconds:.1f} s (at least {MIN_SECONDS:g} s).",
            name,
        )
    if stats.seconds > MAX_SECONDS:
        raise RecordingRejected(
            Problem.TOO_LONG,
            f"„{name}“ ist mit {stats.seconds:.0f} s zu lang (höchstens {MAX_SECONDS:g} s).",
            f"'{name}' is too long at {stats.seconds:.0f} s (at most {MAX_SECONDS:g} s).",
            name,
        )
    if stats.peak < SILENT_PEAK or stats.rms < SILENT_RMS:
        raise RecordingRejected(
            Problem.SILENT,
            f"„{name}“ ist still oder fast still – es ist keine Ansage zu hören.",
            f"'{name}' is silent or nearly silent; no announcement can be heard.",
            name,
        )
    return stats


def _de(seconds: float) -> str:
    """German decimal comma: '0,2'."""
    return f"{seconds:.1f}".replace(".", ",")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
