"""An announcement template of one language, validated on creation (pure: no file access).

The `texts` are the three announcements (one per closed reason); the `sentences` are the
building blocks the texts' placeholders are filled with; the `public_reasons` are the
sentences a closure's public reason is said with. Keeping whole sentences in the template
(rather than in code) lets an office reword everything without a developer. A closure's
internal note has no placeholder at all: it cannot reach a caller's ear.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from callcenter.domain.schedule import Reason
from callcenter.prompts.errors import InvalidTemplate

TEXT_PLACEHOLDERS = frozenset({"team", "hours", "next_opening", "contact", "reason"})
# A summary (issue 20): what the language menu's no-key path says in each default language,
# short enough that menu + wait + every summary stay under 45 s. Without the hours.
SUMMARY_PLACEHOLDERS = frozenset({"team", "next_opening", "contact", "reason"})
SENTENCE_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "hours": frozenset({"hours"}),
    "no_hours": frozenset(),
    "next_opening": frozenset({"when"}),
    "no_next_opening": frozenset(),
    "url": frozenset({"url"}),
    "email": frozenset({"email"}),
}


def placeholders(text: str, where: str = "") -> set[str]:
    """The `{name}` placeholders of a text; rejects braces str.format would choke on."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise InvalidTemplate(
            f"{where}: geschweifte Klammern passen nicht zusammen (Platzhalter wie {{team}})",
            f"{where}: unbalanced braces (placeholders look like {{team}})",
            where,
        ) from None
    names = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise InvalidTemplate(
                f"{where}: „{{{name}}}“ ist kein einfacher Platzhalter wie {{team}}",
                f"{where}: '{{{name}}}' is not a plain placeholder like {{team}}",
                where,
            )
        names.add(name)
    return names


_REASON_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _check(text: object, allowed: frozenset[str], where: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidTemplate(
            f"{where}: Text fehlt oder ist leer", f"{where}: text missing or empty", where
        )
    if "note" in placeholders(text, where) and "note" not in allowed:
        raise InvalidTemplate(
            f"{where}: {{note}} gibt es nicht mehr – der interne Vermerk wird nie angesagt; "
            "für den öffentlichen Grund {reason} schreiben",
            f"{where}: {{note}} is gone – the internal note is never spoken; write {{reason}} "
            "for the public reason",
            where,
        )
    unknown = placeholders(text, where) - allowed
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in sorted(unknown))
        known = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "keine / none"
        raise InvalidTemplate(
            f"{where}: unbekannter Platzhalter {names} (erlaubt: {known})",
            f"{where}: unknown placeholder {names} (allowed: {known})",
            where,
        )
    return text


@dataclass(frozen=True)
class PromptTemplate:
    """One language's texts and sentence blocks; `voice` is the speech synthesizer's voice."""

    lang: str
    name: str
    texts: Mapping[Reason, str]
    sentences: Mapping[str, str]
    voice: str = field(default="")
    # Public reason key -> the sentence callers hear (e.g. "organisational").
    public_reasons: Mapping[str, str] = field(default_factory=dict)
    # Reason -> short summary; a reason without one is summarised by its full text.
    summaries: Mapping[Reason, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, sentence in self.public_reasons.items():
            where = f"{self.lang}: public_reasons.{key}"
            if not _REASON_KEY.fullmatch(key):
                raise InvalidTemplate(
                    f"{where}: Schlüssel nur aus Kleinbuchstaben, Ziffern und _",
                    f"{where}: keys are lower-case letters, digits and _ only",
                    where,
                )
            _check(sentence, frozenset(), where)
        for reason in Reason:
            _check(self.texts.get(reason), TEXT_PLACEHOLDERS, f"{self.lang}: texts.{reason}")
        for reason, summary in self.summaries.items():
            _check(summary, SUMMARY_PLACEHOLDERS, f"{self.lang}: summaries.{reason}")
        for key, allowed in SENTENCE_PLACEHOLDERS.items():
            _check(self.sentences.get(key), allowed, f"{self.lang}: sentences.{key}")
        extra = set(self.sentences) - set(SENTENCE_PLACEHOLDERS)
        if extra:
            names = ", ".join(sorted(extra))
            raise InvalidTemplate(
                f"{self.lang}: unbekannte Satzbausteine {names}",
                f"{self.lang}: unknown sentence blocks {names}",
                f"{self.lang}: sentences",
            )


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with its placeholders filled and whitespace (TOML line breaks) made single."""
    return " ".join(text.format_map(values).split())
