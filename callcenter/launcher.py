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


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    from callcenter.control import client

    target = client.route(args, os.environ)
    if target is not None:
        try:
            reply = client.call(target)
        except client.NoService:
            pass  # no service: the direct path, as if there were no socket
        except client.NoAnswer as exc:
            from callcenter.control.protocol import EXIT_NO_ANSWER

            sys.stderr.write(
                f"Fehler: Der Dienst hat nicht geantwortet ({exc}); ob die Änderung "
                "gespeichert wurde, zeigt z. B. `callcenter closure list`. / the service did "
                "not answer; check whether the change was stored.\n"
            )
            sys.exit(EXIT_NO_ANSWER)
        else:
            sys.stdout.write(reply.stdout)
            sys.stderr.write(reply.stderr)
            sys.stdout.flush()
            sys.exit(reply.code)
    from callcenter.cli import main as direct

    direct(args)
