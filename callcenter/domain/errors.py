"""Domain-named errors. The message (German first) says what is wrong and where."""

from __future__ import annotations


class ScheduleError(ValueError):
    """Base of every schedule validation error; `str()` is the German message."""

    def __init__(self, de: str, en: str, where: str = "") -> None:
        self.de = de
        self.en = en
        self.where = where
        super().__init__(de)

    def message(self, lang: str = "de") -> str:
        return self.en if lang.startswith("en") else self.de


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


class UnknownTeam(ScheduleError):
    """A reference to a team that is not configured."""


class DuplicateTeam(ScheduleError):
    """Two teams with the same id."""


class NaiveDatetime(ScheduleError):
    """A datetime without time zone where an instant is required."""
