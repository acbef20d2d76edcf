"""Where the announcement files live in the sounds directory, and how they are replaced.

    <sounds>/callhours/<team>/closed-<reason>-<lang>.wav        what the PBX plays (active)
    <sounds>/callhours/<team>/tts/closed-<reason>-<lang>.wav    the rendered text, always kept
    <sounds>/callhours/<team>/recordings/closed-…-<lang>.wav    an uploaded recording, converted
    <sounds>/callhours/<team>/recordings/closed-…-<lang>.original.<ext>   … as uploaded
    <sounds>/callhours/<team>/manifest.json                     hashes and which one is active

The dialplan plays `callhours/${team}/closed-${reason}-<lang>`, so only the top-level files
are ever heard. Every file is replaced by writing a temporary file next to it and renaming
it over the old one: the PBX opens either the old file or the new one, never half of one.
Only `.wav` is written: a second format (`.sln`) of the same prompt would be one more file
to keep in step, and Asterisk might pick a stale one.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

from callcenter.domain.schedule import Reason
from callcenter.prompts.audio_errors import UnknownPromptSlot

_TEAM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")  # as config.TeamId
_LANG = re.compile(r"^[a-z]{2,3}$")
_LOCK_POLL_SECONDS = 0.05
_LOCK_TIMEOUT_SECONDS = 120.0
TEMP_MARK = ".tmp-"


def slot_name(reason: Reason | str, lang: str) -> str:
    """The sound's name without extension, as the dialplan asks for it."""
    return f"closed-{Reason(reason)}-{lang}"


@dataclass(frozen=True)
class TeamSounds:
    """The paths of one team's announcements."""

    sounds_dir: Path
    team: str

    def __post_init__(self) -> None:
        if not _TEAM_ID.match(self.team):
            raise UnknownPromptSlot(
                f"„{self.team}“ ist keine gültige Team-ID (a–z, 0–9, - und _)",
                f"'{self.team}' is not a valid team id (a-z, 0-9, - and _)",
                self.team,
            )

    @property
    def directory(self) -> Path:
        return self.sounds_dir / "callhours" / self.team

    @property
    def manifest(self) -> Path:
        return self.directory / "manifest.json"

    def active(self, slot: str) -> Path:
        return self.directory / f"{slot}.wav"

    def tts(self, slot: str) -> Path:
        return self.directory / "tts" / f"{slot}.wav"

    def recording(self, slot: str) -> Path:
        return self.directory / "recordings" / f"{slot}.wav"

    def original(self, slot: str, extension: str) -> Path:
        return self.directory / "recordings" / f"{slot}.original.{extension}"

    def originals(self, slot: str) -> list[Path]:
        return sorted((self.directory / "recordings").glob(f"{slot}.original.*"))


def check_slot(reason: Reason | str, lang: str) -> str:
    """`slot_name` for untrusted input: rejects what could leave the team's folder."""
    try:
        valid_reason = Reason(reason)
    except ValueError:
        raise UnknownPromptSlot(
            f"unbekannter Ansagegrund „{reason}“ (erlaubt: hours, holiday, closure)",
            f"unknown announcement reason '{reason}' (allowed: hours, holiday, closure)",
            str(reason),
        ) from None
    if not _LANG.match(lang):
        raise UnknownPromptSlot(
            f"„{lang}“ ist kein Sprachcode wie de oder en",
            f"'{lang}' is not a language code like de or en",
            lang,
        )
    return slot_name(valid_reason, lang)


def temp_path(final: Path) -> Path:
    """A fresh hidden name next to `final` (same filesystem, so the rename is atomic)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return final.with_name(f".{final.name}{TEMP_MARK}{secrets.token_hex(4)}")


@contextlib.contextmanager
def replacing(final: Path) -> Iterator[Path]:
    """Yields a temporary path to write; renames it to `final` on success, removes it on error."""
    temp = temp_path(final)
    try:
        yield temp
        _fsync(temp)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


def install_copy(source: Path, final: Path) -> None:
    """Copy atomically: the PBX sees the old file or the complete new one."""
    with replacing(final) as temp:
        shutil.copyfile(source, temp)


def write_text_atomically(final: Path, text: str) -> None:
    with replacing(final) as temp:
        temp.write_text(text, encoding="utf-8")


def _fsync(path: Path) -> None:
    # Without it a power cut after the rename can leave an empty file under the final name.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.asynccontextmanager
async def team_lock(sounds: TeamSounds) -> AsyncIterator[None]:
    """One writer per team: a render job, an upload and a CLI run must not interleave.

    An flock on a file conflicts across processes and between two opens in one process,
    so it covers both; it is polled rather than blocked on, to keep the event loop free.
    """
    sounds.directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(sounds.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= _LOCK_TIMEOUT_SECONDS:
                    raise TimeoutError(
                        f"Ansagen von {sounds.team} sind seit {waited:.0f} s gesperrt / "
                        f"announcements of {sounds.team} locked for {waited:.0f} s"
                    ) from None
                await asyncio.sleep(_LOCK_POLL_SECONDS)
                waited += _LOCK_POLL_SECONDS
        yield
    finally:
        os.close(fd)  # closing releases the lock
