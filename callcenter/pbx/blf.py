"""What a team's BLF lamp shows: its custom device state (README-025's table).

`NOT_INUSE` = open (a phone shows idle/green), `INUSE` = closed for any reason (busy/red).
Not `UNKNOWN` (refused by Asterisk) and not `INVALID`/`UNAVAILABLE` (phones show those like
an unregistered line, which must stay distinguishable from "closed").
"""

from __future__ import annotations

from callcenter.pbx.dialplan_blf import device

OPEN_LAMP = "NOT_INUSE"
CLOSED_LAMP = "INUSE"


def lamp_device(team_id: str) -> str:
    return device(team_id)


def lamp_state(astdb_value: str) -> str:
    """`open` -> NOT_INUSE; `closed:<reason>` -> INUSE."""
    return OPEN_LAMP if astdb_value == "open" else CLOSED_LAMP
