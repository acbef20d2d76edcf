"""The change watch: a poke reacts at once, the poll catches what no poke announced, one
reaction per new version, and a failed reload does not end the watch."""

from __future__ import annotations

import asyncio
import threading

from callcenter.change_watch import ChangeWatch


class Versions:
    def __init__(self) -> None:
        self.value = 7
        self.fail = False

    def latest(self) -> tuple[int, str]:
        if self.fail:
            raise OSError("database away")
        return self.value, "web:admin: closure.add team/a"


async def test_a_poke_reacts_long_before_the_poll() -> None:
    versions = Versions()
    reacted = asyncio.Event()
    reactions = 0

    async def on_change() -> None:
        nonlocal reactions
        reactions += 1
        reacted.set()

    watch = ChangeWatch(versions.latest, on_change, poll_seconds=3600)
    await watch.start()
    try:
        assert watch.seen == 7
        watch.poke()  # nothing changed: no reaction
        await asyncio.sleep(0.05)
        assert reactions == 0
        versions.value = 8
        # From another thread, as the commit hook of a web request's worker thread does.
        threading.Thread(target=watch.poke).start()
        await asyncio.wait_for(reacted.wait(), 2)
        for _ in range(5):
            watch.poke()
        await asyncio.sleep(0.05)
        assert reactions == 1
        assert watch.seen == 8
    finally:
        await watch.stop()


async def test_the_poll_finds_a_change_nobody_announced_and_survives_a_failure() -> None:
    versions = Versions()
    seen: list[int] = []

    async def on_change() -> None:
        seen.append(versions.value)

    watch = ChangeWatch(versions.latest, on_change, poll_seconds=0.02)
    await watch.start()
    try:
        versions.fail = True
        await asyncio.sleep(0.1)  # a few failed polls, logged
        versions.fail = False
        versions.value = 9
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.02)
        assert seen == [9]
    finally:
        await watch.stop()
