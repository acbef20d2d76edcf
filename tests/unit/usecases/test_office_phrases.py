"""The office's own phrases: checked before saving, audited, the configuration as default."""

from __future__ import annotations

from datetime import datetime

import pytest
from usecase_fakes import BERLIN, FakeUnitOfWork

from callcenter.config import load_settings
from callcenter.domain.access import Actor, Role
from callcenter.domain.errors import PermissionDenied
from callcenter.usecases.office_phrases import (
    InvalidPhrase,
    clean,
    office_contact,
    phrase_errors,
    save_office_phrases,
)

NOW = datetime(2026, 11, 23, 10, tzinfo=BERLIN)
SETTINGS = load_settings(None, environ={})
ADMIN = Actor.admin("web:alice")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("www.stadt.de/termine", True),
        ("https://termine.stadt.de/buchen?amt=3", True),
        ("", True),
        ("stadt", False),
        ("www.stadt.de/{team}", False),
        ("zwei worte.de", False),
    ],
)
def test_web_addresses(url: str, ok: bool) -> None:
    assert ("url" not in phrase_errors({"url": url})) is ok


def test_emails_and_length() -> None:
    assert phrase_errors({"email": "info@stadt.de"}) == {}
    assert "email" in phrase_errors({"email": "info(at)stadt.de"})
    de, en = phrase_errors({"url": "www.x.de/" + "a" * 200})["url"]
    assert "höchstens 200 Zeichen" in de
    assert "at most 200" in en


def test_clean_trims_and_ignores_unknown_fields() -> None:
    form = {"url": "  www.stadt.de \n", "email": 3, "note": "x"}
    assert clean(form) == {"url": "www.stadt.de", "email": ""}


def test_saving_overrides_the_configuration_and_is_audited() -> None:
    uow = FakeUnitOfWork()
    saved = save_office_phrases(
        uow, ADMIN, SETTINGS, {"url": "www.neu.de", "email": SETTINGS.office.contact_email}, NOW
    )
    assert saved.changed
    # Only the changed phrase is stored; the unchanged one still follows the configuration.
    assert uow.phrases.saved == {"url": "www.neu.de"}
    assert office_contact(uow, SETTINGS).url == "www.neu.de"
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.entity, entry.actor) == (
        "save_phrases",
        "office_phrases",
        ADMIN.name,
    )
    assert entry.before["url"] == SETTINGS.office.appointment_url
    assert entry.after["url"] == "www.neu.de"
    # Saving the same again changes nothing and writes no audit entry.
    again = save_office_phrases(uow, ADMIN, SETTINGS, {"url": "www.neu.de"}, NOW)
    assert not again.changed
    assert len(uow.audit.entries) == 1


def test_refused_for_a_team_lead_and_for_a_bad_value() -> None:
    uow = FakeUnitOfWork()
    lead = Actor("web:tina", Role.TEAMLEAD, "auslaender-a")
    with pytest.raises(PermissionDenied):
        save_office_phrases(uow, lead, SETTINGS, {"url": "www.neu.de"}, NOW)
    with pytest.raises(InvalidPhrase) as bad:
        save_office_phrases(uow, ADMIN, SETTINGS, {"email": "kein-at"}, NOW)
    assert bad.value.field() == "email"
    with pytest.raises(InvalidPhrase):
        save_office_phrases(uow, ADMIN, SETTINGS, {"fax": "0615"}, NOW)
    assert uow.phrases.saved == {}
    assert uow.audit.entries == []
