"""Call sets for the evaluation tests: hand-built ones with numbers worked out by hand, and
the office of the example configuration with the synthetic data set's schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from callcenter.config import load_settings
from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import Closure, Office
from callcenter.evaluation.inputs import EvaluationSettings
from callcenter.evaluation.synthetic import SyntheticParams, prepare_office
from callcenter.holiday_calendar import german_holidays

BERLIN = ZoneInfo("Europe/Berlin")
TEAM = "auslaender-a"
OTHER = "auslaender-b"
SETTINGS = EvaluationSettings()


def example_office() -> Office:
    """The office of callcenter.example.toml (pilot of auslaender-a from 2026-08-17)."""
    settings = load_settings(None, environ={})
    return settings.office_seed(german_holidays(settings.office.holiday_state))


def synthetic_office(params: SyntheticParams | None = None) -> Office:
    return prepare_office(params or SyntheticParams(), example_office())


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    """Office-local wall time as an aware datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=BERLIN)


def call(
    linked_id: str,
    started: datetime,
    outcome: Outcome,
    *,
    inside: bool | None,
    caller: str,
    team: str = TEAM,
    wait: float | None = None,
    talk: float | None = None,
    line: LineKind = LineKind.TEAM_LINE,
) -> CallRecord:
    answered = started + timedelta(seconds=wait or 0) if outcome == Outcome.ANSWERED else None
    return CallRecord(
        linked_id=linked_id,
        team=team,
        line_kind=line,
        dialled="06151100",
        caller=caller,
        started=started,
        outcome=outcome,
        in_hours=inside,
        answered=answered,
        ended=started + timedelta(seconds=(wait or 0) + (talk or 0)),
        wait_seconds=wait,
        talk_seconds=talk,
    )


MONDAY = date(2026, 9, 14)
TUESDAY = date(2026, 9, 15)
LATER = date(2026, 9, 25)
PERIOD = (date(2026, 9, 14), date(2026, 9, 30))


def hand_calls() -> list[CallRecord]:
    """Ten calls of team A (windows Mo–Do 09–12) whose metrics are worked out by hand in
    tests/unit/evaluation/test_evaluation_metrics.py."""
    a = Outcome
    return [
        call("h01", at(MONDAY, 8, 30), a.ANNOUNCEMENT, inside=False, caller="X", wait=25),
        call("h02", at(MONDAY, 9, 10), a.ANSWERED, inside=True, caller="X", wait=20, talk=120),
        call("h03", at(MONDAY, 9, 20), a.ANSWERED, inside=True, caller="Y", wait=45, talk=180),
        call("h04", at(MONDAY, 9, 40), a.ABANDONED, inside=True, caller="Z", wait=3),
        call("h05", at(MONDAY, 10, 5), a.ABANDONED, inside=True, caller="Z", wait=50),
        call(
            "h06",
            at(MONDAY, 10, 30),
            a.TIMEOUT,
            inside=True,
            caller="W",
            wait=120,
            line=LineKind.SWITCHBOARD,
        ),
        call("h07", at(MONDAY, 12, 30), a.ANNOUNCEMENT_HANGUP, inside=False, caller="V", wait=6),
        call(
            "h08",
            at(MONDAY, 14, 0),
            a.ANNOUNCEMENT,
            inside=False,
            caller=WITHHELD,
            wait=25,
            line=LineKind.DIRECT_LINE,
        ),
        call("h09", at(TUESDAY, 9, 15), a.ANSWERED, inside=True, caller="Y", wait=10, talk=60),
        call("h10", at(LATER, 9, 0), a.ANSWERED, inside=True, caller="Y", wait=5, talk=100),
    ]


HAND_CLOSURES = (Closure.whole_days(TEAM, date(2026, 9, 24), date(2026, 9, 24), BERLIN, "eng"),)
HAND_WALK_INS = ((TEAM, MONDAY, 5), (TEAM, TUESDAY, 3), (OTHER, MONDAY, 4))

SPRING = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST
AUTUMN = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET


def dst_calls() -> list[CallRecord]:
    """One answered call in every UTC hour of the two changeover days (office-local)."""
    calls = []
    for day in (SPRING, AUTUMN):
        begin = at(day, 0).astimezone(UTC)
        end = at(day + timedelta(days=1), 0).astimezone(UTC)
        moment = begin + timedelta(minutes=10)
        n = 0
        while moment < end:
            calls.append(
                call(
                    f"dst-{day.isoformat()}-{n:02d}",
                    moment,
                    Outcome.ANSWERED,
                    inside=True,
                    caller=f"dst-{n}",
                    wait=10,
                    talk=60,
                )
            )
            moment += timedelta(hours=1)
            n += 1
    return calls
