"""The pseudonym key file: created once, owner-only; refused when others can read it.

The key turns caller numbers into pseudonyms (`callcenter.domain.pseudonym`). Whoever holds
it can test a guessed number against the stored pseudonyms, so it must stay as private as
the numbers themselves; losing it only means new pseudonyms no longer match old ones.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from callcenter.domain.errors import CallcenterError
from callcenter.domain.pseudonym import MIN_KEY_BYTES

logger = logging.getLogger(__name__)

KEY_BYTES = 32


class KeyFileError(CallcenterError):
    """The key file is unusable; `str()` is the German message, `.en` the English one."""

    kind = "unavailable"
    code = "key_file"


def load_or_create_key(path: Path) -> bytes:
    """The key from `path`; on first start a new random key, written with mode 0600."""
    if not os.path.lexists(path):
        try:
            return _create(path)
        except FileExistsError:
            pass  # another process started first: use its key
    return _load(path)


def _create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The key is written to a private temporary file and then hard-linked into place:
    # the link fails if a key exists (two first starts at once: one wins, the other loads
    # the winner's key), and nobody can ever read a half-written key. The mode is set at
    # creation, so the key is never readable by others, not even briefly.
    staging = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        os.link(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    logger.info("Created a new pseudonym key in %s", path)
    return key


def _load(path: Path) -> bytes:
    try:
        info = path.stat()
    except OSError as exc:
        raise KeyFileError(
            f"Pseudonym-Schlüssel {path} ist nicht lesbar: {exc.strerror}",
            f"pseudonym key {path} cannot be read: {exc.strerror}",
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(
            f"Pseudonym-Schlüssel {path} ist keine normale Datei",
            f"pseudonym key {path} is not a regular file",
        )
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        mode = stat.S_IMODE(info.st_mode)
        raise KeyFileError(
            f"Pseudonym-Schlüssel {path} ist für andere zugänglich (Rechte {mode:04o}); "
            f"bitte mit „chmod 600 {path}“ einschränken",
            f"pseudonym key {path} is accessible to others (mode {mode:04o}); "
            f"restrict it with 'chmod 600 {path}'",
        )
    key = path.read_bytes()
    if len(key) < MIN_KEY_BYTES:
        raise KeyFileError(
            f"Pseudonym-Schlüssel {path} ist zu kurz ({len(key)} Bytes, mindestens "
            f"{MIN_KEY_BYTES}); die Datei scheint beschädigt",
            f"pseudonym key {path} is too short ({len(key)} bytes, at least {MIN_KEY_BYTES}); "
            "the file looks damaged",
        )
    return key
