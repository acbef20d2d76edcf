"""Team statuses are kept per schedule until their next change: what the memo serves is what
computing afresh gives, at every instant of a week (including backwards in time)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from callcenter.web import readmodels

from ..sample_office import sample_office

BERLIN = ZoneInfo("Europe/Berlin")


def test_memoised_statuses_equal_fresh_ones_through_a_week() -> None:
    office = sample_office()
    start = datetime(2026, 11, 23, 6, 0, tzinfo=BERLIN)
    instants = [start + timedelta(minutes=41 * step) for step in range(7 * 24 * 60 // 41)]
    for now in [*instants, *reversed(instants[::5])]:
        for team_id in office.team_ids:
            assert readmodels.team_status(office, team_id, now) == readmodels._team_status(
                office, team_id, now
            ), (team_id, now)


def test_a_new_schedule_is_not_answered_from_the_old_ones_memo() -> None:
    office = sample_office()
    now = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
    team_id = office.team_ids[0]
    before = readmodels.team_status(office, team_id, now)
    changed = replace(office, teams=tuple(replace(t, windows=()) for t in office.teams))
    after = readmodels.team_status(changed, team_id, now)
    assert after == readmodels._team_status(changed, team_id, now)
    assert after != before
