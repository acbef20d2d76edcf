"""Traffic from a demand profile: inhomogeneous Poisson arrivals per team, seeded.

Arrival rates are calls per hour for each hour of the week (0 = Monday 00:00 in the
office's time zone). Every call is injected like the recordings did (Originate of
`Local/<number>@from-pstn` with `Wait(<talk>)`); callers give up after their patience;
switchboard callers are blind-transferred to the team line by the operator.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from callcenter.simulator.call import Call
from callcenter.simulator.engine import SimulatedPbx
from callcenter.simulator.model import PhoneBehaviour

logger = logging.getLogger(__name__)

HOURS_PER_WEEK = 168


def office_hours_profile(peak: float, *, weekend: float = 0.0) -> tuple[float, ...]:
    """A plausible week: calls Mo–Fr 07–18 h with a morning peak, `weekend` per hour else."""
    shape = {7: 0.4, 8: 0.9, 9: 1.0, 10: 1.0, 11: 0.8, 12: 0.5, 13: 0.6, 14: 0.7, 15: 0.6, 16: 0.4}
    rates = []
    for hour in range(HOURS_PER_WEEK):
        day, clock_hour = divmod(hour, 24)
        rates.append(peak * shape.get(clock_hour, 0.0) if day < 5 else weekend)
    return tuple(rates)


@dataclass(frozen=True)
class TeamDemand:
    team: str
    team_line: str
    direct_numbers: tuple[str, ...] = ()
    hourly: tuple[float, ...] = field(default_factory=lambda: office_hours_profile(6.0))

    def rate(self, hour_of_week: int) -> float:
        return self.hourly[hour_of_week % len(self.hourly)] if self.hourly else 0.0


@dataclass(frozen=True)
class DemandProfile:
    """How callers and members behave. Times in simulated seconds."""

    teams: tuple[TeamDemand, ...]
    tz: tzinfo
    direct_share: float = 0.2
    switchboard_share: float = 0.1
    switchboard_number: str = ""
    answer_delay_mean: float = 8.0
    no_answer_share: float = 0.1  # rings in which the member does not pick up at all
    patience_mean: float = 45.0
    talk_mean: float = 150.0
    operator_talk_mean: float = 20.0

    def phone(self) -> PhoneBehaviour:
        """Member phones following this profile (answer delay, talk time)."""

        def answer(rng: random.Random) -> float | None:
            if rng.random() < self.no_answer_share:
                return None
            return rng.expovariate(1.0 / self.answer_delay_mean)

        def talk(rng: random.Random) -> float:
            return 5.0 + rng.expovariate(1.0 / self.talk_mean)

        return PhoneBehaviour(answer, talk)


def hour_of_week(at: datetime, tz: tzinfo) -> int:
    local = at.astimezone(tz)
    return local.weekday() * 24 + local.hour


class TrafficGenerator:
    """Injects calls into a `SimulatedPbx` until stopped or `max_calls` were started."""

    def __init__(
        self,
        pbx: SimulatedPbx,
        profile: DemandProfile,
        *,
        seed: int | None = None,
        max_calls: int | None = None,
        start_at: float | None = None,
    ) -> None:
        self.pbx = pbx
        self.profile = profile
        self.rng = random.Random(seed)
        self.max_calls = max_calls
        # Arrivals are planned on their own simulated timeline (not read back from the clock),
        # so that one seed gives the same calls however the event loop is scheduled.
        self.start_at = start_at
        self.injected = 0
        self.kinds: dict[str, int] = {"team": 0, "direct": 0, "switchboard": 0}
        self.log: list[tuple[str, str, str]] = []  # (kind, dialled, caller) per call
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Arrivals by thinning: candidates at the peak rate, kept with rate(t)/peak."""
        teams = [t for t in self.profile.teams if any(t.hourly)]
        if not teams:
            logger.warning("demand profile has no calls at all")
            return
        clock = self.pbx.clock
        planned = clock.time() if self.start_at is None else self.start_at
        peak = sum(max(t.hourly) for t in teams)
        try:
            while self.max_calls is None or self.injected < self.max_calls:
                planned += self.rng.expovariate(peak / 3600.0)
                await clock.sleep_until(planned)
                hour = hour_of_week(datetime.fromtimestamp(planned, UTC), self.profile.tz)
                pick = self.rng.uniform(0.0, peak)
                for team in teams:
                    top = max(team.hourly)
                    if pick < top:
                        if pick < team.rate(hour):
                            self._inject(team)
                        break
                    pick -= top
        finally:
            await self.stop_followers()

    def _inject(self, team: TeamDemand) -> None:
        profile, rng = self.profile, self.rng
        draw = rng.random()
        caller = f"0170{rng.randrange(10_000_000):07d}"
        talk = 5.0 + rng.expovariate(1.0 / profile.talk_mean)
        patience = rng.expovariate(1.0 / profile.patience_mean)
        if draw < profile.switchboard_share and profile.switchboard_number:
            kind, number = "switchboard", profile.switchboard_number
        elif draw < profile.switchboard_share + profile.direct_share and team.direct_numbers:
            kind, number = "direct", rng.choice(team.direct_numbers)
        else:
            kind, number = "team", team.team_line
        self.injected += 1
        self.kinds[kind] += 1
        self.log.append((kind, number, caller))
        # Switchboard callers are answered at once; their patience starts after the transfer.
        call = self.pbx.originate(
            number,
            caller,
            "Anrufer",
            data=f"{talk:.0f}",
            patience=None if kind == "switchboard" else patience,
        )
        if kind == "switchboard":
            # Drawn now, not when the operator answers: the draw order must not depend on timing.
            operator_talk = rng.expovariate(1.0 / profile.operator_talk_mean)
            self._follow(self._operator(call, team.team_line, operator_talk))

    async def _operator(self, call: Call, team_line: str, talk: float) -> None:
        """The operator talks a little, then blind-transfers to the team line."""
        await call.connected.wait()
        await self.pbx.clock.sleep(talk)
        self.pbx.transfer_call(call, team_line)

    def _follow(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop_followers(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def expand_direct_numbers(patterns: Sequence[str], count: int = 5) -> tuple[str, ...]:
    """A few concrete numbers for each direct-line pattern (`_0615110XX` → 061511001 …)."""
    numbers: list[str] = []
    for pattern in patterns:
        if not pattern.startswith("_"):
            numbers.append(pattern)
            continue
        body = pattern[1:]
        for index in range(1, count + 1):
            digits = f"{index:0{body.count('X') or 1}d}"
            out, used = [], 0
            for char in body:
                if char.upper() in "XZN":
                    out.append(digits[used] if used < len(digits) else "1")
                    used += 1
                elif char in ".!":
                    continue
                else:
                    out.append(char)
            numbers.append("".join(out))
    return tuple(numbers)


def scale_profile(
    rates: Mapping[str, float], base: tuple[float, ...]
) -> dict[str, tuple[float, ...]]:
    """Per-team hourly rates: `base` shape scaled to each team's peak calls per hour."""
    top = max(base) or 1.0
    return {team: tuple(r * peak / top for r in base) for team, peak in rates.items()}
