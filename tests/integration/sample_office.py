"""The schedule the storage tests seed: shaped like the example configuration."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from callcenter.domain.schedule import (
    Closure,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    windows_from_spec,
)

BERLIN = ZoneInfo("Europe/Berlin")
# A dict is a valid HolidayCalendar; the same object comes back from `calendar_for`, so a
# loaded Office can compare equal to the seeded one.
HOLIDAYS_HE = {
    date(2026, 4, 3): "Karfreitag",
    date(2026, 4, 6): "Ostermontag",
    date(2026, 6, 4): "Fronleichnam",
    date(2026, 12, 25): "Erster Weihnachtstag",
}


def calendar_for(state: str) -> dict[date, str]:
    assert state == "HE", f"calendar asked for {state!r}"
    return HOLIDAYS_HE


def sample_office() -> Office:
    """An office like the example configuration: a pilot team, control teams, switchboard."""
    team_a = Team(
        id="auslaender-a",
        name_de="Ausländerbehörde Team A",
        name_en="Immigration office team A",
        windows=windows_from_spec("Mo-Do 09:00-12:00") + windows_from_spec("Do 14:00-17:30"),
        queue="auslaender-a",
        team_lines=("06151100",),
        direct_lines=("0615110XX",),
    )
    team_b = Team(
        id="auslaender-b",
        name_de="Ausländerbehörde Team B",
        name_en="Immigration office team B",
        queue="auslaender-b",
        team_lines=("06151200",),
        direct_lines=("0615120XX", "06151299"),
        holidays_enabled=False,
    )
    switchboard = Team(
        id="zentrale",
        name_de="Telefonzentrale",
        name_en="Switchboard",
        windows=windows_from_spec("Mo-Fr 08:00-16:00"),
        queue="zentrale",
        team_lines=("06151000",),
        ignored_holidays=frozenset({"Fronleichnam"}),
    )
    return Office(
        tz=BERLIN,
        holidays=HOLIDAYS_HE,
        teams=(team_a, team_b, switchboard),
        closures=(
            Closure.whole_days(
                "auslaender-a", date(2026, 3, 2), date(2026, 3, 3), BERLIN, "Personalengpass"
            ),
            Closure(
                None,
                datetime(2026, 12, 24, 12, 0, tzinfo=BERLIN),
                datetime(2026, 12, 24, 16, 30, tzinfo=BERLIN),
                "Heiligabend nachmittags",
            ),
        ),
        openings=(SpecialOpening("auslaender-a", date(2026, 5, 9), time(9), time(13), "Samstag"),),
        pilots=(
            Pilot("auslaender-a", date(2026, 3, 1), date(2026, 5, 31), "Pilotphase 1"),
            Pilot("auslaender-a", date(2026, 9, 1), None, "Pilotphase 2"),
        ),
    )


SEEDED_AT = datetime(2026, 1, 5, 8, 0, tzinfo=BERLIN)
