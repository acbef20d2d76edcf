"""Overflow on queue timeout and the callback call-out context (issue 20).

The team line's steps after `Queue()` follow recording 024's extension exactly: on
`QUEUESTATUS=TIMEOUT` a `UserEvent(QueueOverflow, ...)` tells the service where the call
goes, then a second `Queue()` takes it (the switchboard's or another team's); the service
sees one callid in both queues (README-v3 surprise 7).
"""

from __future__ import annotations

SWITCHBOARD = "zentrale"
# The default of `[callbacks] callback_context`.
CALLBACK_CONTEXT = "callhours-callback"
# "zentrale" | "team:<id>" (what `[teams] overflow` says; "" = hang up as before).
Overflow = str


def overflow_steps(from_queue: str, to: str, target_queue: str, target_timeout: int) -> list[str]:
    """The lines after the team's `Queue()`: `to` is `zentrale` or `team:<id>`."""
    return [
        ' same => n,GotoIf($["${QUEUESTATUS}" = "TIMEOUT"]?overflow)',
        " same => n,Hangup()",
        f" same => n(overflow),UserEvent(QueueOverflow,From: {from_queue},To: {to},"
        "QueueStatus: ${QUEUESTATUS})",
        f" same => n,Queue({target_queue},t,,,{target_timeout})",
        " same => n,Hangup()",
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
