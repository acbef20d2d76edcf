"""Schemathesis against the served OpenAPI document: generated requests (valid and invalid)
to every operation, on 127.0.0.1 with an API token. No 5xx, and every response must match
the documented status codes, content types and schemas.

Bounded: 25 examples per operation; the server runs in a thread with its own event loop
because schemathesis calls it synchronously.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from callcenter.web.api import AUDIO_TYPES, ENDPOINTS
from callcenter.web.openapi import OPENAPI_PATH, build_openapi
from callcenter.web.server import WebServer, start_web

from .conftest import CHEAP_HASHER, api_token, make_env

# Recording uploads are raw audio bytes: send them like any binary body.
schemathesis.serializer.alias(list(AUDIO_TYPES), "application/octet-stream")
schema = schemathesis.openapi.from_dict(build_openapi(ENDPOINTS, "callcenter"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


class ThreadedServer:
    """The web app on 127.0.0.1 in a background thread with its own event loop."""

    def __init__(self, data_dir: Path) -> None:
        self.env = make_env(data_dir)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: WebServer | None = None

    def start(self) -> str:
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(
            start_web(self.env.app, "127.0.0.1", 0), self.loop
        )
        self.server = future.result(timeout=30)
        return self.server.url

    def stop(self) -> None:
        if self.server is not None:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()
        self.env.store.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with pytest.MonkeyPatch.context() as patch:
        from callcenter.storage import web_repository

        patch.setattr(web_repository, "_HASHER", CHEAP_HASHER)
        server = ThreadedServer(tmp_path_factory.mktemp("schemathesis"))
        try:
            url = server.start()
            token = api_token(server.env, "alice", "schemathesis")
            yield url, {"Authorization": f"Bearer {token}"}
        finally:
            server.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def test_the_served_document_is_the_one_under_test(live: tuple[str, dict[str, str]]) -> None:
    url, _headers = live
    served = requests.get(url + OPENAPI_PATH, timeout=10).json()
    assert served == build_openapi(ENDPOINTS, served["info"]["title"])


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms_to_its_openapi_document(
    case: schemathesis.Case, live: tuple[str, dict[str, str]], http: requests.Session
) -> None:
    url, headers = live
    case.call_and_validate(base_url=url, session=http, headers=headers, checks=CHECKS, timeout=30)
