"""DialplanOptions from the typed settings: the only place the generator meets `Settings`."""

from __future__ import annotations

from callcenter.config import Settings
from callcenter.pbx.dialplan import DialplanOptions


def options_from_settings(settings: Settings) -> DialplanOptions:
    """The `[pbx]`, `[prompts]`, `[switchboard]` and `[ami]` values the dialplan needs."""
    pbx = settings.pbx
    return DialplanOptions(
        context=pbx.context,
        stale_after_seconds=settings.ami.stale_after_seconds,
        languages=settings.prompts.languages,
        early_media=pbx.early_media,
        queue_timeout_seconds=pbx.queue_timeout_seconds,
        direct_dial_timeout_seconds=pbx.direct_dial_timeout_seconds,
        direct_dial=pbx.direct_dial,
        team_direct_dial=tuple(
            (team.id, team.direct_dial) for team in settings.teams if team.direct_dial
        ),
        switchboard_numbers=settings.switchboard.numbers,
        switchboard_queue=settings.switchboard.queue,
        timezone=settings.office.timezone,
    )
