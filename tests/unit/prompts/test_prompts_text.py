"""Whole announcements: the sentences in order, the contact, the public reason and its flag;
the internal note is never spoken."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompts_support import EXAMPLE, closure, local, schedule

from callcenter.domain.schedule import Reason
from callcenter.prompts.errors import UnsupportedLanguage
from callcenter.prompts.templates import load_template, load_templates
from callcenter.prompts.text import Contact, announcement_text

CONTACT = Contact(url="https://termine.example.de", email="aufenthalt@example.de")
STAFF_SHORTAGE = closure(date(2025, 4, 9), date(2025, 4, 9), "Personalengpass", "organisational")


def test_german_outside_hours() -> None:
    text = announcement_text(
        schedule(*EXAMPLE), Reason.HOURS, load_template("de"), local(2025, 4, 10, 18), CONTACT
    )
    assert text == (
        "Jetzt ist keine Sprechzeit. "
        "Ab Montag, 9 Uhr, sind wir wieder für Sie da. "
        "Sprechzeiten: Montag bis Donnerstag von 9 bis 12 Uhr "
        "und donnerstags zusätzlich von 14 bis 17:30 Uhr. "
        # One place to turn to, the web address first: the e-mail address is not spelled out.
        "Termine online: https://termine.example.de."
    )


def test_english_outside_hours() -> None:
    text = announcement_text(
        schedule(*EXAMPLE), Reason.HOURS, load_template("en"), local(2025, 4, 10, 18), CONTACT
    )
    assert text == (
        "You are calling outside our phone hours. "
        "We are available again from Monday at 9 am. "
        "Phone hours: Monday to Thursday, 9 am to 12 noon, "
        "and on Thursdays also 2 pm to 5:30 pm. "
        "Book online: https://termine.example.de."
    )


def test_german_holiday() -> None:
    text = announcement_text(
        schedule(*EXAMPLE), Reason.HOLIDAY, load_template("de"), local(2025, 4, 21, 10), Contact()
    )
    assert text == (
        "Heute ist Feiertag. "
        "Ab morgen, 9 Uhr, sind wir wieder für Sie da. "
        "Sprechzeiten: Montag bis Donnerstag von 9 bis 12 Uhr "
        "und donnerstags zusätzlich von 14 bis 17:30 Uhr."
    )


def test_german_closure_says_the_public_reason_never_the_note() -> None:
    text = announcement_text(
        schedule(*EXAMPLE, closures=(STAFF_SHORTAGE,)),
        Reason.CLOSURE,
        load_template("de"),
        local(2025, 4, 9, 10),
        Contact(email="aufenthalt@example.de"),
    )
    assert text == (
        "Heute sind wir nicht erreichbar. "
        "Das hat organisatorische Gründe. "
        "Ab morgen, 9 Uhr, sind wir wieder für Sie da. "
        "Sprechzeiten: Montag bis Donnerstag von 9 bis 12 Uhr "
        "und donnerstags zusätzlich von 14 bis 17:30 Uhr. "
        "E-Mail: aufenthalt@example.de."
    )


def test_no_reason_when_the_admin_says_so() -> None:
    text = announcement_text(
        schedule(*EXAMPLE, closures=(STAFF_SHORTAGE,)),
        Reason.CLOSURE,
        load_template("de"),
        local(2025, 4, 9, 10),
        Contact(),
        speak_reason=False,
    )
    assert text == (
        "Heute sind wir nicht erreichbar. "
        "Ab morgen, 9 Uhr, sind wir wieder für Sie da. "
        "Sprechzeiten: Montag bis Donnerstag von 9 bis 12 Uhr "
        "und donnerstags zusätzlich von 14 bis 17:30 Uhr."
    )


def test_english_closure_says_the_reason_in_english() -> None:
    sched = schedule(*EXAMPLE, closures=(STAFF_SHORTAGE,))
    now = local(2025, 4, 9, 10)
    with_reason = announcement_text(sched, Reason.CLOSURE, load_template("en"), now, Contact())
    without = announcement_text(
        sched, Reason.CLOSURE, load_template("en"), now, Contact(), speak_reason=False
    )
    assert with_reason == (
        "We cannot take calls today. "
        "This is for organisational reasons. We are available again from tomorrow at 9 am. "
        "Phone hours: Monday to Thursday, 9 am to 12 noon, "
        "and on Thursdays also 2 pm to 5:30 pm."
    )
    assert without == with_reason.replace("This is for organisational reasons. ", "")
    assert "Personalengpass" not in with_reason
    assert "Gründe" not in with_reason


def test_a_closure_without_public_reason_gives_none() -> None:
    silent = closure(date(2025, 4, 9), date(2025, 4, 9), "Frau X krank")
    text = announcement_text(
        schedule(*EXAMPLE, closures=(silent,)),
        Reason.CLOSURE,
        load_template("de"),
        local(2025, 4, 9, 10),
        Contact(),
    )
    assert "Gründe" not in text
    assert "Frau X" not in text
    assert "  " not in text


@given(note=st.text(min_size=3, max_size=40).filter(lambda n: n.strip()))
@settings(max_examples=50, deadline=None)
def test_no_note_is_ever_spoken_in_any_language(note: str) -> None:
    marked = "ZZ" + note + "ZZ"
    with_note = closure(date(2025, 4, 9), date(2025, 4, 9), marked, "technical")
    sched = schedule(*EXAMPLE, closures=(with_note,))
    for lang, template in load_templates().items():
        for reason in Reason:
            text = announcement_text(sched, reason, template, local(2025, 4, 9, 10), Contact())
            assert marked.strip() not in text, (lang, reason)


def test_the_note_belongs_to_closures_only() -> None:
    # A closure note must not leak into the holiday text of the same day.
    text = announcement_text(
        schedule(*EXAMPLE, closures=(STAFF_SHORTAGE,)),
        Reason.HOLIDAY,
        load_template("de"),
        local(2025, 4, 9, 10),
        Contact(),
    )
    assert "Personalengpass" not in text


def test_english_falls_back_to_the_german_team_name() -> None:
    # The shipped texts leave the team out (20 s limit); an office's own text may name it.
    english = load_template("en")
    named = dataclasses.replace(
        english, texts={**english.texts, Reason.HOURS: "This is {team}. {next_opening}"}
    )
    text = announcement_text(
        schedule(*EXAMPLE, name_en=""), Reason.HOURS, named, local(2025, 4, 10, 18), Contact()
    )
    assert text.startswith("This is Team Aufenthalt. ")


def test_a_team_without_hours_says_so() -> None:
    text = announcement_text(
        schedule(), Reason.HOURS, load_template("de"), local(2025, 4, 10, 18), Contact()
    )
    assert text == (
        "Jetzt ist keine Sprechzeit. "
        "Wann wir wieder erreichbar sind, hören Sie hier. "
        "Zurzeit keine Sprechzeiten."
    )


def test_a_language_without_phrase_rules_is_refused_clearly() -> None:
    german = load_template("de")
    farsi = type(german)("fa", "فارسی", german.texts, german.sentences)
    with pytest.raises(UnsupportedLanguage, match="„fa“"):
        announcement_text(schedule(*EXAMPLE), Reason.HOURS, farsi, local(2025, 4, 10, 18), CONTACT)
