"""AMI frames as the simulated Asterisk writes them (header order and spelling from the traces).

Every event carries `Privilege:` and, right after it, `Timestamp: <epoch>.<usec>`
(manager.conf `timestampevents = yes`). List items (DBGetResponse, CoreShowChannel, ...)
and `FullyBooted` carry neither Privilege nor Timestamp, exactly as recorded in trace 015.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Header = tuple[str, str]

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


@dataclass(frozen=True, slots=True)
class SimEvent:
    """One event the simulated PBX published, kept for reports and tests."""

    name: str
    headers: tuple[Header, ...]
    timestamp: float

    def get(self, key: str, default: str | None = None) -> str | None:
        for name, value in self.headers:
            if name == key:
                return value
        return default

    def encode(self) -> bytes:
        return encode_frame(self.headers)


def stamp(epoch: float) -> str:
    """`1795250711.187577`: six decimals, as Asterisk prints `Timestamp:`."""
    return f"{epoch:.6f}"


def encode_frame(headers: Iterable[Header]) -> bytes:
    return ("".join(f"{key}: {value}\r\n" for key, value in headers) + "\r\n").encode("utf-8")


def event_headers(
    name: str, privilege: str, epoch: float, fields: Sequence[Header]
) -> tuple[Header, ...]:
    return (("Event", name), ("Privilege", privilege), ("Timestamp", stamp(epoch)), *fields)


def response(
    action_id: str | None, status: str = "Success", fields: Sequence[Header] = ()
) -> bytes:
    """A `Response:` frame; ActionID comes second, as in every recorded response."""
    headers: list[Header] = [("Response", status)]
    if action_id is not None:
        headers.append(("ActionID", action_id))
    headers.extend(fields)
    return encode_frame(headers)


def message(action_id: str | None, text: str, status: str = "Success") -> bytes:
    return response(action_id, status, (("Message", text),))


def list_start(action_id: str | None, text: str) -> bytes:
    # Trace 015: `EventList: start` comes before `Message:` in list responses.
    return response(action_id, "Success", (("EventList", "start"), ("Message", text)))


def list_item(name: str, action_id: str | None, fields: Iterable[Header]) -> bytes:
    """An event of a list answer: `Event`, `ActionID` if the action had one, then `fields`
    (015's DBGet items put ActionID last instead and are built by hand)."""
    headers: list[Header] = [("Event", name)]
    if action_id is not None:
        headers.append(("ActionID", action_id))
    headers.extend(fields)
    return encode_frame(headers)


def list_complete(name: str, action_id: str | None, count: int) -> bytes:
    return list_item(name, action_id, (("EventList", "Complete"), ("ListItems", str(count))))
