"""Commands run inside the service for a caller on the control socket.

The very click commands of the direct path, parsed and run the same way: the same texts
for help and errors, the same exit codes, the same use cases (permissions, validation,
audit). What differs: the settings and the store are the service's (already open, and its
commit hook wakes the state pusher at once), the actor is the caller's user name, the
output goes into buffers sent back to the caller, and a schedule change does not re-render
the announcements in the command: the service does that after every change anyway (so the
direct path's lines about rendered files are not printed).
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from callcenter.cli import cli
from callcenter.cli.context import CliContext, CliFailure
from callcenter.control.client import served_options
from callcenter.control.protocol import (
    EXIT_INTERNAL_ERROR,
    EXIT_NOT_THIS_SERVICE,
    ControlReply,
    ControlRequest,
    internal_error_line,
)
from callcenter.control.socket_path import config_identity

if TYPE_CHECKING:
    from callcenter.config import Settings
    from callcenter.reporting.folder import FolderFiles
    from callcenter.storage.store import Store

logger = logging.getLogger(__name__)


class ServedContext(CliContext):
    """A request's context on the service's settings and store (which outlive it)."""

    # The service's own refresh (ServiceJobs) re-renders after the change, off this reply.
    service_renders_prompts = True
    # The caller's folder and the files for it, sent with the reply: the service runs as
    # its own user with its own /tmp, so the caller's CLI writes them.
    delivery: tuple[str, FolderFiles] | None = None

    def local_path(self, path: Path) -> Path:
        if self.cwd is None:
            raise CliFailure(
                "Arbeitsverzeichnis des Aufrufs unbekannt / the caller's working directory "
                "is unknown"
            )
        # Not resolve(): symbolic links are the caller's to follow, in the caller's view of
        # the file system (the service's /tmp is another).
        return Path(os.path.normpath(Path(self.cwd) / path))

    @contextmanager
    def written_folder(self, out: Path, files: FolderFiles, *, adding: bool) -> Iterator[Path]:
        if not adding:  # nothing to make from the files on disk: they go straight to the caller
            self.delivery = (str(out), files)
            yield out
            return
        with tempfile.TemporaryDirectory(prefix="callcenter-report-") as scratch:
            folder = Path(scratch)
            files.write_into(folder)
            try:
                yield folder  # the PDF is printed from these pages
            finally:
                # What the command added (the PDF), also when it failed afterwards: the
                # direct path leaves the written site behind, too.
                known = files.names()
                made = {
                    name: path.read_bytes()
                    for path in sorted(folder.rglob("*"))
                    if path.is_file() and (name := path.relative_to(folder).as_posix()) not in known
                }
                self.delivery = (str(out), files.adding(made))


def control_handler(
    store: Store, settings: Settings, config: str | None
) -> Callable[[ControlRequest], ControlReply]:
    """What the control socket runs for each request (in a worker thread). `config`: the
    `--config` the service was started with (CliContext.config_path)."""
    # Resolved now, in the service's working directory, as the client resolves its own.
    # Not settings.source: that names the packaged example by a bare file name, which a
    # relative --config could name too.
    own_config = config_identity(config)

    def handle(request: ControlRequest) -> ControlReply:
        if request.config != own_config:
            # Same data directory (the client found this socket), another configuration:
            # possibly another database. The client then runs the command directly.
            return ControlReply(
                EXIT_NOT_THIS_SERVICE,
                "",
                "Fehler: Der Dienst läuft mit einer anderen Konfigurationsdatei / the service "
                "runs on another configuration file\n",
            )
        if served_options(list(request.argv)) is None:
            # Only what the CLI sends here: not `serve` inside the service, not help (which
            # click prints to this process's terminal).
            return ControlReply(
                2,
                "",
                "Fehler: Dieser Befehl läuft nicht über den Steuer-Socket; ohne ihn aufrufen "
                "(CALLCENTER_NO_CONTROL=1) / this command is not served over the control "
                "socket; run it directly\n",
            )
        out, err = io.StringIO(), io.StringIO()
        context = ServedContext.for_service(settings, store, request.user, out, err, request.cwd)
        code = run_served(list(request.argv), context)
        if context.delivery is None:
            return ControlReply(code, out.getvalue(), err.getvalue())
        return ControlReply(code, out.getvalue(), err.getvalue(), *context.delivery)

    return handle


def run_served(argv: list[str], context: CliContext) -> int:
    """Run `callcenter ARGV` on `context`; returns the exit code `main` would have ended with
    and writes what it would have printed to the context's streams."""
    assert context.out is not None
    assert context.err is not None
    try:
        result = cli.main(args=argv, prog_name="callcenter", standalone_mode=False, obj=context)
    except click.ClickException as exc:
        exc.show(file=context.err)
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted!", file=context.err)
        return 1
    except Exception as exc:
        logger.exception("control socket: callcenter %s failed", " ".join(argv))
        click.echo(internal_error_line(exc), file=context.err)
        return EXIT_INTERNAL_ERROR
    # Only an explicit ctx.exit(code) makes click return a number here; commands return None.
    return result if isinstance(result, int) else 0
