"""Learned header layouts: the FrameParser's fast path for events it has seen before.

Asterisk prints every event of a kind with the same header names in the same order
(a Newchannel always has the same 16 lines). Once the parser has split a frame line by
line and validated it, it remembers that sequence of names as a regex, e.g.
`Event: (.*)\\r\\nPrivilege: (.*)\\r\\n...`. A later frame that fully matches
it has exactly the headers that splitting its lines at CRLF and at the first ": " would
give, so one C-level `fullmatch` replaces a Python-level split per line, and the header
names are shared strings whose hashes are already known, instead of new ones per frame.
A value with a stray LF, a missing or extra line, anything else: no match, and the
frame takes the careful path. The number of layouts is capped, so garbage with valid
syntax cannot make the cache grow without bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PER_EVENT = 4  # layouts tried per event name (Dial* events vary a little)
TOTAL = 512


@dataclass(frozen=True, slots=True)
class Layout:
    names: tuple[str, ...]
    match: Callable[[str], re.Match[str] | None]  # the compiled pattern's fullmatch
    has_action_id: bool
    # Every name is a Python identifier, so the groups are named after the headers and
    # `Match.groupdict()` builds the headers in C (most layouts); else zip names and groups.
    named: bool


class LayoutCache:
    """Layouts by event name (the `Event:` value), most recently learned last."""

    def __init__(self, per_event: int = PER_EVENT, total: int = TOTAL) -> None:
        self.by_event: dict[str, list[Layout]] = {}
        self._per_event = per_event
        self._room = total

    def learn(self, event: str, names: Iterable[str]) -> None:
        """Remember the header names (validated, unique, `Event` first) of a parsed frame."""
        known = self.by_event.get(event)
        if self._room <= 0 or (known is not None and len(known) >= self._per_event):
            return
        names = tuple(names)
        if known is not None and any(layout.names == names for layout in known):
            return  # matched nothing only because of a value with a stray LF
        # `.` stops at LF only; a CR before the next LF is given back for the CRLF (sre
        # counts `.*` far faster than `[^\r\n]*`). So a value is what precedes the line's
        # first CRLF, as with str.split; a lone LF in a value means no match.
        named = all(name.isidentifier() for name in names)
        pattern = "\r\n".join(
            f"{re.escape(name)}: (?P<{name}>.*)" if named else f"{re.escape(name)}: (.*)"
            for name in names
        )
        layout = Layout(names, re.compile(pattern).fullmatch, "ActionID" in names, named)
        self.by_event.setdefault(event, []).append(layout)
        self._room -= 1
