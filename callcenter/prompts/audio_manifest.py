"""The per-team manifest: what each announcement was rendered from and which source is active.

A JSON file next to the sounds (not in the database) so that it always describes the files
beside it, also after a restore or a copy to another PBX. The renderer compares content
hashes with it to skip unchanged texts; the admin page reads `active` from it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from callcenter.prompts.audio_files import TeamSounds, write_text_atomically

logger = logging.getLogger(__name__)

Active = Literal["tts", "recording", "none"]
MANIFEST_VERSION = 1


def content_hash(parts: dict[str, object]) -> str:
    """A stable hash of what makes a rendered file what it is (text, voice, format)."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TtsEntry:
    hash: str
    text: str
    voice: str
    seconds: float
    rendered_at: str


@dataclass(frozen=True)
class RecordingEntry:
    source_name: str
    original: str  # file name inside recordings/
    seconds: float
    sha256: str
    uploaded_at: str
    uploaded_by: str = ""


@dataclass(frozen=True)
class SlotEntry:
    """One announcement (reason × language) of a team."""

    reason: str
    lang: str
    active: Active = "none"
    tts: TtsEntry | None = None
    recording: RecordingEntry | None = None


@dataclass(frozen=True)
class Manifest:
    team: str
    slots: dict[str, SlotEntry] = field(default_factory=dict)

    def with_slot(self, slot: str, entry: SlotEntry) -> Manifest:
        return replace(self, slots={**self.slots, slot: entry})

    def without_slot(self, slot: str) -> Manifest:
        return replace(self, slots={k: v for k, v in self.slots.items() if k != slot})


def load_manifest(sounds: TeamSounds) -> Manifest:
    """The team's manifest; an empty one if missing or unreadable (everything re-renders)."""
    try:
        data = json.loads(sounds.manifest.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(f"manifest version {data.get('version')!r}")
        return Manifest(sounds.team, {k: _slot(v) for k, v in data["slots"].items()})
    except FileNotFoundError:
        return Manifest(sounds.team)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # Losing the manifest costs one full re-render; refusing to render would cost more.
        logger.warning("ignoring unreadable manifest %s: %s", sounds.manifest, exc)
        return Manifest(sounds.team)


def save_manifest(sounds: TeamSounds, manifest: Manifest) -> None:
    data = {
        "version": MANIFEST_VERSION,
        "team": manifest.team,
        "slots": {slot: asdict(manifest.slots[slot]) for slot in sorted(manifest.slots)},
    }
    write_text_atomically(sounds.manifest, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def active_sources(sounds: TeamSounds) -> dict[str, Active]:
    """Which source each announcement plays, by slot name ('closed-hours-de'): for the admin."""
    return {slot: entry.active for slot, entry in load_manifest(sounds).slots.items()}


def _slot(data: dict[str, Any]) -> SlotEntry:
    tts = data.get("tts")
    recording = data.get("recording")
    active = data.get("active", "none")
    if active not in ("tts", "recording", "none"):
        raise ValueError(f"unknown active source {active!r}")
    return SlotEntry(
        reason=data["reason"],
        lang=data["lang"],
        active=active,
        tts=TtsEntry(**tts) if tts else None,
        recording=RecordingEntry(**recording) if recording else None,
    )
