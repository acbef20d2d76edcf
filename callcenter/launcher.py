"""The `callcenter` command: through the running service's control socket when it can,
else the CLI as such.

Imports only the standard library before it knows which way to go: the fast commands
(callcenter.control.client.SERVED) then answer in a few tens of milliseconds, since the
service has SQLAlchemy, pydantic and the commands loaded already. Everything else, and
every command when no service listens, goes to `callcenter.cli.main` unchanged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from callcenter.control import client
from callcenter.control.protocol import EXIT_NO_ANSWER

if TYPE_CHECKING:
    from callcenter.reporting.folder import FolderFiles


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = client.route(args, os.environ)
    if target is not None:
        try:
            reply = client.call(target)
        except client.NoService:
            pass  # no service took it: the direct path, as if there were no socket
        except client.NoAnswer as exc:
            if client.lane(target.argv) == "report":  # it changes nothing: run it again
                advice = (
                    "den Bericht erneut starten, ohne Dienst mit CALLCENTER_NO_CONTROL=1. / the "
                    "service did not answer; run the report again (CALLCENTER_NO_CONTROL=1: "
                    "without the service)."
                )
            else:
                advice = (
                    "ob die Änderung gespeichert wurde, zeigt z. B. `callcenter closure list`. "
                    "/ the service did not answer; check whether the change was stored."
                )
            sys.stderr.write(f"Fehler: Der Dienst hat nicht geantwortet ({exc}); {advice}\n")
            sys.exit(EXIT_NO_ANSWER)
        else:
            if (
                reply.folder is not None
                and reply.out is not None
                and not _write(reply.out, reply.folder)
            ):
                sys.exit(1)
            _print(reply.stdout, reply.stderr)
            sys.exit(reply.code)
    from callcenter.cli import main as direct

    direct(args)


def _write(out: str, folder: FolderFiles) -> bool:
    """Write the files the service made for the caller's folder (a report's site), as this
    user; False (and the reason on stderr) if that fails."""
    from callcenter.reporting.folder import FolderError

    try:
        folder.write_into(Path(out))
    except FolderError as exc:
        sys.stderr.write(f"Fehler: {exc.de} / {exc.en}\n")
        return False
    return True


def _print(out: str, err: str) -> None:
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`callcenter state | head -1`): quiet, as click is; stdout
        # pointed at /dev/null so that the flush at exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.stderr.write(err)
    sys.stderr.flush()
