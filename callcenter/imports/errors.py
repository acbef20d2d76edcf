"""Import errors: each names the file, the line and, where it can, the field."""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.domain.errors import CallcenterError

# More problems than this and the file is clearly not what it claims to be.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one line of a file (line 0: the file as a whole)."""

    file: str
    line: int
    field: str | None
    de: str
    en: str

    def where(self, lang: str = "de") -> str:
        line_word = "line" if lang.startswith("en") else "Zeile"
        field_word = "field" if lang.startswith("en") else "Feld"
        parts = [self.file]
        if self.line:
            parts.append(f"{line_word} {self.line}")
        if self.field:
            parts.append(
                f"{field_word} „{self.field}“" if lang == "de" else f"{field_word} '{self.field}'"
            )
        return ", ".join(parts)

    def message(self, lang: str = "de") -> str:
        text = self.en if lang.startswith("en") else self.de
        return f"{self.where(lang)}: {text}"


class ImportFailed(CallcenterError):
    """The file was refused; nothing of it was written. `str()` is the German message."""

    code = "import_failed"

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ImportFailed needs at least one problem")
        self.problems = tuple(problems)
        super().__init__(self._text("de"), self._text("en"))

    def _text(self, lang: str) -> str:
        """The first problem, plus how many more there are (all of them in `problems`)."""
        first = self.problems[0].message(lang)
        more = len(self.problems) - 1
        if lang.startswith("en"):
            head = "import refused, nothing was written"
            tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        else:
            head = "Import abgelehnt, nichts gespeichert"
            tail = f" (und {more} weitere{'r' if more == 1 else ''} Fehler)" if more else ""
        return f"{head}: {first}{tail}"


class ProblemList:
    """Collects problems while a file is parsed; stops the parse when there are too many."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, line: int, field: str | None, de: str, en: str) -> None:
        self.items.append(Problem(self.file, line, field, de, en))
        if len(self.items) >= MAX_PROBLEMS:
            raise ImportFailed(self.items)

    def fail(self, line: int, field: str | None, de: str, en: str) -> ImportFailed:
        """An error that ends the parse at once (the file cannot be read further)."""
        self.items.append(Problem(self.file, line, field, de, en))
        return ImportFailed(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFailed(self.items)
