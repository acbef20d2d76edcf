"""Rendered pages kept for whoever asked, while nothing they show has changed.

Rendering is the largest cost left of a page view (≈ 70 % of the overview's on the event
loop). A page is kept under a key that names everything it shows: the template, the
signed-in identity (a page never goes to anyone else; a logout, a locked account or a new
role end that identity), the language, the address with its query (the confirmation
message), the minute of `now` (pages show times to the minute) and the data the handler
read for it. Only plain successful views are kept, a bounded number of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

DEFAULT_SIZE = 256


class Same:
    """A key part equal only to itself: a schedule read once per data version is the same
    object until the data change (hashing one would cost more than rendering the page).
    The key holds it, so its id is not reused while the entry lives."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


class PageCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._pages: OrderedDict[Hashable, str] = OrderedDict()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            text = self._pages.get(key)
            if text is not None:
                self._pages.move_to_end(key)
            return text

    def put(self, key: Hashable, text: str) -> None:
        with self._lock:
            self._pages[key] = text
            self._pages.move_to_end(key)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)
