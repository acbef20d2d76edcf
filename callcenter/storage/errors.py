"""Storage errors: German message first (like the domain's), English in `.en`.

Validation problems are the domain's errors (callcenter.domain.errors); these are
only what the domain cannot know: unknown ids, an unseeded database, rejected rows.
"""

from __future__ import annotations

from callcenter.domain.errors import CallcenterError, ClosureAlreadyOver

__all__ = [
    "AlreadyExists",
    "ClosureAlreadyOver",
    "InvalidValue",
    "NotFound",
    "NotSeeded",
    "RejectedRecords",
    "StorageError",
]


class StorageError(CallcenterError):
    """Base of every storage error; `str()` is the German message."""

    kind = "conflict"
    code = "storage"


class NotFound(StorageError, LookupError):
    """An id or name that the database does not hold."""

    kind = "not_found"
    code = "not_found"


class AlreadyExists(StorageError):
    """A unique name (e.g. a username) that is already taken."""

    code = "already_exists"


class NotSeeded(StorageError):
    """The database has no schedule yet; `callcenter db seed` writes the first one."""

    code = "not_seeded"


class InvalidValue(StorageError, ValueError):
    """A stored setting that would be meaningless, e.g. an empty holiday state."""

    kind = "invalid"
    code = "invalid_value"


class RejectedRecords(StorageError):
    """A batch the database refused; none of its records were written."""
