"""How long the live states pushed now stay right: the next boundary of any team.

The PBX trusts the pushed states while the heartbeat is fresh. A service that dies a
few seconds before a closing time would leave the old state trusted past that time, so
the pusher also writes the instant computed here (`callhours/_valid_until`): at it,
the dialplan stops trusting the live state and routes by its compiled fallback until
the service pushes the new state.

Pure and clock-free: the instant asked about comes in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.domain.errors import NaiveDatetime
from callcenter.domain.schedule import Office, transitions

# No boundary within this span (a team without windows, holidays off): the states are
# pushed again long before, by the heartbeat's repair or the nightly jobs.
VALIDITY_HORIZON = timedelta(days=7)
_ONE_MICROSECOND = timedelta(microseconds=1)


def next_boundary(office: Office, now: datetime, horizon: timedelta = VALIDITY_HORIZON) -> datetime:
    """The first instant after `now` at which any team's state changes by the schedule
    (window start or end, special opening, holiday or closure start or end);
    `now + horizon` if none comes sooner. In the office's zone.

    Strictly after `now`: a change at `now` itself is already part of the state at `now`.
    Edges on a daylight-saving changeover day follow the schedule's wall-clock rule
    (`transitions` resolves them), so a 02:30 edge on the spring-forward day is 03:00 CEST.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise NaiveDatetime(
            f"Zeitpunkt {now.isoformat()} hat keine Zeitzone",
            f"instant {now.isoformat()} has no time zone",
        )
    # UTC arithmetic: adding to a local time in the repeated autumn hour would lose its fold.
    start = now.astimezone(UTC) + _ONE_MICROSECOND
    earliest = now.astimezone(UTC) + horizon
    for team_id in office.team_ids:
        # Each team is only searched up to the earliest boundary found so far.
        changes = transitions(office.schedule_for(team_id), start, earliest)
        if changes:
            earliest = min(earliest, changes[0].at.astimezone(UTC))
    return earliest.astimezone(office.tz)
