"""The office's own phrases in the announcements (web address, contact e-mail).

The configuration gives the defaults; an admin may change them in the web. A changed value
is stored in the database (`UnitOfWork.phrases`) and audited; the service, the CLI and the
web all read the phrases through `office_contact`, so callers hear what the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from callcenter.config import Settings
from callcenter.domain.access import Actor, Role, require_role
from callcenter.domain.audit import require_aware
from callcenter.prompts.errors import PromptError
from callcenter.prompts.text import Contact
from callcenter.usecases.ports import UnitOfWork

# Phrase name -> (German label, English label); the names are the form fields too.
PHRASES: Mapping[str, tuple[str, str]] = {
    "url": ("Web-Adresse für Termine", "Web address for appointments"),
    "email": ("Kontakt-E-Mail", "Contact e-mail"),
}
MAX_LENGTH = 200
_URL = re.compile(r"(https?://)?[\w-]+(\.[\w-]+)+(:\d{1,5})?(/[^\s{}<>\"]*)?", re.UNICODE)
_EMAIL = re.compile(r"[^@\s{}<>\"]+@[\w-]+(\.[\w-]+)+", re.UNICODE)


class InvalidPhrase(PromptError):
    """A phrase an admin typed that callers could not use (names the field)."""

    code = "invalid_phrase"
    where_is_field = True


def configured(settings: Settings) -> dict[str, str]:
    """The phrases as the configuration file has them."""
    return {"url": settings.office.appointment_url, "email": settings.office.contact_email}


def effective(settings: Settings, overrides: Mapping[str, str]) -> dict[str, str]:
    """What callers hear: a saved value wins over the configuration's."""
    values = configured(settings)
    values.update({name: value for name, value in overrides.items() if name in PHRASES})
    return values


def as_contact(values: Mapping[str, str]) -> Contact:
    return Contact(url=values.get("url", ""), email=values.get("email", ""))


def saved(uow: UnitOfWork, settings: Settings) -> dict[str, str]:
    """The phrases in force: the saved ones over the configuration's."""
    return effective(settings, uow.phrases.overrides())


def office_contact(uow: UnitOfWork, settings: Settings) -> Contact:
    """The contact phrases the announcements are built with now."""
    return as_contact(effective(settings, uow.phrases.overrides()))


def phrase_errors(values: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Field -> (German, English) message for every phrase callers could not use (pure)."""
    errors: dict[str, tuple[str, str]] = {}
    for name, value in values.items():
        label_de, label_en = PHRASES[name]
        if len(value) > MAX_LENGTH:
            errors[name] = (
                f"{label_de}: höchstens {MAX_LENGTH} Zeichen",
                f"{label_en}: at most {MAX_LENGTH} characters",
            )
        elif value and name == "url" and not _URL.fullmatch(value):
            errors[name] = (
                f"{label_de}: „{value}“ ist keine Web-Adresse (z. B. www.stadt.de/termine)",
                f"{label_en}: '{value}' is not a web address (e.g. www.city.de/appointments)",
            )
        elif value and name == "email" and not _EMAIL.fullmatch(value):
            errors[name] = (
                f"{label_de}: „{value}“ ist keine E-Mail-Adresse (z. B. info@stadt.de)",
                f"{label_en}: '{value}' is not an e-mail address (e.g. info@city.de)",
            )
    return errors


def clean(form: Mapping[str, object]) -> dict[str, str]:
    """The known phrases of a submitted form, trimmed (unknown fields are ignored)."""
    return {
        name: " ".join(value.split()) if isinstance(value := form.get(name, ""), str) else ""
        for name in PHRASES
    }


@dataclass(frozen=True)
class SavedPhrases:
    before: dict[str, str]
    after: dict[str, str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def save_office_phrases(
    uow: UnitOfWork, actor: Actor, settings: Settings, values: Mapping[str, str], now: datetime
) -> SavedPhrases:
    """Store the phrases (admins only), audited with before/after. A value equal to the
    configuration's removes the override, so a later change of the file applies again."""
    require_role(actor, Role.ADMIN)
    require_aware(now, "Textbausteine")
    unknown = set(values) - set(PHRASES)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise InvalidPhrase(
            f"unbekannte Textbausteine: {names}", f"unknown phrases: {names}", names
        )
    errors = phrase_errors(values)
    if errors:
        field, (de, en) = next(iter(errors.items()))
        raise InvalidPhrase(de, en, field)
    before = effective(settings, uow.phrases.overrides())
    defaults = configured(settings)
    uow.phrases.save(
        {name: None if value == defaults[name] else value for name, value in values.items()}
    )
    after = effective(settings, uow.phrases.overrides())
    if before != after:
        uow.audit.record(
            actor=actor.name,
            at=now,
            action="save_phrases",
            entity="office_phrases",
            entity_id="office",
            before=before,
            after=after,
        )
    return SavedPhrases(before, after)
