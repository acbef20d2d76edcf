"""What the web app may ask the running service about the PBX; absent outside `serve`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

from callcenter.domain.access import Actor
from callcenter.usecases.callbacks import StartedAttempt


class LiveView(Protocol):
    """Live facts only the running service knows. The pages show „–“ without one."""

    def pbx_connected(self) -> bool:
        """True while the AMI session to the PBX is up."""
        ...

    def waiting_by_team(self) -> Mapping[str, int]:
        """Callers waiting in each team's queue now (teams without callers may be missing)."""
        ...

    def last_heartbeat(self) -> datetime | None:
        """When the service last wrote callhours/_heartbeat to the PBX."""
        ...


class HealthSnapshot(Protocol):
    """The running service's health, as /healthz and /metrics report it."""

    @property
    def ami_connected(self) -> bool: ...
    @property
    def ami_reconnects(self) -> int: ...
    @property
    def last_heartbeat(self) -> datetime | None: ...
    @property
    def last_push_seconds(self) -> float | None: ...
    @property
    def push_failures(self) -> int: ...
    @property
    def database_reachable(self) -> bool | None: ...
    @property
    def spool_depth(self) -> int: ...
    @property
    def scheduler_running(self) -> bool: ...
    @property
    def open_calls(self) -> int: ...
    @property
    def records_by_outcome(self) -> Mapping[str, int]: ...


class HealthView(Protocol):
    """A service that can report its health (the real one; a fake in tests)."""

    def health(self) -> HealthSnapshot: ...


@runtime_checkable
class CallbackDialer(Protocol):
    """The running service's "Anrufen" (AMI Originate); absent outside `serve`."""

    async def call_back(self, actor: Actor, request_id: int, extension: str) -> StartedAttempt:
        """Record a new attempt and originate it: the staff extension first, then the caller."""
        ...
