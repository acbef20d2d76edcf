"""The shared polling helper of the async tests (tests/waiting.py)."""

from __future__ import annotations

import pytest
from waiting import wait_for


async def test_returns_once_the_condition_holds_with_the_seconds_it_took() -> None:
    calls = 0

    def third_time() -> bool:
        nonlocal calls
        calls += 1
        return calls == 3

    took = await wait_for(third_time, 5, "the third call", step=0)
    assert calls == 3
    assert took >= 0


async def test_a_coroutine_condition_is_awaited() -> None:
    answers = iter([False, None, "ja"])

    async def asked() -> object:
        return next(answers)

    await wait_for(asked, 5, "a true answer", step=0)
    assert next(answers, "none left") == "none left"


async def test_timeout_names_what_was_awaited_and_the_timeout() -> None:
    with pytest.raises(AssertionError, match=r"^timed out after 0\.05 s waiting for the moon$"):
        await wait_for(lambda: False, 0.05, "the moon", step=0.01)
