"""`Simulator`: the simulated Asterisk in one object (clock + call engine + AMI server).

sim = Simulator(recorded_model(), username="callhours", secret="demo",
                clock=SimClock(speed=60), fallback=schedule_fallback(office))
async with sim:
    ...  # connect an AmiClient to sim.port; sim.pbx.originate(...); sim.report
"""

from __future__ import annotations

import logging
from types import TracebackType

from callcenter.simulator.astdb import AstDb
from callcenter.simulator.clock import SimClock
from callcenter.simulator.engine import Fallback, SimulatedPbx, closed_fallback
from callcenter.simulator.model import PbxModel
from callcenter.simulator.report import SimReport
from callcenter.simulator.server import AmiServer

logger = logging.getLogger(__name__)


class Simulator:
    def __init__(
        self,
        model: PbxModel,
        *,
        username: str,
        secret: str,
        clock: SimClock | None = None,
        fallback: Fallback = closed_fallback,
        seed: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        refuse_delay: float = 1.0,
        db: AstDb | None = None,
    ) -> None:
        """`db`: the AstDB of a PBX that ran before (a restart keeps it, recording 025b)."""
        self.clock = clock or SimClock()
        self.pbx = SimulatedPbx(model, self.clock, fallback=fallback, seed=seed, db=db)
        self.server = AmiServer(
            self.pbx, username, secret, host=host, port=port, refuse_delay=refuse_delay
        )

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def report(self) -> SimReport:
        return self.pbx.report

    async def start(self) -> None:
        await self.server.start()

    async def stop(self) -> None:
        await self.server.stop()
        await self.pbx.close()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
