"""The simulated PBX for a configured office (`callcenter pbx simulate`, demo, e2e tests).

Teams, numbers, queues, timeouts and prompt languages come from the settings. What the
settings do not say (who sits in a queue) is invented: `members_per_team` members
`Local/<t><nn>@agents` per team queue and one operator `Local/900@switchboard-agent`,
with phones that follow the demand profile.
"""

from __future__ import annotations

from callcenter.config import Settings
from callcenter.domain.schedule import Office
from callcenter.simulator.model import (
    RECORDED_PHONES,
    Member,
    PbxModel,
    PhoneBehaviour,
    QueueConfig,
)
from callcenter.simulator.routing import Line, LineKind
from callcenter.simulator.traffic import (
    DemandProfile,
    TeamDemand,
    expand_direct_numbers,
    office_hours_profile,
)


def model_from_settings(
    settings: Settings, phone: PhoneBehaviour | None = None, members_per_team: int = 2
) -> PbxModel:
    queues: dict[str, QueueConfig] = {}
    lines: list[Line] = []
    team_queue: dict[str, str] = {}
    direct_dial: dict[str, str] = {}
    for index, team in enumerate(settings.teams, start=1):
        queue = team.queue or team.id
        team_queue[team.id] = queue
        members = tuple(
            Member(f"Local/{index}{n:02d}@agents", f"Agent {index}{n:02d}")
            for n in range(1, members_per_team + 1)
        )
        timeout = team.queue_timeout_seconds or settings.pbx.queue_timeout_seconds
        queues[queue] = QueueConfig(queue, members, wait_timeout=float(timeout))
        lines += [Line(number, LineKind.TEAM, team.id, number) for number in team.team_lines]
        lines += [Line(number, LineKind.DIRECT, team.id, number) for number in team.direct_lines]
        direct_dial[team.id] = settings.direct_dial_for(team.id)
    switchboard = settings.switchboard.queue or "zentrale"
    queues.setdefault(
        switchboard,
        QueueConfig(
            switchboard, (Member("Local/900@switchboard-agent", "Zentrale 900"),), wait_timeout=60.0
        ),
    )
    lines += [Line(n, LineKind.SWITCHBOARD, "", n) for n in settings.switchboard.numbers]
    # The include's overflow: the next queue (zentrale / team:<id>), or "" where the call
    # ends with a prompt (callback offer / announcement).
    teams = {team.id: team for team in settings.teams}
    overflow: dict[str, tuple[str, str]] = {}
    for team in settings.teams:
        other = team.overflow.removeprefix("team:")
        if team.overflow == "zentrale":
            overflow[team.id] = (team.overflow, switchboard)
        elif team.overflow.startswith("team:") and other in teams:
            overflow[team.id] = (team.overflow, team_queue[other])
        elif team.overflow in ("callback", "announcement"):
            overflow[team.id] = (team.overflow, "")
    phones = {"switchboard-agent": RECORDED_PHONES["switchboard-agent"]}
    model = PbxModel(
        queues=queues,
        lines=lines,
        team_queue=team_queue,
        direct_dial=direct_dial,
        switchboard_queue=switchboard,
        dial_timeout=float(settings.pbx.direct_dial_timeout_seconds),
        languages=tuple(settings.prompts.languages),
        stale_after=float(settings.ami.stale_after_seconds),
        phones=phones,
        overflow=overflow,
        menu_languages=settings.callers.languages if settings.callers.menu else (),
        menu_timeout=float(settings.callers.menu_timeout_seconds),
        callback_key=settings.callers.callback_key if settings.offers_callback else "",
        callback_context=settings.callbacks.callback_context,
        outbound_context=settings.callbacks.outbound_context,
    )
    if phone is not None:
        model.default_phone = phone
    return model


def profile_from_settings(
    settings: Settings, office: Office, calls_per_hour: float = 6.0
) -> DemandProfile:
    """Every team gets the same office-hours week, peaking at `calls_per_hour`."""
    teams = tuple(
        TeamDemand(
            team.id,
            team.team_lines[0],
            expand_direct_numbers(team.direct_lines),
            office_hours_profile(calls_per_hour),
        )
        for team in office.teams
        if team.team_lines
    )
    numbers = settings.switchboard.numbers
    return DemandProfile(teams, office.tz, switchboard_number=numbers[0] if numbers else "")
