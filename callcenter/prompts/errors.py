"""Errors of the announcement texts. Like the schedule's: German message first, English too."""

from __future__ import annotations

from callcenter.domain.errors import CallcenterError


class PromptError(CallcenterError, ValueError):
    """Base of the prompt errors; `str()` is the German message."""

    code = "prompt"


class UnsupportedLanguage(PromptError):
    """A language without phrase rules or without a template file."""


class InvalidTemplate(PromptError):
    """A template file that cannot be read, lacks a text or uses an unknown placeholder."""
