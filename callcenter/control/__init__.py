"""The control socket: fast CLI commands run inside the running service.

A `callcenter state` or `closure add` that starts its own interpreter pays ≈0.6 s for
SQLAlchemy, pydantic and the commands' modules before it does anything. `serve` has all of
that loaded: the CLI sends its arguments over a Unix socket in the data directory, the
service runs the very same command (same use cases, permissions, audit) and sends the
output back. The client side (`client`, `socket_path`, `protocol`) uses only the standard
library; `server` is the asyncio listener that `bootstrap` wires in.
"""
