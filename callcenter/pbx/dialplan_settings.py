"""DialplanOptions from the typed settings: the only place the generator meets `Settings`."""

from __future__ import annotations

from callcenter.config import Settings
from callcenter.pbx.dialplan import DialplanOptions


def options_from_settings(settings: Settings) -> DialplanOptions:
    """The `[pbx]`, `[prompts]`, `[callers]`, `[callbacks]`, `[switchboard]`, `[ami]` values
    the dialplan needs."""
    pbx = settings.pbx
    callers = settings.callers
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
        menu_languages=callers.languages if callers.menu else (),
        menu_timeout_seconds=callers.menu_timeout_seconds,
        team_overflow=tuple((team.id, team.overflow) for team in settings.teams if team.overflow),
        team_queue_timeout=tuple(
            (team.id, team.queue_timeout_seconds)
            for team in settings.teams
            if team.queue_timeout_seconds is not None
        ),
        callback_context=settings.callbacks.callback_context,
        outbound_context=settings.callbacks.outbound_context,
        callback_key=callers.callback_key if settings.offers_callback else "",
        announce_wait=tuple(team.id for team in settings.teams if team.announce_position),
    )
