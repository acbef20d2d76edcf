"""Files only the service may read: the database, the spool and the data directory.

They hold caller pseudonyms, call times and (for callbacks) encrypted numbers; another local
account has no business reading them. Modes are set at creation, independent of the umask,
so a file is never readable by others, not even briefly. Existing files and folders keep the
mode an administrator gave them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create `path` and any missing parents; the folders created here get mode 0700."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # created meanwhile by another process: its mode stays
        os.chmod(folder, PRIVATE_DIR_MODE)


def ensure_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists (SQLite then keeps that mode,
    and gives its -wal and -shm files the mode of the database file)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def open_private(path: Path, mode: str) -> IO[bytes]:
    """`open(path, mode)` for binary modes "ab", "wb"; a new file gets mode 0600."""
    flags = {
        "ab": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
        "wb": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    }
    fd = os.open(path, flags[mode], PRIVATE_FILE_MODE)
    return os.fdopen(fd, mode)
