"""Our own AMI message types: what the parser yields and what the client returns.

Nothing outside `pbx/` should see raw AMI text; these frozen types are the
boundary. Header values are kept exactly as Asterisk sent them (minus the single
space after the colon), so an event can always be compared with the recorded trace.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import FrozenInstanceError, dataclass, field
from types import MappingProxyType
from typing import Any

EMPTY_MULTI: Mapping[str, tuple[str, ...]] = MappingProxyType({})

BANNER_PREFIX = "Asterisk Call Manager/"


def _no_multi() -> Mapping[str, tuple[str, ...]]:
    return EMPTY_MULTI


class _HeaderAccess:
    """Read access shared by events and responses (dict-like, first value wins)."""

    __slots__ = ()

    headers: Mapping[str, str]
    multi: Mapping[str, tuple[str, ...]]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.headers.get(key, default)

    def __getitem__(self, key: str) -> str:
        return self.headers[key]

    def __contains__(self, key: object) -> bool:
        return key in self.headers

    def getall(self, key: str) -> tuple[str, ...]:
        """Every value of a header in wire order (AMI repeats keys, e.g. `Output:`)."""
        values = self.multi.get(key)
        if values is not None:
            return values
        value = self.headers.get(key)
        return () if value is None else (value,)

    @property
    def action_id(self) -> str | None:
        return self.headers.get("ActionID")


@dataclass(frozen=True, slots=True)
class AmiBanner:
    """The first line of every AMI connection, e.g. `Asterisk Call Manager/11.0.0`."""

    text: str

    @property
    def is_asterisk(self) -> bool:
        return self.text.startswith(BANNER_PREFIX)

    @property
    def version(self) -> str | None:
        """The AMI protocol version (not the Asterisk version: 22.x says 11.0.0)."""
        return self.text[len(BANNER_PREFIX) :].strip() if self.is_asterisk else None


class _Lazy:
    """Marks a timestamp not parsed yet: most events never have theirs read."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<lazy>"


_LAZY: Any = _Lazy()


class AmiEvent(_HeaderAccess):
    """One `Event:` frame. `headers` includes `Event`, `Privilege` and `Timestamp` as sent.

    `timestamp` is the `Timestamp:` header as float epoch seconds (manager.conf
    `timestampevents=yes`); list items and `FullyBooted` carry none, so it is then None.
    `multi` holds every value of keys that occurred more than once; `headers` keeps the first.

    Frozen like a dataclass (equality, hash and repr over name, headers, timestamp, multi),
    but written by hand: the parser builds ~200k of these per second, and most are
    filtered out by name unread, so the `Timestamp:` header is converted on first access.
    """

    __slots__ = ("_timestamp", "headers", "multi", "name")

    name: str
    headers: Mapping[str, str]
    multi: Mapping[str, tuple[str, ...]]
    _timestamp: float | None

    def __init__(
        self,
        name: str,
        headers: Mapping[str, str],
        timestamp: float | None = None,
        multi: Mapping[str, tuple[str, ...]] = EMPTY_MULTI,
    ) -> None:
        _set_name(self, name)
        _set_headers(self, headers)
        _set_timestamp(self, timestamp)
        _set_multi(self, multi)

    @property
    def timestamp(self) -> float | None:
        value: float | None = _get_timestamp(self)
        if value is _LAZY:
            stamp = self.headers.get("Timestamp")
            value = None if stamp is None else epoch_or_none(stamp)
            _set_timestamp(self, value)
        return value

    @property
    def is_list_complete(self) -> bool:
        """True for the `...Complete` event that ends an EventList (`EventList: Complete`)."""
        value = self.headers.get("EventList")
        return value is not None and value.lower() == "complete"

    def _key(self) -> tuple[object, ...]:
        return (self.name, self.headers, self.timestamp, self.multi)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AmiEvent):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.name, self.timestamp))  # headers/multi are mappings: unhashable

    def __repr__(self) -> str:
        return (
            f"AmiEvent(name={self.name!r}, headers={self.headers!r}, "
            f"timestamp={self.timestamp!r}, multi={self.multi!r})"
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[object, ...]:
        return (AmiEvent, self._key())


# The parser builds ~200k events/s; a Python __init__ call is a third of that object's
# cost, so the parser's hot path fills the slots through these directly.
_slots = vars(AmiEvent)
_set_name = _slots["name"].__set__
_set_headers = _slots["headers"].__set__
_set_timestamp = _slots["_timestamp"].__set__
_get_timestamp = _slots["_timestamp"].__get__
_set_multi = _slots["multi"].__set__
new_object = object.__new__


def epoch_or_none(value: str) -> float | None:
    """A `Timestamp:` value as epoch seconds; None if it is not a finite number."""
    try:
        stamp = float(value)
    except ValueError:
        return None
    return stamp if math.isfinite(stamp) else None


@dataclass(frozen=True, slots=True)
class AmiResponse(_HeaderAccess):
    """One `Response:` frame: `status` is Success, Error, Follows (Asterisk < 14) or Goodbye."""

    status: str
    headers: Mapping[str, str] = field(hash=False)
    timestamp: float | None = None
    multi: Mapping[str, tuple[str, ...]] = field(default_factory=_no_multi, hash=False)

    @property
    def ok(self) -> bool:
        return self.status.lower() != "error"

    @property
    def message(self) -> str:
        return self.headers.get("Message", "")

    @property
    def starts_list(self) -> bool:
        """True when list events follow (`EventList: start`, e.g. DBGet, CoreShowChannels)."""
        value = self.headers.get("EventList")
        return value is not None and value.lower() == "start"

    @property
    def output(self) -> tuple[str, ...]:
        """Command output lines (Asterisk ≥ 14 sends one `Output:` header per CLI line)."""
        return self.getall("Output")


AmiMessage = AmiBanner | AmiEvent | AmiResponse


def new_event(name: str, headers: Mapping[str, str]) -> AmiEvent:
    """An event whose `timestamp` is read from its `Timestamp:` header on first access."""
    event: AmiEvent = new_object(AmiEvent)
    _set_name(event, name)
    _set_headers(event, headers)
    _set_timestamp(event, _LAZY)
    _set_multi(event, EMPTY_MULTI)
    return event


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action returned: its response and, for EventList actions, the list events.

    `events` are the list items without the closing `...Complete` event, which is in
    `complete` (it carries `ListItems`).
    """

    response: AmiResponse
    events: tuple[AmiEvent, ...] = ()
    complete: AmiEvent | None = None

    @property
    def ok(self) -> bool:
        return self.response.ok

    @property
    def message(self) -> str:
        return self.response.message


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """Handed to `on_reconnect`: which login this is (1 = first) and what the PBX said."""

    number: int
    banner: str
