"""BLF hints for the switchboard's phones (issue 20, recordings 025/025b).

One custom device state per team, `Custom:callhours-<team>`, set by the service over AMI
(`Setvar DEVICE_STATE(Custom:callhours-<team>)`); the hint makes it visible to a phone
that subscribes to `team-<team>@callhours-hints` (a BLF key).
"""

from __future__ import annotations

from collections.abc import Iterable

HINTS_CONTEXT = "callhours-hints"


def device(team_id: str) -> str:
    return f"Custom:callhours-{team_id}"


def hint_extension(team_id: str) -> str:
    return f"team-{team_id}"


def hints_context(team_ids: Iterable[str]) -> str:
    lines = [
        "; BLF lamps: a phone's BLF key on team-<team>@callhours-hints shows the team's",
        "; state (green/idle = open, red/busy = closed), set by the service over AMI.",
        f"[{HINTS_CONTEXT}]",
        *(f"exten => {hint_extension(t)},hint,{device(t)}" for t in team_ids),
        "",
    ]
    return "\n".join(lines)
