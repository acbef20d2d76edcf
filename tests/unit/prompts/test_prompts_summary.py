"""The short forms of the language menu's no-key path (issue 20): situation, next opening and
(in German) the web address, never the hours; the full text where a template has none."""

from __future__ import annotations

import dataclasses

import pytest
from prompts_support import EXAMPLE, local, schedule

from callcenter.domain.queue_wait import WAIT_BUCKETS
from callcenter.domain.schedule import Reason
from callcenter.prompts.errors import InvalidTemplate
from callcenter.prompts.summary import WAIT_SENTENCES, wait_text
from callcenter.prompts.templates import load_template
from callcenter.prompts.text import Contact, announcement_text, summary_text

CONTACT = Contact(url="https://termine.example.de", email="aufenthalt@example.de")


def test_german_and_english_summaries_leave_out_the_hours() -> None:
    at = local(2025, 4, 10, 18)
    german = summary_text(schedule(*EXAMPLE), Reason.HOURS, load_template("de"), at, CONTACT)
    assert german == (
        "Jetzt ist keine Sprechzeit. Ab Montag, 9 Uhr, sind wir wieder für Sie da. "
        "Termine online: https://termine.example.de."
    )
    english = summary_text(schedule(*EXAMPLE), Reason.HOURS, load_template("en"), at, CONTACT)
    assert english == "We are closed now. We are available again from Monday at 9 am."
    full = announcement_text(schedule(*EXAMPLE), Reason.HOURS, load_template("de"), at, CONTACT)
    assert "Sprechzeiten:" in full
    assert len(german) < len(full)


def test_every_shipped_language_has_a_summary_per_reason() -> None:
    for lang in ("de", "en", "tr", "ar", "ru", "uk"):
        assert set(load_template(lang).summaries) == set(Reason), lang


def test_without_a_summary_the_full_text_is_said() -> None:
    template = dataclasses.replace(load_template("de"), summaries={})
    at = local(2025, 4, 10, 18)
    assert summary_text(
        schedule(*EXAMPLE), Reason.HOURS, template, at, CONTACT
    ) == announcement_text(schedule(*EXAMPLE), Reason.HOURS, template, at, CONTACT)


def test_a_summary_cannot_name_the_hours() -> None:
    with pytest.raises(InvalidTemplate, match=r"summaries\.hours"):
        dataclasses.replace(load_template("de"), summaries={Reason.HOURS: "Zu. {hours}"})


def test_wait_sentences_name_the_minutes() -> None:
    for lang in WAIT_SENTENCES:
        texts = [wait_text(lang, minutes) for minutes in WAIT_BUCKETS]
        assert len(set(texts)) == len(WAIT_BUCKETS), lang
    assert wait_text("de", 1) == "Die geschätzte Wartezeit beträgt etwa eine Minute."
    assert wait_text("de", 5) == "Die geschätzte Wartezeit beträgt etwa 5 Minuten."
    assert wait_text("en", 30) == "The estimated wait is 30 minutes or more."
