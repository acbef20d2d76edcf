"""What the simulator did: calls by outcome, for tests and the CLI."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from callcenter.simulator.call import Outcome
from callcenter.simulator.wire import SimEvent


@dataclass
class SimReport:
    started: int = 0
    finished: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_team: Counter[tuple[str, str]] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    transferred: int = 0  # calls the switchboard transferred (their outcome is the team's)

    def record_event(self, event: SimEvent) -> None:
        self.events[event.name] += 1

    def record_call(self, team: str, outcome: Outcome | None, *, transferred: bool = False) -> None:
        self.finished += 1
        self.transferred += transferred
        key = (outcome or Outcome.UNROUTABLE).value
        self.outcomes[key] += 1
        self.by_team[(team or "-", key)] += 1

    def summary(self) -> str:
        parts = ", ".join(f"{name}={count}" for name, count in sorted(self.outcomes.items()))
        return f"{self.started} calls started, {self.finished} finished ({parts or 'none'})"
