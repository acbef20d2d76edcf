"""AMI wire format: an incremental frame parser and the action encoder.

The parser takes bytes as they come off the socket and returns whole messages.
Frames end with an empty line (`\\r\\n\\r\\n`). Bytes are decoded only once a frame
is complete: a UTF-8 character split across two reads ("José") must survive, and
since `\\r`/`\\n` never occur inside a multi-byte UTF-8 sequence, decoding all
complete frames of a read in one call is the same as decoding them one by one.

A malformed frame (line without colon, bad header name, giant line, binary garbage,
a frame over the size limit, a frame that is neither event nor response) is counted,
logged and skipped; parsing resumes at the next frame boundary, so one bad frame never
costs the connection.

Speed: an event whose header layout was seen before is parsed by one regex match
(`layouts.py`); `Timestamp:` is converted only when read (`AmiEvent.timestamp`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType

from callcenter.pbx.ami.layouts import LayoutCache
from callcenter.pbx.ami.messages import (
    _LAZY,
    EMPTY_MULTI,
    AmiBanner,
    AmiEvent,
    AmiMessage,
    AmiResponse,
    _set_headers,
    _set_multi,
    _set_name,
    _set_timestamp,
    epoch_or_none,
    new_object,
)

logger = logging.getLogger(__name__)

_SEP = b"\r\n\r\n"
_TEXT_SEP = "\r\n\r\n"
# Header names Asterisk uses are ASCII words (`Cause-txt`, `CID-CallingPres`); anything with
# spaces, control bytes or replacement characters is garbage, not a header.
_KEY_RE = re.compile(r"[!-9;-~]+")
_KNOWN_KEYS_LIMIT = 4096  # validated names are cached; cap it so garbage cannot grow it
_MAX_BANNER = 1024
_DETAILED_REPORTS = 10  # then one summary line per _REPORT_EVERY reports, to not flood the log
_REPORT_EVERY = 1000
# Asterisk < 14 answered Command with `Response: Follows`, raw CLI text and this trailer.
_END_COMMAND = "--END COMMAND--"
_FOLLOWS_HEADERS = frozenset({"Response", "Privilege", "ActionID", "Message"})

DEFAULT_MAX_FRAME_SIZE = 1 << 20  # a big `Command` output (dialplan show) is one frame
DEFAULT_MAX_LINE_SIZE = 1 << 16


@dataclass
class ParserStats:
    """Counters for monitoring; `malformed` includes `oversize`."""

    messages: int = 0
    malformed: int = 0
    oversize: int = 0
    last_problem: str = ""


class FrameParser:
    """Feed bytes, get whole AMI messages (banner, events, responses), in wire order."""

    def __init__(
        self,
        *,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        max_line_size: int = DEFAULT_MAX_LINE_SIZE,
        expect_banner: bool = True,
    ) -> None:
        if max_frame_size < 16 or max_line_size < 16:
            raise ValueError("AMI size limits must be at least 16 bytes")
        self.max_frame_size = max_frame_size
        self.max_line_size = max_line_size
        self.stats = ParserStats()
        self._buf = b""
        self._banner_pending = expect_banner
        self._skipping = False  # inside an oversize frame: drop bytes until its end
        self._known_keys: set[str] = set()
        self._layouts = LayoutCache()
        # After each feed: True if it returned only events without an ActionID, so that
        # the connection can hand them on without looking at each one.
        self.plain = True

    def feed(self, data: bytes) -> list[AmiMessage]:
        """Consume one read's bytes; return every message completed by them."""
        out: list[AmiMessage] = []
        if self._banner_pending:
            data = self._take_banner(data, out)
        if self._skipping:
            data = self._skip(data)
        self.plain = not out
        if not data:
            return out
        old = self._buf
        buf = old + data if old else data
        # Only the new bytes (plus a separator's worth of overlap) can hold a new boundary.
        end = buf.rfind(_SEP, max(0, len(old) - 3))
        if end < 0:
            self._buf = buf
            if len(buf) > self.max_frame_size:
                self._start_skipping(buf)
            return out
        rest = buf[end + 4 :]
        self._buf = rest
        plain = not out
        if end <= self.max_frame_size:
            texts = buf[:end].decode("utf-8", "replace").split(_TEXT_SEP)
        else:
            texts = self._split_checked(buf[:end])
        # The event fast paths are inlined: at ~200k frames/s every call per frame shows.
        # First a learned layout (see layouts.py); else split the lines, and if the result
        # is a plain event (every line "Name: value", names validated before and unique,
        # no giant line) take it and learn its layout. Frames neither path is sure about
        # (a line without ": ", a new or repeated name, a long frame, responses) go to
        # `_parse`, which decides carefully.
        known = self._known_keys
        max_line = self.max_line_size
        parse = self._parse
        layouts = self._layouts.by_event
        learn = self._layouts.learn
        append = out.append
        split = str.split
        colon = repeat(": ")
        once = repeat(1)
        new, set_name, set_headers = new_object, _set_name, _set_headers
        set_timestamp, set_multi, lazy, no_multi = _set_timestamp, _set_multi, _LAZY, EMPTY_MULTI
        for text in texts:
            name = None
            if text.startswith("Event: ") and len(text) <= max_line:
                cut = text.find("\r\n")
                name = text[7:cut] if cut >= 0 else text[7:]
                candidates = layouts.get(name)
                if candidates is not None:
                    for layout in candidates:
                        found = layout.match(text)
                        if found is not None:
                            event = new(AmiEvent)
                            set_name(event, name)
                            headers = (
                                found.groupdict()
                                if layout.named
                                else dict(zip(layout.names, found.groups(), strict=True))
                            )
                            set_headers(event, MappingProxyType(headers))
                            set_timestamp(event, lazy)
                            set_multi(event, no_multi)
                            append(event)
                            if layout.has_action_id:
                                plain = False  # may belong to one of our actions (a list item)
                            break
                    else:
                        found = None
                    if found is not None:
                        continue
            lines = text.split("\r\n")
            try:
                # map over str.split runs the per-line loop in C.
                headers = dict(map(split, lines, colon, once))
            except ValueError:
                message = parse(text, lines, None)
                if message is not None:
                    append(message)
                    plain = False
                continue
            if name is None or len(headers) != len(lines) or not known.issuperset(headers):
                message = parse(text, lines, headers)
                if message is not None:
                    append(message)
                    plain = False
                continue
            learn(name, headers)
            if "ActionID" in headers:
                plain = False  # may belong to one of our actions (an EventList item)
            # `new_event`, inlined; `Timestamp:` is converted only if someone reads it.
            event = new(AmiEvent)
            set_name(event, name)
            set_headers(event, MappingProxyType(headers))
            set_timestamp(event, lazy)
            set_multi(event, no_multi)
            append(event)
        self.stats.messages += len(out)
        self.plain = plain
        if len(rest) > self.max_frame_size:
            self._start_skipping(rest)
        return out

    # -- banner and oversize handling -------------------------------------------------

    def _take_banner(self, data: bytes, out: list[AmiMessage]) -> bytes:
        buf = self._buf + data
        end = buf.find(b"\r\n")
        if end < 0 and len(buf) <= _MAX_BANNER:
            self._buf = buf
            return b""
        self._banner_pending = False
        self._buf = b""
        if end < 0 or end > _MAX_BANNER:
            # Not an AMI server; the client rejects the banner, we only stay bounded.
            out.append(AmiBanner(buf[:_MAX_BANNER].decode("utf-8", "replace")))
            return b""
        out.append(AmiBanner(buf[:end].decode("utf-8", "replace")))
        return buf[end + 2 :]

    def _start_skipping(self, pending: bytes) -> None:
        self._report(f"frame larger than {self.max_frame_size} bytes", pending, oversize=True)
        # Keep a separator's worth of tail: the boundary may straddle this read and the next.
        self._buf = pending[-3:]
        self._skipping = True

    def _skip(self, data: bytes) -> bytes:
        buf = self._buf + data
        end = buf.find(_SEP)
        if end < 0:
            self._buf = buf[-3:]
            return b""
        self._skipping = False
        self._buf = b""
        return buf[end + 4 :]

    def _split_checked(self, region: bytes) -> list[str]:
        texts = []
        for raw in region.split(_SEP):
            if len(raw) > self.max_frame_size:
                self._report(f"frame larger than {self.max_frame_size} bytes", raw, oversize=True)
            else:
                texts.append(raw.decode("utf-8", "replace"))
        return texts

    # -- one frame ------------------------------------------------------------------

    def _parse(
        self, text: str, lines: list[str], headers: dict[str, str] | None
    ) -> AmiMessage | None:
        """Responses and every frame the event fast path in `feed` was unsure about."""
        if (
            headers is None
            or len(headers) != len(lines)
            or not self._known_keys.issuperset(headers)
            or len(text) > self.max_line_size
        ):
            return self._parse_slow(text, lines)
        return self._build(headers, EMPTY_MULTI, text, checked=False)

    def _build(
        self,
        headers: dict[str, str],
        multi: Mapping[str, tuple[str, ...]],
        text: str,
        *,
        checked: bool = True,
    ) -> AmiMessage | None:
        stamp = headers.get("Timestamp")
        timestamp = epoch_or_none(stamp) if stamp is not None else None
        name = headers.get("Event")
        if name is not None:
            return AmiEvent(name, MappingProxyType(headers), timestamp, multi)
        status = headers.get("Response")
        if status is not None:
            if status == "Follows" and not checked:
                return self._parse_slow(text, text.split("\r\n"))
            return AmiResponse(status, MappingProxyType(headers), timestamp, multi)
        self._report("frame is neither an event nor a response", text)
        return None

    def _parse_slow(self, text: str, lines: list[str]) -> AmiMessage | None:
        start = 0
        while start < len(lines) and not lines[start]:
            start += 1  # stray CRLFs between frames are harmless
        if start == len(lines):
            return None
        if lines[start] == "Response: Follows":
            return self._parse_follows(text, lines[start:])
        headers: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        for line in lines[start:]:
            problem = self._add_header(line, headers, multi)
            if problem:
                self._report(problem, text)
                return None
        return self._build(headers, _freeze_multi(multi), text)

    def _add_header(
        self, line: str, headers: dict[str, str], multi: dict[str, list[str]]
    ) -> str | None:
        """Parse one `Key: value` line into the dicts; return a problem, or None."""
        if len(line) > self.max_line_size:
            return f"line of {len(line)} characters (limit {self.max_line_size})"
        key, sep, value = line.partition(":")
        if not sep:
            return "line without colon"
        if key not in self._known_keys:
            if not _KEY_RE.fullmatch(key):
                return "invalid header name"
            if len(self._known_keys) < _KNOWN_KEYS_LIMIT:
                self._known_keys.add(key)
        if value[:1] == " ":
            value = value[1:]
        if key in headers:
            multi.setdefault(key, [headers[key]]).append(value)
        else:
            headers[key] = value
        return None

    def _parse_follows(self, text: str, lines: list[str]) -> AmiMessage | None:
        headers: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        body_start = len(lines)
        for index, line in enumerate(lines):
            key, sep, _ = line.partition(": ")
            if not sep or key not in _FOLLOWS_HEADERS:
                body_start = index
                break
            problem = self._add_header(line, headers, multi)
            if problem:
                self._report(problem, text)
                return None
        body = "\n".join(lines[body_start:])
        if len(body) > self.max_frame_size:
            self._report("command output over the frame limit", text)
            return None
        body = body.removesuffix(_END_COMMAND).rstrip("\r\n")
        output = [line.rstrip("\r") for line in body.split("\n")] if body else []
        if output:
            headers.setdefault("Output", output[0])
            multi["Output"] = output
        return self._build(headers, _freeze_multi(multi), text)

    def _report(self, problem: str, frame: str | bytes, *, oversize: bool = False) -> None:
        stats = self.stats
        stats.malformed += 1
        if oversize:
            stats.oversize += 1
        stats.last_problem = problem
        if stats.malformed <= _DETAILED_REPORTS:
            logger.warning("Skipping malformed AMI frame (%s): %.80r", problem, frame)
        elif stats.malformed % _REPORT_EVERY == 0:
            logger.warning(
                "%d malformed AMI frames skipped on this connection so far (latest: %s)",
                stats.malformed,
                problem,
            )


def _freeze_multi(multi: dict[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
    if not multi:
        return EMPTY_MULTI
    return MappingProxyType({key: tuple(values) for key, values in multi.items()})


FieldValue = str | int | Sequence[str]


def encode_action(action: str, action_id: str, fields: Mapping[str, FieldValue] | None) -> bytes:
    """Serialise an action; a sequence value repeats the header (e.g. Originate `Variable`).

    Refuses CR/LF in names and values: a DBPut value taken from a web form must not be
    able to smuggle a second action onto the wire.
    """
    parts = [f"Action: {_checked(action)}\r\nActionID: {_checked(action_id)}\r\n"]
    for key, value in (fields or {}).items():
        if not _KEY_RE.fullmatch(key) or key in ("Action", "ActionID"):
            raise ValueError(f"invalid AMI header name {key!r}")
        values = (value,) if isinstance(value, str | int) else value
        for item in values:
            parts.append(f"{key}: {_checked(str(item))}\r\n")
    parts.append("\r\n")
    return "".join(parts).encode("utf-8")


def _checked(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"AMI header value must not contain CR or LF: {value!r}")
    return value
