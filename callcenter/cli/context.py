"""What every command needs: settings, the store, the clock, the actor — built lazily.

Imported by every command (and by `callcenter --help`), so the heavy modules (configuration
with pydantic, the store with SQLAlchemy) are imported only where they are first used: a
start-up that pays for them in every command is the CLI's whole latency.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, ClassVar, Self, TypeVar

import click

from callcenter.domain.access import Actor
from callcenter.domain.errors import CallcenterError
from callcenter.domain.timeparse import WEEKDAY_SHORT_DE

if TYPE_CHECKING:
    from callcenter.config import Settings
    from callcenter.reporting.folder import FolderFiles
    from callcenter.storage.store import Store
    from callcenter.storage.unit_of_work import SqlUnitOfWork

T = TypeVar("T")


class CliFailure(click.ClickException):
    """An expected failure: printed as one line, exit code 1."""

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(f"Fehler: {self.message}", file=file, err=file is None)


def _sqlalchemy_error() -> type[Exception] | None:
    """SQLAlchemy's error base if SQLAlchemy is loaded: an error it raised implies it is, and
    not importing it here keeps commands that never touch the database light."""
    module = sys.modules.get("sqlalchemy.exc")
    error = getattr(module, "SQLAlchemyError", None)
    return error if isinstance(error, type) and issubclass(error, Exception) else None


def known_errors() -> tuple[type[Exception], ...]:
    """The expected failures; evaluated only when an exception is being handled."""
    from callcenter.config import ConfigError

    database_error = _sqlalchemy_error()
    extra = (database_error,) if database_error is not None else ()
    return (ConfigError, CallcenterError, *extra, OSError)


def describe_error(exc: Exception, lang: str) -> str:
    if isinstance(exc, CallcenterError):
        return exc.message(lang)
    database_error = _sqlalchemy_error()
    if database_error is not None and isinstance(exc, database_error):
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"Datenbankfehler / database error: {detail}"
    if isinstance(exc, OSError):
        return f"{exc.filename or ''} {exc.strerror or exc}".strip()
    return str(exc)


@dataclass
class CliContext:
    config_path: str | None
    data_dir: str | None
    actor_name: str | None
    lang: str
    debug: bool
    # Who runs the command (default: this process's user); the control socket sets the
    # caller's name, read from the socket's peer credentials.
    user: str | None = None
    # Where the command's output goes (None: this process's stdout/stderr); the control
    # socket gives each request its own buffers, sent back to the caller.
    out: IO[str] | None = None
    err: IO[str] | None = None
    # True inside the service (control socket): it re-renders the announcements itself after
    # every schedule change, so a command leaves that to it instead of doing it twice.
    service_renders_prompts: ClassVar[bool] = False
    # The caller's working directory when the command runs in the service (else this
    # process's own): relative paths of the command's arguments mean there.
    cwd: str | None = None
    _settings: Settings | None = field(default=None, init=False)
    _store: Store | None = field(default=None, init=False)

    @classmethod
    def for_service(
        cls,
        settings: Settings,
        store: Store,
        user: str,
        out: IO[str],
        err: IO[str],
        cwd: str | None = None,
    ) -> Self:
        """A context on settings and a store already open (the running service's); the
        group options of the request set language and actor."""
        context = cls(None, None, None, "de", False, user=user, out=out, err=err, cwd=cwd)
        context._settings = settings
        context._store = store
        return context

    def local_path(self, path: Path) -> Path:
        """`path` made absolute, as the caller means it (for messages and where to write)."""
        return path.resolve()

    @contextmanager
    def written_folder(self, out: Path, files: FolderFiles, *, adding: bool) -> Iterator[Path]:
        """Write `files` into the caller's folder `out`; yields the folder, which holds them
        to add more from (the PDF printed from the written pages) when `adding`."""
        files.write_into(out)
        yield out

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from callcenter.config import load_settings

            self._settings = load_settings(
                Path(self.config_path) if self.config_path else None,
                environ=dict(os.environ),
                data_dir=Path(self.data_dir) if self.data_dir else None,
            )
        return self._settings

    @property
    def store(self) -> Store:
        """The database, migrated and seeded from the configuration on first use."""
        if self._store is None:
            from callcenter.storage.store import open_store
            from callcenter.usecases.schedule import seed_from_settings

            self._store = open_store(self.settings)
            if seed_from_settings(self._store, self.actor, self.now()):
                echo(
                    f"Datenbank aus {self.settings.source} befüllt / database seeded "
                    f"({self.settings.database_url})",
                    err=True,
                )
        return self._store

    @property
    def actor(self) -> str:
        return self.actor_name or f"cli:{self.user or getpass.getuser()}"

    @property
    def as_actor(self) -> Actor:
        """Whoever runs the CLI owns the database: an admin, named in the audit log."""
        return Actor.admin(self.actor)

    def run(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        """Run a use case in one transaction (committed if it succeeds)."""
        with self.store.unit_of_work() as uow:
            return work(uow)

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(self.settings.tz)

    def parse_instant(self, text: str) -> datetime:
        """ISO 8601; without an offset it is local time of the office."""
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise click.BadParameter(
                f"„{text}“ ist kein Zeitpunkt nach ISO 8601 (z. B. 2026-12-24T10:00:00+01:00)"
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.settings.tz)
        return value

    def parse_day(self, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise click.BadParameter(
                f"„{text}“ ist kein Datum im Format JJJJ-MM-TT (z. B. 2026-12-24)"
            ) from None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def local_text(value: datetime | None, settings: Settings) -> str:
    """'Do 24.12.2026 10:00' in the office's time zone."""
    if value is None:
        return "–"
    local = value.astimezone(settings.tz)
    return f"{WEEKDAY_SHORT_DE[local.weekday()]} {local:%d.%m.%Y %H:%M}"


pass_cli = click.make_pass_decorator(CliContext)


def echo(message: str = "", *, err: bool = False) -> None:
    """`click.echo` into the running command's output: the terminal, or the buffers of a
    request on the control socket (click keeps the current context per thread)."""
    context = click.get_current_context(silent=True)
    cli = context.find_object(CliContext) if context is not None else None
    stream = None if cli is None else cli.err if err else cli.out
    click.echo(message, file=stream, err=err)
