"""The template files: every language loads and renders; broken files are refused clearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from prompts_support import EXAMPLE, closure, local, schedule

from callcenter.domain.schedule import Reason
from callcenter.prompts.errors import InvalidTemplate, UnsupportedLanguage
from callcenter.prompts.phrases import SUPPORTED_LANGUAGES, hours_phrase
from callcenter.prompts.templates import (
    DEFAULT_DIRECTORY,
    available_languages,
    load_template,
    load_templates,
)
from callcenter.prompts.text import Contact, announcement_text

REQUIRED = ("de", "en", "tr", "ar", "ru", "uk")
NOTE = "Personalengpass"
CONTACT = Contact(url="https://termine.example.de", email="aufenthalt@example.de")
# A closure day with a note and a public reason: every placeholder has something to say.
SCHEDULE = schedule(
    *EXAMPLE,
    closures=(closure(date(2025, 4, 9), date(2025, 4, 9), NOTE, "organisational"),),
)
NOW = local(2025, 4, 9, 10)

VALID = """
name = "Test"
[texts]
hours = "{team}. {hours} {next_opening} {contact}"
holiday = "{team}. {next_opening}"
closure = "{team}. {reason} {next_opening}"
[sentences]
hours = "Zeiten: {hours}."
no_hours = "Keine."
next_opening = "Ab {when}."
no_next_opening = "Unbekannt."
url = "Web: {url}."
email = "Mail: {email}."
[public_reasons]
organisational = "Organisatorisches."
"""


def test_the_repository_folder_is_the_default() -> None:
    assert DEFAULT_DIRECTORY.name == "ivr_prompts"
    assert (DEFAULT_DIRECTORY / "README.md").is_file()


def test_every_required_language_has_a_template_and_phrase_rules() -> None:
    assert set(REQUIRED) <= set(available_languages())
    assert set(available_languages()) <= set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("lang", REQUIRED)
@pytest.mark.parametrize("reason", list(Reason))
def test_every_language_renders_every_reason(lang: str, reason: Reason) -> None:
    template = load_template(lang)
    text = announcement_text(SCHEDULE, reason, template, NOW, CONTACT)
    assert "{" not in text
    assert "}" not in text
    assert "  " not in text
    assert "\n" not in text
    # Turkish and Arabic say the hours in too many words for 20 s: the next opening only.
    assert (hours_phrase(SCHEDULE.team.windows, lang) in text) is (lang not in ("tr", "ar"))
    assert CONTACT.url in text
    assert CONTACT.email not in text  # one place to turn to: the web address
    assert NOTE not in text  # the internal note: never
    spoken_reason = template.public_reasons["organisational"]
    assert (spoken_reason in text) is (reason is Reason.CLOSURE)


def test_load_templates_reads_the_whole_folder() -> None:
    templates = load_templates()
    assert set(REQUIRED) <= set(templates)
    assert all(template.lang == lang for lang, template in templates.items())
    assert templates["de"].name == "Deutsch"
    assert templates["de"].voice == "de"


def test_a_configured_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "de.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a template", encoding="utf-8")
    assert available_languages(tmp_path) == ("de",)
    template = load_template("de", tmp_path)
    text = announcement_text(SCHEDULE, Reason.CLOSURE, template, NOW, CONTACT)
    assert text == "Team Aufenthalt. Organisatorisches. Ab morgen, 9 Uhr."


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in VALID
    (tmp_path / "de.toml").write_text(VALID.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{team}. {hours}", "{tem}. {hours}", r"texts\.hours: unbekannter Platzhalter \{tem\}"),
        ('"Ab {when}."', '"Ab {wann}."', r"sentences\.next_opening: unbekannter Platzhalter"),
        ('holiday = "{team}. {next_opening}"\n', "", r"texts\.holiday: Text fehlt"),
        ('no_hours = "Keine."\n', "", r"sentences\.no_hours: Text fehlt"),
        ('"Ab {when}."', '"Ab {when."', "Klammern passen nicht"),
        ("{team}. {reason}", "{team}. {note}", r"texts\.closure: \{note\} gibt es nicht mehr"),
        ('organisational = "', 'Organisational = "', "Schlüssel nur aus Kleinbuchstaben"),
        ('"Ab {when}."', '"Ab {when!r}."', "kein einfacher Platzhalter"),
        ('"Ab {when}."', '"Ab {0}."', "kein einfacher Platzhalter"),
        ('name = "Test"', 'name = "Test"\nstimme = "de"', "unbekannte Einträge stimme"),
        ("holiday =", "holliday =", "unbekannte Texte holliday"),
        (
            'url = "Web: {url}."',
            'url = "Web: {url}."\nfax = "Fax."',
            "unbekannte Satzbausteine fax",
        ),
        ('name = "Test"', 'name = "Test', "kein gültiges TOML"),
    ],
)
def test_broken_templates_are_refused_with_a_clear_message(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(InvalidTemplate, match=message) as raised:
        load_template("de", _broken(tmp_path, old, new))
    assert raised.value.en  # the English message is there for the English admin pages


def test_every_language_needs_the_same_public_reasons(tmp_path: Path) -> None:
    (tmp_path / "de.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "en.toml").write_text(
        VALID.replace('organisational = "Organisatorisches."', 'training = "Training."'),
        encoding="utf-8",
    )
    with pytest.raises(InvalidTemplate, match=r"en\.toml: öffentlicher Grund organisational fehlt"):
        load_templates(tmp_path)


def test_the_shipped_languages_share_their_public_reasons() -> None:
    templates = load_templates()
    keys = {lang: set(t.public_reasons) for lang, t in templates.items()}
    assert keys["de"] >= {"organisational", "training", "staff_meeting", "technical"}
    assert all(found == keys["de"] for found in keys.values())


def test_a_missing_section_is_named(tmp_path: Path) -> None:
    (tmp_path / "de.toml").write_text(VALID.split("[sentences]")[0], encoding="utf-8")
    with pytest.raises(InvalidTemplate, match=r"Abschnitt \[sentences\] fehlt"):
        load_template("de", tmp_path)


def test_a_missing_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedLanguage, match="„fr“"):
        load_template("fr", tmp_path)


def test_a_language_code_cannot_leave_the_folder(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedLanguage):
        load_template("../de", tmp_path)
