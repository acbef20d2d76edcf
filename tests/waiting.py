"""Waiting in async tests for something another task or process brings about.

Shared by the integration and end-to-end tests (import it as `from waiting import
wait_for`: pytest puts tests/ on sys.path, as for browser_support).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

Condition = Callable[[], object] | Callable[[], Awaitable[object]]


async def wait_for(condition: Condition, timeout: float, what: str, *, step: float = 0.01) -> float:
    """Poll `condition()` every `step` seconds until it is true; returns the real seconds it
    took. The condition may be a coroutine function (e.g. one that asks an HTTP endpoint).
    After `timeout` seconds: AssertionError naming `what` and the timeout."""
    began = time.monotonic()
    # The condition is asked once more after the deadline, so a slow last step still counts.
    while not await _holds(condition):
        if time.monotonic() - began > timeout:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(step)
    return time.monotonic() - began


async def _holds(condition: Condition) -> bool:
    result = condition()
    if inspect.isawaitable(result):
        result = await result
    return bool(result)
