"""Long value lists in slices: every database bounds the parameters of one statement
(SQLite 32,766, PostgreSQL 65,535), so IN (...) lists and batches are cut up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TypeVar

# Values per IN (...) list: far below every backend's parameter limit.
IN_LIST_SIZE = 500

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def chunks(items: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def chunks_per_team(
    pairs: Iterable[tuple[str, K]], size: int = IN_LIST_SIZE
) -> Iterator[tuple[str, list[K]]]:
    """(team, values) with each team's distinct values, sorted, at most `size` at a time;
    for statements of the shape `team = ? AND value IN (...)`."""
    by_team: dict[str, set[K]] = defaultdict(set)
    for team, value in pairs:
        by_team[team].add(value)
    for team, values in sorted(by_team.items()):
        ordered: list[K] = sorted(values)  # type: ignore[type-var]
        for chunk in chunks(ordered, size):
            yield team, list(chunk)
