"""Domain-named errors. The message (German first) says what is wrong and where.

`CallcenterError` is the one bilingual base of every expected error in the program
(schedule, storage, prompts, imports, permissions): German in `str()` and `.de`, English in
`.en`. Its `kind` says what sort of failure it is, so an entry point maps errors to its
own vocabulary once (the web: kind -> HTTP status) instead of branching on every class.
"""

from __future__ import annotations

from typing import ClassVar


class CallcenterError(Exception):
    """Base of every expected, explainable error; `str()` is the German message.

    `kind`: invalid | not_found | conflict | forbidden | rejected | unavailable.
    `code`: a stable machine-readable name (the API's `error.code`).
    `default_field`: the input a message belongs to when the raiser names none.
    """

    kind: ClassVar[str] = "invalid"
    code: ClassVar[str] = "error"
    default_field: ClassVar[str | None] = None
    # Whether `where` names an input field (schedule errors) or only the context.
    where_is_field: ClassVar[bool] = False

    def __init__(self, de: str, en: str, where: str = "") -> None:
        self.de = de
        self.en = en
        self.where = where
        super().__init__(de)

    def message(self, lang: str = "de") -> str:
        return self.en if lang.startswith("en") else self.de

    def error_code(self) -> str:
        return self.code

    # What a web user may read; an error whose text carries server details (a tool's
    # output, paths) overrides these, its `de`/`en` stay for the log and the CLI.
    @property
    def public_de(self) -> str:
        return self.de

    @property
    def public_en(self) -> str:
        return self.en

    def field(self, given: str | None = None) -> str | None:
        """The input field this error belongs to: the caller's, the raiser's, the class's."""
        return given or (self.where if self.where_is_field else None) or self.default_field


class PermissionDenied(CallcenterError):
    """The actor's role does not allow this change (e.g. a team lead and another team)."""

    kind = "forbidden"
    code = "forbidden"


class ScheduleError(CallcenterError, ValueError):
    """Base of every schedule validation error; `str()` is the German message."""

    code = "invalid_schedule"
    where_is_field = True


class InvalidTime(ScheduleError):
    """A time of day that is not HH:MM."""


class UnknownWeekday(ScheduleError):
    """A weekday name or number we do not know."""


class InvalidWindow(ScheduleError):
    """A window whose end is not after its start."""


class OverlappingWindows(ScheduleError):
    """Two windows of one team on the same day overlap."""


class InvalidClosure(ScheduleError):
    """A closure that ends before (or when) it starts, or has naive times."""


class InvalidPilot(ScheduleError):
    """A pilot period that ends before it starts."""


class OverlappingPilots(ScheduleError):
    """Two pilot periods of one team overlap."""


class InvalidVariant(ScheduleError):
    """A date-range variant of the week without a name or with its last day before its first."""


class OverlappingVariants(ScheduleError):
    """Two date-range variants of one team share a date."""


class UnknownTeam(ScheduleError):
    """A reference to a team that is not configured."""

    kind = "not_found"
    code = "unknown_team"
    default_field = "team"
    where_is_field = False


class DuplicateTeam(ScheduleError):
    """Two teams with the same id."""


class NaiveDatetime(ScheduleError):
    """A datetime without time zone where an instant is required."""

    code = "naive_datetime"


class PastIsReadOnly(ScheduleError):
    """A change that would rewrite what already happened (a closure starting before now)."""

    code = "past_read_only"


class ConfirmationRequired(ScheduleError):
    """A change so large that it needs an explicit yes (a closure longer than 31 days)."""

    code = "confirmation_required"


class EmptyWeekNeedsConfirmation(ConfirmationRequired):
    """Taking every call-hour window from a team closes it for good: legal, but only with
    an explicit yes. A conflict (409), not bad input: the same request with force passes."""

    kind = "conflict"
    where_is_field = False
    default_field = "force"


class ClosureAlreadyOver(ScheduleError):
    """A closure that cannot be ended or changed because it is already over."""

    kind = "conflict"
    code = "closure_over"
    where_is_field = False


class ClosureNotStarted(ScheduleError):
    """'End now' of a closure that has not begun: delete or edit it instead."""

    kind = "conflict"
    code = "closure_not_started"
    where_is_field = False
