"""Overflow on queue timeout and the callback call-out context (issue 20).

The team line's steps after `Queue()` follow recording 024's extension exactly: on
`QUEUESTATUS=TIMEOUT` a `UserEvent(QueueOverflow, ...)` tells the service where the call
goes, then it continues there: a second `Queue()` (the switchboard's or another team's;
the service sees one callid in both queues, README-v3 surprise 7), the callback offer of
`[callhours-callback-offer]` (recording 021's `Read()`), or the team's announcement.
"""

from __future__ import annotations

from callcenter.pbx.dialplan_callback import DIALLED_VARIABLE, offer_call

SWITCHBOARD = "zentrale"
CALLBACK = "callback"
ANNOUNCEMENT = "announcement"
# The default of `[callbacks] callback_context`.
CALLBACK_CONTEXT = "callhours-callback"
# "zentrale" | "team:<id>" | "callback" | "announcement" (what `[teams] overflow` says;
# "" = hang up as before).
Overflow = str
# The announcement an `announcement` overflow plays: the team's closed-hours one (its
# times and next opening; the call hours themselves are not over, nobody was free).
OVERFLOW_REASON = "hours"


def _overflow_event(from_queue: str, to: str) -> list[str]:
    return [
        ' same => n,GotoIf($["${QUEUESTATUS}" = "TIMEOUT"]?overflow)',
        " same => n,Hangup()",
        f" same => n(overflow),UserEvent(QueueOverflow,From: {from_queue},To: {to},"
        "QueueStatus: ${QUEUESTATUS})",
    ]


def overflow_steps(from_queue: str, to: str, target_queue: str, target_timeout: int) -> list[str]:
    """The lines after the team's `Queue()`: `to` is `zentrale` or `team:<id>`."""
    return [
        *_overflow_event(from_queue, to),
        f" same => n,Queue({target_queue},t,,,{target_timeout})",
        " same => n,Hangup()",
    ]


def callback_overflow_steps(from_queue: str, team_id: str, language: str) -> list[str]:
    """On timeout the callback offer (in `language`), then the end. The number the caller
    dialled is the entry extension; the offer reports it as `Dialled:` like after the menu."""
    return [
        *_overflow_event(from_queue, CALLBACK),
        f" same => n,Set({DIALLED_VARIABLE}=${{EXTEN}})",
        f" same => n,{offer_call(team_id, language)}",
        " same => n,Hangup(16)",
    ]


def announcement_overflow_steps(
    from_queue: str, team_id: str, languages: tuple[str, ...]
) -> list[str]:
    """On timeout the team's announcement in the prompt languages, then the end. Queue()
    answered the channel, so no `noanswer`."""
    files = "&".join(f"callhours/{team_id}/closed-{OVERFLOW_REASON}-{lang}" for lang in languages)
    return [
        *_overflow_event(from_queue, ANNOUNCEMENT),
        f" same => n,Playback({files})",
        " same => n,Hangup(16)",
    ]


def callback_context(context: str, outbound_context: str, dial_timeout: int) -> str:
    """Where the service's agent-first Originate sends the staff phone once it answered
    (recording 022 part A: `Context: <this>, Exten: <customer number>`); `context` is
    `[callbacks] callback_context`, the value the Originate names."""
    lines = [
        "; Callback call-out: AMI Originate Channel: Local/<staff>@<staff context>,",
        f"; Context: {context}, Exten: <customer number>; the staff phone rings",
        "; first, then this dials the customer. The customer outcome is the DialEnd.",
        f"[{context}]",
        f"exten => _X.,1,Dial(Local/${{EXTEN}}@{outbound_context},{dial_timeout})",
        " same => n,Hangup()",
        "",
    ]
    return "\n".join(lines)
