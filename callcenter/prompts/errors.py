"""Errors of the announcement texts. Like the schedule's: German message first, English too."""

from __future__ import annotations


class PromptError(ValueError):
    """Base of the prompt errors; `str()` is the German message."""

    def __init__(self, de: str, en: str, where: str = "") -> None:
        self.de = de
        self.en = en
        self.where = where
        super().__init__(de)

    def message(self, lang: str = "de") -> str:
        return self.en if lang.startswith("en") else self.de


class UnsupportedLanguage(PromptError):
    """A language without phrase rules or without a template file."""


class InvalidTemplate(PromptError):
    """A template file that cannot be read, lacks a text or uses an unknown placeholder."""
