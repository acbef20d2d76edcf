"""Errors of the web layer, and the one place where domain and storage errors become HTTP.

Every error carries a German and an English message and, where it belongs to an input,
the field. Pages show the message at the field; the API returns
{"error": {"code", "message_de", "message_en", "field"}}.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.domain.access import SCOPE_NAMES_DE, Scope
from callcenter.domain.errors import CallcenterError
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


def scope_missing(scope: Scope) -> WebError:
    """403 for an API token without the scope this request needs: names the scope."""
    return WebError(
        403,
        "scope_missing",
        f"Diesem API-Token fehlt der Bereich „{scope}“ ({SCOPE_NAMES_DE[scope]}), den diese "
        "Anfrage braucht. Ein Token mit diesem Bereich erstellt die Administration: "
        f"callcenter users token NAME --user BENUTZER --scope {scope}",
        f"this API token lacks the scope '{scope}' this request needs. Administrators "
        f"create a token with it: callcenter users token NAME --user USER --scope {scope}",
    )


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


# The one mapping of error kinds (callcenter.domain.errors.CallcenterError.kind) to HTTP.
STATUS_OF_KIND = {
    "invalid": 422,
    "rejected": 400,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unavailable": 503,
}


def known_error_types() -> tuple[type[Exception], ...]:
    return (CallcenterError,)


def translate_error(exc: Exception, field: str | None = None) -> WebError:
    """Any program error as an HTTP error: status from its kind, its code, its field."""
    if not isinstance(exc, CallcenterError):
        raise exc
    status = STATUS_OF_KIND.get(exc.kind, 422)
    return WebError(status, exc.error_code(), exc.public_de, exc.public_en, exc.field(field))
