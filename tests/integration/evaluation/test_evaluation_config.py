"""The configuration's [evaluation] section reaches the report: the same hand-built calls
give another service level with another threshold (numbers worked out by hand)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from evaluation_support import TEAM, at, call

from callcenter.config import example_config_text, parse_settings
from callcenter.domain.calls import CallRecord, Outcome
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.store import Store, open_store
from callcenter.usecases.evaluation import compute_office_report
from callcenter.usecases.schedule import seed_from_settings

from .conftest import ACTOR, NOW

DAY = date(2026, 9, 14)  # a Monday in the pilot; team A's window is 09:00-12:00

# Seven calls inside the hours (waits in seconds):
#   answered after 8, 19, 20, 25 and 31 s; abandoned after 2 s (a short abandon, <= 5 s)
#   and after 40 s. Plus one announcement call outside, which no service level counts.
# Short abandons excluded, the denominator is 7 - 1 = 6:
#   threshold 30 s: answered within it 8, 19, 20, 25  -> 4 / 6
#   threshold 20 s: answered within it 8, 19, 20      -> 3 / 6 (20 s itself still counts)
# Short abandons included: 4 / 7 at 30 s.
WAITS_ANSWERED = (8, 19, 20, 25, 31)


def _calls() -> list[CallRecord]:
    calls = [
        call(
            f"sl-{n}",
            at(DAY, 9, 5 * n),
            Outcome.ANSWERED,
            inside=True,
            caller=f"c{n}",
            wait=w,
            talk=60,
        )
        for n, w in enumerate(WAITS_ANSWERED)
    ]
    calls.append(
        call("sl-short", at(DAY, 10, 0), Outcome.ABANDONED, inside=True, caller="s", wait=2)
    )
    calls.append(
        call("sl-long", at(DAY, 10, 30), Outcome.ABANDONED, inside=True, caller="l", wait=40)
    )
    calls.append(
        call("sl-out", at(DAY, 14, 0), Outcome.ANNOUNCEMENT, inside=False, caller="o", wait=25)
    )
    return calls


@contextmanager
def _store(tmp_path: Path, db_url: str, section: dict[str, str]) -> Iterator[Store]:
    text = example_config_text().replace('url = ""', f'url = "{db_url}"', 1)
    for key, value in section.items():
        old = next(line for line in text.splitlines() if line.startswith(f"{key} = "))
        text = text.replace(old, f"{key} = {value}", 1)
    path = tmp_path / "callcenter.toml"
    path.write_text(text, "utf-8")
    store = open_store(parse_settings(text, path, data_dir=tmp_path / "data"))
    seed_from_settings(store, ACTOR, NOW)
    try:
        with store.session() as session:
            CallRecordRepository(session).add_many(_calls())
        yield store
    finally:
        store.close()


def _service_level(store: Store, settings: EvaluationSettings | None = None) -> float | None:
    report = compute_office_report(store, DAY, DAY, [TEAM], now=NOW, settings=settings)
    (team,) = report.per_team
    assert (team.offered, team.inside) == (8, 7)
    return team.service_level


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({}, 4 / 6),
        ({"service_level_seconds": "20"}, 3 / 6),
        ({"exclude_short_abandons": "false"}, 4 / 7),
        ({"short_abandon_seconds": "1"}, 4 / 7),  # the 2 s abandon is no longer short
    ],
    ids=["defaults", "20 s", "short abandons counted", "shorter short abandons"],
)
def test_the_configured_threshold_changes_the_service_level(
    tmp_path: Path, db_url: str, section: dict[str, str], expected: float
) -> None:
    with _store(tmp_path, db_url, section) as store:
        assert _service_level(store) == pytest.approx(expected)


def test_an_explicit_settings_argument_wins_over_the_configuration(
    tmp_path: Path, db_url: str
) -> None:
    with _store(tmp_path, db_url, {"service_level_seconds": "20"}) as store:
        assert _service_level(store) == pytest.approx(3 / 6)
        assert _service_level(store, EvaluationSettings()) == pytest.approx(4 / 6)
