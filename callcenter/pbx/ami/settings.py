"""Connection settings of the AMI client (built by app.py from the typed config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from callcenter.pbx.ami.protocol import DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_LINE_SIZE


@dataclass(frozen=True, slots=True)
class AmiSettings:
    """Where and how to log in, and every timing the client uses (seconds)."""

    host: str = "127.0.0.1"
    port: int = 5038
    username: str = ""
    secret: str = field(default="", repr=False)
    auth: Literal["plain", "md5"] = "plain"
    events: str = "on"  # the Login `Events:` value: on, off or a class list like "call,user"
    connect_timeout: float = 5.0
    # Asterisk answers a wrong secret only after ~1 s (trace 015 badlogin), so keep this above.
    login_timeout: float = 5.0
    action_timeout: float = 5.0
    ping_interval: float = 10.0
    ping_timeout: float = 5.0
    reconnect_initial: float = 0.5
    reconnect_max: float = 30.0
    reconnect_factor: float = 2.0
    reconnect_jitter: float = 0.25
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE
    max_line_size: int = DEFAULT_MAX_LINE_SIZE
    event_queue_size: int = 10_000  # per subscriber; older events are dropped beyond it
    # Longest stretch reading stops for a subscriber to catch up; capped at half the ping
    # and action timeouts, which wait behind the unread bytes.
    max_read_pause: float = 1.0
    max_list_items: int = 100_000  # one EventList response may not grow beyond this

    def __post_init__(self) -> None:
        timings = (
            self.connect_timeout,
            self.login_timeout,
            self.action_timeout,
            self.ping_interval,
            self.ping_timeout,
            self.reconnect_initial,
            self.max_read_pause,
        )
        if min(timings) <= 0:
            raise ValueError("AMI timeouts and intervals must be positive")
        if self.event_queue_size < 1 or self.max_list_items < 1:
            raise ValueError("AMI queue and list limits must be positive")
        if self.auth not in ("plain", "md5"):
            raise ValueError(f"unknown AMI auth {self.auth!r} (plain or md5)")
