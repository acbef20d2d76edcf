"""ResultCache with a past projection: results outlive calls that arrived (shown as of their
time while computed anew), never a change of the past. Versions here are (past, live)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import UTC, datetime

from callcenter.usecases.result_cache import ResultCache

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def past(version: Hashable) -> Hashable:
    assert isinstance(version, tuple)
    return version[0]


def versions(*values: tuple[int, int]) -> Callable[[], Hashable]:
    it = iter(values)
    return lambda: next(it)


def test_a_result_computed_while_calls_arrived_is_kept_under_the_version_it_began_with() -> None:
    cache: ResultCache[str] = ResultCache(past=past)
    cache.get_or_compute(versions((1, 1), (1, 2)), "key", lambda: "r1", at=AT)
    assert cache.peek((1, 1), "key") == (True, "r1")
    assert cache.peek((1, 2), "key") == (False, None)


def test_a_change_of_the_past_while_computing_keeps_nothing() -> None:
    cache: ResultCache[str] = ResultCache(past=past)
    cache.get_or_compute(versions((1, 1), (2, 1)), "key", lambda: "r1")
    assert cache.peek((1, 1), "key") == (False, None)
    assert cache.recent((2, 1), "key") is None


def test_recent_hands_out_an_older_result_only_when_just_calls_came() -> None:
    cache: ResultCache[str] = ResultCache(past=past)
    cache.get_or_compute(versions((1, 1), (1, 1)), "key", lambda: "r1", at=AT)
    kept = cache.recent((1, 5), "key")
    assert kept is not None
    assert (kept.result, kept.as_of) == ("r1", AT)
    assert cache.recent((2, 5), "key") is None  # the past changed: never shown again
    assert cache.recent((1, 1), "key") is None  # current: peek serves it, not recent
    assert cache.recent((1, 5), "other") is None


def test_without_a_past_projection_nothing_older_is_handed_out() -> None:
    cache: ResultCache[str] = ResultCache()
    cache.get_or_compute(versions((1, 1), (1, 2)), "key", lambda: "r1")
    assert cache.peek((1, 1), "key") == (False, None)  # changed meanwhile: not kept
    cache.get_or_compute(versions((1, 2), (1, 2)), "key", lambda: "r2")
    assert cache.recent((1, 3), "key") is None


def test_a_new_past_drops_the_results_of_the_old_one() -> None:
    cache: ResultCache[str] = ResultCache(past=past)
    cache.get_or_compute(versions((1, 1), (1, 1)), "a", lambda: "a1")
    cache.get_or_compute(versions((2, 1), (2, 1)), "b", lambda: "b2")
    assert cache.recent((2, 3), "a") is None
    assert cache.peek((2, 1), "b") == (True, "b2")


def test_refresh_computes_once_however_many_readers_ask_meanwhile() -> None:
    cache: ResultCache[str] = ResultCache(past=past)
    started, release = threading.Event(), threading.Event()
    computed: list[str] = []

    def slow() -> str:
        computed.append("x")
        started.set()
        release.wait(5)
        return "fresh"

    first = threading.Thread(target=cache.refresh, args=(lambda: (1, 2), "key", slow))
    first.start()
    assert started.wait(5)
    assert cache.refresh(lambda: (1, 2), "key", slow) is False  # under way: not started again
    release.set()
    first.join(5)
    assert computed == ["x"]
    assert cache.peek((1, 2), "key") == (True, "fresh")
    assert cache.refresh(lambda: (1, 2), "key", lambda: "again") is True  # done: may run again
