"""Fixtures for the AMI client tests: a fake Asterisk on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_ami import FakeAmi, Recording


@pytest.fixture(scope="session")
def recording() -> Recording:
    return Recording()


@pytest.fixture
async def server(recording: Recording) -> AsyncIterator[FakeAmi]:
    fake = FakeAmi(recording)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
