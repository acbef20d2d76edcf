"""Errors of the audio side: a tool that is missing or fails, and a rejected upload.

Both carry a German and an English message, like `PromptError`. A rejected upload is the
admin's to fix (a ValueError, HTTP 400); a failing tool is the installation's (HTTP 500),
so `AudioToolError` is deliberately not a `PromptError`. The tool's own output stays in
`AudioToolError.de/en` for logs and the CLI; web users see `public_de/public_en`.
"""

from __future__ import annotations

from enum import StrEnum

from callcenter.domain.errors import CallcenterError
from callcenter.prompts.errors import PromptError


class AudioToolError(CallcenterError, RuntimeError):
    """espeak-ng or sox is missing, failed or timed out; names the tool and its stderr."""

    # The installation's fault (sox/espeak-ng missing or hung), not the request's.
    kind = "unavailable"
    code = "audio_tool"

    def __init__(
        self, tool: str, de: str, en: str, stderr: str = "", exit_code: int | None = None
    ) -> None:
        self.tool = tool
        # None: the tool never ran to the end (missing, timed out), so the input is not to blame.
        self.exit_code = exit_code
        self.stderr = stderr
        super().__init__(de, en)

    # For the web's users: `de`/`en` carry the tool's output and paths of the server, which
    # belong in the log and the operator's terminal, not on a page or in an API answer.
    @property
    def public_de(self) -> str:
        return (
            f"Das Audiowerkzeug {self.tool} ist auf dem Server nicht verfügbar oder "
            "fehlgeschlagen. Die Einzelheiten stehen im Protokoll des Dienstes; bitte die "
            "Administration verständigen."
        )

    @property
    def public_en(self) -> str:
        return (
            f"The audio tool {self.tool} is not available on the server or failed. The details "
            "are in the service log; please tell the administrator."
        )


class Problem(StrEnum):
    """Why an upload was rejected; lets callers (and tests) tell the cases apart."""

    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_LARGE = "too_large"
    NOT_AUDIO = "not_audio"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    SILENT = "silent"


class RecordingRejected(PromptError):
    """An uploaded recording that cannot be used; nothing on disk was changed."""

    kind = "rejected"
    default_field = "file"

    def __init__(self, problem: Problem, de: str, en: str, where: str = "") -> None:
        self.problem = problem
        super().__init__(de, en, where)

    def error_code(self) -> str:
        # The API tells the cases apart: recording_too_short, recording_silent, …
        return f"recording_{self.problem}"


class UnknownPromptSlot(PromptError):
    """A team, reason or language that cannot name a sound file (e.g. '../x')."""

    kind = "not_found"
    code = "unknown_prompt"
