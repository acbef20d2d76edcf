"""A simulated Asterisk 22 for demos and tests: AMI server, call engine, traffic generator.

Behaviour and wire format follow the real recordings in `tests/fixtures/asterisk22`.
Start it in-process with `Simulator` (see `simulator.py`), drive calls with
`sim.pbx.originate(...)` or a `TrafficGenerator`, read `sim.report`.
"""

from callcenter.simulator.call import Outcome
from callcenter.simulator.clock import SimClock
from callcenter.simulator.engine import SimulatedPbx, closed_fallback
from callcenter.simulator.from_settings import model_from_settings, profile_from_settings
from callcenter.simulator.model import PbxModel, PhoneBehaviour, recorded_model
from callcenter.simulator.report import SimReport
from callcenter.simulator.routing import schedule_fallback
from callcenter.simulator.simulator import Simulator
from callcenter.simulator.traffic import DemandProfile, TeamDemand, TrafficGenerator

__all__ = [
    "DemandProfile",
    "Outcome",
    "PbxModel",
    "PhoneBehaviour",
    "SimClock",
    "SimReport",
    "SimulatedPbx",
    "Simulator",
    "TeamDemand",
    "TrafficGenerator",
    "closed_fallback",
    "model_from_settings",
    "profile_from_settings",
    "recorded_model",
    "schedule_fallback",
]
