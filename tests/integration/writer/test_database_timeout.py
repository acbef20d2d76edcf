"""A PostgreSQL host that accepts the connection and then says nothing (a hung server, a
firewall that swallows packets) must fail a write after the connect timeout, not hang it:
the writer then spools, and a retry comes later."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from callcenter.storage.database import POSTGRES_CONNECT_TIMEOUT_SECONDS, make_engine


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A listening socket that never accepts: the kernel completes the TCP handshake,
    the PostgreSQL startup message then waits for an answer that never comes."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as server:
        yield server.getsockname()[1]


def test_connecting_to_a_silent_postgres_times_out(silent_port: int) -> None:
    assert 0 < POSTGRES_CONNECT_TIMEOUT_SECONDS <= 30
    engine = make_engine(f"postgresql://callcenter@127.0.0.1:{silent_port}/callcenter")
    try:
        with pytest.raises(OperationalError) as raised:
            engine.connect()
        assert isinstance(raised.value.orig, psycopg.errors.ConnectionTimeout)
    finally:
        engine.dispose()
