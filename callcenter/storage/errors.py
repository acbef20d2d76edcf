"""Storage errors: German message first (like the domain's), English in `.en`.

Validation problems are the domain's errors (callcenter.domain.errors); these are
only what the domain cannot know: unknown ids, an unseeded database, rejected rows.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of every storage error; `str()` is the German message."""

    def __init__(self, de: str, en: str) -> None:
        self.de = de
        self.en = en
        super().__init__(de)

    def message(self, lang: str = "de") -> str:
        return self.en if lang.startswith("en") else self.de


class NotFound(StorageError, LookupError):
    """An id or name that the database does not hold."""


class AlreadyExists(StorageError):
    """A unique name (e.g. a username) that is already taken."""


class NotSeeded(StorageError):
    """The database has no schedule yet; `callcenter db seed` writes the first one."""


class ClosureAlreadyOver(StorageError):
    """A closure that cannot be ended because it is already over at the requested instant."""


class InvalidValue(StorageError, ValueError):
    """A stored setting that would be meaningless, e.g. an empty holiday state."""


class RejectedRecords(StorageError):
    """A batch the database refused; none of its records were written."""
