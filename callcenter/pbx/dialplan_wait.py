"""The estimated wait said before the queue (issue 20, point 4): `[callhours-wait]`.

A team line of a team with `announce_position` calls `Gosub(callhours-wait,s,1(<team>))`
between the routing decision and `Queue()`. It reads `callhours/<team>/wait_minutes`
(written by the service, `pbx.wait_publisher`) and plays `callhours/wait-<minutes>-<lang>`
in each prompt language — one rendered sentence per minute value, no SayNumber. Nothing is
said when the key is missing or 0, or when the service's heartbeat is missing or stale: the
value is only kept current by a living service. Early media like the announcement
(`Progress()` + `Playback(…,noanswer)`): `Queue()` answers the call as before. Position
and the periodic hold-time announcements inside the queue are app_queue's (queues.conf,
`callcenter pbx queues`, recording 023).
"""

from __future__ import annotations

from collections.abc import Sequence

WAIT_CONTEXT = "callhours-wait"


def wait_file(lang: str) -> str:
    return f"callhours/wait-${{wait}}-{lang}"


def wait_call(team_id: str) -> str:
    """The team line's step before `Queue()`."""
    return f"Gosub({WAIT_CONTEXT},s,1({team_id}))"


def wait_context(languages: Sequence[str], stale_after_seconds: int, early_media: bool) -> str:
    files = "&".join(wait_file(lang) for lang in languages)
    play = (
        [" same => n,Progress()", f" same => n,Playback({files},noanswer)"]
        if early_media
        else [f" same => n,Playback({files})"]
    )
    lines = [
        "; Estimated wait before the queue (issue 20): ARG1 = team. Says",
        "; callhours/wait-<minutes>-<lang> for callhours/<team>/wait_minutes; nothing when the",
        "; key is missing or 0 or the service's heartbeat is stale. Returns to Queue().",
        f"[{WAIT_CONTEXT}]",
        "exten => s,1,Set(LOCAL(wait)=${DB(callhours/${ARG1}/wait_minutes)})",
        " same => n,Set(LOCAL(hb)=${DB(callhours/_heartbeat)})",
        ' same => n,GotoIf($["${wait}" = "" | "${wait}" = "0" | "${hb}" = "" | '
        f"$[${{EPOCH}} - 0${{hb}}] > {stale_after_seconds}]?done)",
        *play,
        " same => n(done),Return()",
        "",
    ]
    return "\n".join(lines)
