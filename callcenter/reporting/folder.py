"""A folder's files made in memory and written in one go: the site of `callcenter report`.

The CLI writes them itself, or, when the running service made the report, from the
service's reply: the service may not write into the caller's folder (another user, its
own /tmp), so it sends the files and the caller's CLI writes them.

Standard library only (and the domain's error base): the launcher writes a served report
before click, SQLAlchemy or pydantic would load.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from callcenter.domain.errors import CallcenterError


class FolderError(CallcenterError):
    """The folder or a file in it cannot be written (message in German and English)."""

    kind = "unavailable"


class FolderFiles(NamedTuple):
    """What goes into the folder; every name is a relative POSIX path inside it."""

    files: tuple[tuple[str, bytes], ...]
    # Large files of the installation (plotly.js, 4.8 MB) copied in, only when the copy
    # there differs in size: (name, absolute source path).
    copies: tuple[tuple[str, str], ...] = ()
    # Name patterns of pages made for a set that can shrink (one per team): in each folder
    # written to, a matching file not written now is left over from an earlier run and goes.
    stale: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {name for name, _ in self.files} | {name for name, _ in self.copies}

    def adding(self, extra: Mapping[str, bytes]) -> FolderFiles:
        return self._replace(files=self.files + tuple(extra.items()))

    def write_into(self, out: Path) -> list[Path]:
        """Write everything into `out` (created if missing); the files written, in order."""
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FolderError(
                f"{out}: Verzeichnis kann nicht angelegt werden ({exc.strerror or exc})",
                f"{out}: cannot create the directory ({exc.strerror or exc})",
            ) from exc
        written: list[Path] = []
        try:
            self._remove_stale(out)
            for name, source in self.copies:
                target = out / safe_name(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists() or target.stat().st_size != os.stat(source).st_size:
                    shutil.copyfile(source, target)
            for name, content in self.files:
                target = out / safe_name(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                written.append(target)
        except OSError as exc:
            where = exc.filename or out
            raise FolderError(
                f"{where}: kann nicht geschrieben werden ({exc.strerror or exc})",
                f"{where}: cannot be written ({exc.strerror or exc})",
            ) from exc
        return written

    def _remove_stale(self, out: Path) -> None:
        if not self.stale:
            return
        current = {out / safe_name(name) for name in self.names()}
        for folder in {path.parent for path in current}:
            if not folder.is_dir():
                continue
            for pattern in self.stale:
                for path in folder.glob(pattern):
                    if path not in current and path.is_file():
                        path.unlink()

    def to_json(self) -> dict[str, object]:
        return {
            "files": [[name, base64.b64encode(content).decode()] for name, content in self.files],
            "copies": [list(copy) for copy in self.copies],
            "stale": list(self.stale),
        }

    @classmethod
    def from_json(cls, data: object) -> FolderFiles:
        """ValueError if `data` is not what to_json made, or names a file outside the folder
        or a copy source that is no absolute path."""
        if not isinstance(data, dict):
            raise ValueError("folder is not an object")
        files = tuple(
            (safe_name(name), base64.b64decode(content, validate=True))
            for name, content in _pairs(data.get("files"))
        )
        copies = tuple(
            (safe_name(name), _absolute(source)) for name, source in _pairs(data.get("copies"))
        )
        stale = data.get("stale", [])
        if not isinstance(stale, list) or not all(_is_pattern(item) for item in stale):
            raise ValueError("folder with stale patterns that are no file names")
        return cls(files, copies, tuple(stale))


def safe_name(name: str) -> str:
    """`name` if it is a relative path that stays inside the folder, else ValueError."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or "\\" in name or "\0" in name:
        raise ValueError(f"not a relative file name: {name!r}")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise ValueError(f"file name leaves the folder: {name!r}")
    return name


def _pairs(value: object) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("folder entries are not a list")
    pairs = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(part, str) for part in item)
        ):
            raise ValueError("folder entry is not a pair of strings")
        pairs.append((item[0], item[1]))
    return pairs


def _absolute(source: str) -> str:
    if not os.path.isabs(source) or "\0" in source:
        raise ValueError(f"copy source is no absolute path: {source!r}")
    return source


def _is_pattern(item: object) -> bool:
    # Only "team-*.html" and its kind: a pattern such as "*" would empty a user's folder.
    return isinstance(item, str) and re.fullmatch(r"[a-z0-9_-]+\*\.html", item) is not None
