"""Errors of the web layer, and the one place where domain and storage errors become HTTP.

Every error carries a German and an English message and, where it belongs to an input,
the field. Pages show the message at the field; the API returns
{"error": {"code", "message_de", "message_en", "field"}}.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.domain.errors import NaiveDatetime, ScheduleError, UnknownTeam
from callcenter.holiday_calendar import UnknownHolidayState
from callcenter.prompts.audio_errors import AudioToolError, RecordingRejected, UnknownPromptSlot
from callcenter.prompts.errors import PromptError
from callcenter.storage.errors import (
    AlreadyExists,
    ClosureAlreadyOver,
    InvalidValue,
    NotFound,
    NotSeeded,
    StorageError,
)
from callcenter.web.i18n import both


@dataclass
class WebError(Exception):
    status: int
    code: str
    message_de: str
    message_en: str
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message_de)

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_de

    def body(self) -> dict[str, object]:
        return {
            "error": {
                "code": self.code,
                "message_de": self.message_de,
                "message_en": self.message_en,
                "field": self.field,
            }
        }


def from_key(
    status: int, code: str, key: str, field: str | None = None, **values: object
) -> WebError:
    de, en = both(key, **values)
    return WebError(status, code, de, en, field)


def not_found() -> WebError:
    return from_key(404, "not_found", "not_found")


def forbidden() -> WebError:
    return from_key(403, "forbidden", "forbidden")


def unauthorized() -> WebError:
    return WebError(
        401,
        "unauthorized",
        "Anmeldung erforderlich: Sitzung oder API-Token („Authorization: Bearer …“) fehlt "
        "oder ist ungültig.",
        "authentication required: session or API token ('Authorization: Bearer …') missing "
        "or invalid.",
    )


def csrf_failed() -> WebError:
    return from_key(403, "csrf", "csrf_failed", "csrf_token")


def invalid(field: str, de: str, en: str) -> WebError:
    return WebError(422, "invalid", de, en, field)


def known_error_types() -> tuple[type[Exception], ...]:
    return (ScheduleError, StorageError, PromptError, AudioToolError, UnknownHolidayState)


def translate_error(exc: Exception, field: str | None = None) -> WebError:
    """The domain's, storage's and prompts' errors as HTTP errors (status, code, field)."""
    if isinstance(exc, UnknownTeam):
        return WebError(404, "unknown_team", exc.de, exc.en, field or "team")
    if isinstance(exc, NaiveDatetime):
        return WebError(422, "naive_datetime", exc.de, exc.en, field or exc.where or None)
    if isinstance(exc, ScheduleError):
        return WebError(422, "invalid_schedule", exc.de, exc.en, field or exc.where or None)
    if isinstance(exc, NotFound):
        return WebError(404, "not_found", exc.de, exc.en, field)
    if isinstance(exc, AlreadyExists):
        return WebError(409, "already_exists", exc.de, exc.en, field)
    if isinstance(exc, ClosureAlreadyOver):
        return WebError(409, "closure_over", exc.de, exc.en, field)
    if isinstance(exc, InvalidValue):
        return WebError(422, "invalid_value", exc.de, exc.en, field)
    if isinstance(exc, NotSeeded):
        return WebError(409, "not_seeded", exc.de, exc.en, field)
    if isinstance(exc, StorageError):
        return WebError(409, "storage", exc.de, exc.en, field)
    if isinstance(exc, RecordingRejected):
        return WebError(400, f"recording_{exc.problem}", exc.de, exc.en, field or "file")
    if isinstance(exc, UnknownPromptSlot):
        return WebError(404, "unknown_prompt", exc.de, exc.en, field)
    if isinstance(exc, PromptError):
        return WebError(422, "prompt", exc.de, exc.en, field)
    if isinstance(exc, AudioToolError):
        # The installation's fault (sox/espeak-ng missing or hung), not the request's.
        return WebError(503, "audio_tool", exc.de, exc.en, field)
    if isinstance(exc, UnknownHolidayState):
        text = str(exc)
        return WebError(422, "unknown_state", text, text, field or "state")
    raise exc
