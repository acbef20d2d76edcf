"""A local, append-only spool of call records for when the database is unavailable.

One JSON object per line, each line a whole record; every append is fsync'd before it
returns, so a record handed to the spool survives a crash or power loss. Lines are only
removed after the database has committed them (`replay`), by an atomic rewrite of the
rest; a crash in between replays them again, which the linked-id idempotency absorbs.

A crash *during* an append can leave a torn last line. `open()` moves it to the rejected
file (it belongs to a batch whose append never returned, so the writer still held those
records) and truncates the spool to its last complete line.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

from callcenter.domain.calls import CallRecord
from callcenter.storage.private_files import make_private_dir, open_private

logger = logging.getLogger(__name__)

SPOOL_FORMAT = 1
_COPY_CHUNK = 1 << 20


class SpoolFormatError(ValueError):
    """A spool line that is not a call record we can read back."""


# --- lossless record <-> JSON --------------------------------------------------------------


def _encode_datetime(value: datetime) -> dict[str, str | None]:
    # The offset alone would keep the instant but lose the zone (and with it DST-aware
    # arithmetic on the decoded value), so a ZoneInfo's key travels along.
    zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
    return {"at": value.isoformat(), "zone": zone}


def _decode_datetime(value: Any) -> datetime:
    if not isinstance(value, dict) or not isinstance(value.get("at"), str):
        raise SpoolFormatError(f"expected {{'at': ..., 'zone': ...}}, got {value!r}")
    parsed = datetime.fromisoformat(value["at"])
    if parsed.tzinfo is None:
        raise SpoolFormatError(f"datetime {value['at']!r} has no offset")
    zone = value.get("zone")
    # astimezone() from the exact offset also restores `fold` in a repeated autumn hour.
    return parsed.astimezone(ZoneInfo(zone)) if zone else parsed


def encode_record(record: CallRecord) -> dict[str, Any]:
    """A JSON-ready dict of every field: enums as their values, datetimes with zone."""
    encoded: dict[str, Any] = {}
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, datetime):
            encoded[field.name] = _encode_datetime(value)
        elif isinstance(value, StrEnum):
            encoded[field.name] = value.value
        else:
            encoded[field.name] = value
    return encoded


@cache
def _field_types() -> dict[str, type]:
    """Each CallRecord field's concrete type (`X | None` -> X), read from its annotations."""
    hints = get_type_hints(CallRecord)
    types_by_field: dict[str, type] = {}
    for field in fields(CallRecord):
        hint = hints[field.name]
        if get_origin(hint) in (Union, types.UnionType):
            hint = next(arg for arg in get_args(hint) if arg is not type(None))
        types_by_field[field.name] = hint
    return types_by_field


def decode_record(encoded: Any) -> CallRecord:
    """The record `encode_record` was given; SpoolFormatError for anything else."""
    if not isinstance(encoded, dict):
        raise SpoolFormatError(f"expected an object, got {type(encoded).__name__}")
    kinds = _field_types()
    unknown = set(encoded) - set(kinds)
    if unknown:
        raise SpoolFormatError(f"unknown fields {sorted(unknown)}")
    values: dict[str, Any] = {}
    try:
        for name, value in encoded.items():
            kind = kinds[name]
            if value is None:
                values[name] = None
            elif kind is datetime:
                values[name] = _decode_datetime(value)
            elif issubclass(kind, StrEnum):
                values[name] = kind(value)
            else:
                values[name] = value
        return CallRecord(**values)
    except SpoolFormatError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise SpoolFormatError(str(exc)) from exc


def record_line(record: CallRecord) -> bytes:
    line = json.dumps(
        {"v": SPOOL_FORMAT, "record": encode_record(record)}, ensure_ascii=False, sort_keys=True
    )
    return line.encode() + b"\n"


def parse_line(line: bytes) -> CallRecord:
    try:
        document = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpoolFormatError(f"not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("v") != SPOOL_FORMAT:
        raise SpoolFormatError(f"not a spool line of format {SPOOL_FORMAT}")
    return decode_record(document.get("record"))


# --- files -------------------------------------------------------------------------------


def _fsync_dir(directory: Path) -> None:
    # A created, renamed or deleted file is durable only once its directory entry is.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append_durably(path: Path, data: bytes) -> None:
    """Append `data` and fsync; on failure, cut the file back so no torn line remains."""
    created = not path.exists()
    with open_private(path, "ab") as handle:
        size = handle.tell()
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.truncate(size)
            raise
    if created:
        _fsync_dir(path.parent)


class RejectedFile:
    """JSON lines of what must not go to the database: refused records, unreadable lines.

    Kept for a human to inspect (and, once fixed, re-import); never read by the service.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add_records(self, refused: Iterable[tuple[CallRecord, str]]) -> None:
        self._add({"reason": reason, "record": encode_record(record)} for record, reason in refused)

    def add_line(self, line: bytes, reason: str) -> None:
        self._add([{"reason": reason, "line": line.decode(errors="replace")}])

    def _add(self, entries: Iterable[dict[str, Any]]) -> None:
        at = datetime.now(UTC).isoformat()
        data = b"".join(
            json.dumps({"rejected_at": at, **entry}, ensure_ascii=False, sort_keys=True).encode()
            + b"\n"
            for entry in entries
        )
        if not data:
            return
        make_private_dir(self.path.parent)
        with self._lock:
            _append_durably(self.path, data)


@dataclass(frozen=True)
class ReplayResult:
    replayed: int  # records handed to the handler and committed by it
    unreadable: int  # lines moved to the rejected file


class Spool:
    """The spool file. Thread-safe: the writer appends and replays from worker threads."""

    def __init__(self, path: Path, rejected: RejectedFile) -> None:
        self.path = path
        self.rejected = rejected
        # Serialises appends with the rewrite after a replay, so no appended line is lost
        # between copying the rest of the file and renaming the copy into place.
        self._lock = threading.Lock()
        self._depth = 0
        self.unreadable = 0  # lines moved to the rejected file since start

    @property
    def depth(self) -> int:
        """Records in the spool, waiting for the database."""
        return self._depth

    def open(self) -> int:
        """Repair a torn last line left by a crash, count the records; returns the count."""
        make_private_dir(self.path.parent)
        with self._lock:
            if not self.path.exists():
                self._depth = 0
                return 0
            depth, end_of_last_line, size = 0, 0, 0
            with self.path.open("rb") as handle:
                for line in handle:
                    size += len(line)
                    if line.endswith(b"\n"):
                        end_of_last_line = size
                        depth += bool(line.strip())
            if end_of_last_line < size:
                with self.path.open("r+b") as handle:
                    handle.seek(end_of_last_line)
                    torn = handle.read()
                    self.rejected.add_line(torn, "torn spool line (interrupted append)")
                    handle.truncate(end_of_last_line)
                    handle.flush()
                    os.fsync(handle.fileno())
                logger.warning(
                    "Spool %s ended in a torn line (%d bytes), moved to %s",
                    self.path,
                    size - end_of_last_line,
                    self.rejected.path,
                )
            self._depth = depth
        if depth:
            logger.info("Spool %s holds %d call records from an earlier run", self.path, depth)
        return depth

    def append(self, records: Iterable[CallRecord]) -> None:
        """Add the records at the end; durable when this returns."""
        lines = [record_line(record) for record in records]
        if not lines:
            return
        with self._lock:
            _append_durably(self.path, b"".join(lines))
            self._depth += len(lines)

    def replay(self, handle: Callable[[list[CallRecord]], None], chunk_size: int) -> ReplayResult:
        """Hand the records to `handle` in file order, `chunk_size` at a time.

        `handle` must commit its chunk before it returns; what it commits is then removed
        from the spool. If it raises, the spool keeps that chunk and everything after it,
        and the exception propagates.
        """
        replayed = unreadable = 0
        committed_to = 0  # byte offset up to which every line is committed or rejected
        try:
            for chunk, chunk_end, bad in self._read_chunks(chunk_size):
                unreadable += bad
                if chunk:
                    handle(chunk)
                    replayed += len(chunk)
                committed_to = chunk_end
        finally:
            if committed_to:
                self._drop_through(committed_to, replayed + unreadable)
        return ReplayResult(replayed, unreadable)

    def _read_chunks(self, chunk_size: int) -> Iterator[tuple[list[CallRecord], int, int]]:
        """(records, byte offset after them, unreadable lines skipped) per chunk."""
        if not self.path.exists():
            return
        chunk: list[CallRecord] = []
        bad = 0
        offset = 0
        with self.path.open("rb") as source:
            for line in source:
                if not line.endswith(b"\n"):
                    break  # an append in progress on another thread: next replay gets it
                offset += len(line)
                if not line.strip():
                    continue
                try:
                    chunk.append(parse_line(line))
                except SpoolFormatError as exc:
                    logger.warning("Unreadable spool line moved to %s: %s", self.rejected.path, exc)
                    self.rejected.add_line(line.rstrip(b"\n"), f"unreadable spool line: {exc}")
                    bad += 1
                    self.unreadable += 1
                if len(chunk) >= chunk_size:
                    yield chunk, offset, bad
                    chunk, bad = [], 0
        if chunk or bad:
            yield chunk, offset, bad

    def _drop_through(self, offset: int, count: int) -> None:
        """Remove the first `offset` bytes (`count` records) by an atomic rewrite."""
        with self._lock:
            temporary = self.path.with_name(self.path.name + ".tmp")
            with self.path.open("rb") as source, open_private(temporary, "wb") as target:
                source.seek(offset)
                while block := source.read(_COPY_CHUNK):
                    target.write(block)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temporary, self.path)
            _fsync_dir(self.path.parent)
            self._depth = max(0, self._depth - count)
