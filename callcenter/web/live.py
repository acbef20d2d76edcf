"""What the web app may ask the running service about the PBX; absent outside `serve`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol


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
