"""The simulated PBX's configuration: queues, members and how their phones behave.

Defaults reproduce the recorded PBX (`config/queues.conf`, `config/extensions.conf` of the
traces): ringall, ring timeout 15 s, retry 1 s, ringinuse=no, Queue() timeout 30 s for
team lines and 60 s for the switchboard, Dial() timeout 20 s, and the three fake phones
`[agents]` (rings 2 s, answers, talks), `[agents-slow]` (never answers) and
`[switchboard-agent]` (answers after 1 s, stays 30 s).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from callcenter.pbx.dialplan_eval import Step
from callcenter.simulator.routing import Line, LineKind

logger = logging.getLogger(__name__)

# Announcement lengths of the recorded prompts (README "Sounds"); other languages: 7 s.
RECORDED_PROMPT_SECONDS: dict[tuple[str, str], float] = {
    ("hours", "de"): 7.84,
    ("hours", "en"): 6.84,
    ("holiday", "de"): 7.32,
    ("holiday", "en"): 4.27,
    ("closure", "de"): 5.66,
    ("closure", "en"): 5.51,
}
DEFAULT_PROMPT_SECONDS = 7.0
DEFAULT_SOUND_SECONDS = 1.0  # a sound file of unknown length
# Answer() on the recorded Local channels took 0.5 s before the next application ran
# (012: Answer at 0.00, Queue at 0.50; agents: Answer at 2.00, hangup at 7.51 after Wait(5)).
ANSWER_DELAY = 0.5

AnswerDelay = Callable[[random.Random], float | None]
Seconds = Callable[[random.Random], float]


def fixed(value: float | None) -> Callable[[random.Random], float | None]:
    return lambda _rng: value


def fixed_seconds(value: float) -> Seconds:
    return lambda _rng: value


@dataclass(frozen=True)
class PhoneBehaviour:
    """How a member's phone reacts when rung: answer delay (None = never) and talk time.

    The talk time counts from answer to the member hanging up (`Wait(n)` + Answer()'s 0.5 s).
    """

    answer_after: AnswerDelay = field(default_factory=lambda: fixed(2.0))
    talk: Seconds = field(default_factory=lambda: fixed_seconds(5.0 + ANSWER_DELAY))


RECORDED_PHONES: dict[str, PhoneBehaviour] = {
    "agents": PhoneBehaviour(fixed(2.0), fixed_seconds(5.0 + ANSWER_DELAY)),
    "agents-slow": PhoneBehaviour(fixed(None), fixed_seconds(0.0)),
    "switchboard-agent": PhoneBehaviour(fixed(1.0), fixed_seconds(30.0 + ANSWER_DELAY)),
}


@dataclass(frozen=True)
class Customer:
    """How a called-back customer's line behaves (022): `answer` (after `after` s, then
    talks `talk` s), `busy`, `congestion` or `noanswer` (rings until the dial timeout)."""

    kind: str = "answer"
    after: float = 2.0
    talk: float = 10.0


@dataclass(frozen=True)
class Member:
    interface: str  # `Local/101@agents`
    name: str  # `Agent 101`

    @property
    def exten(self) -> str:
        return self.interface.removeprefix("Local/").partition("@")[0]

    @property
    def context(self) -> str:
        return self.interface.partition("@")[2]


@dataclass(frozen=True)
class QueueConfig:
    name: str
    members: tuple[Member, ...]
    ring_timeout: float = 15.0  # queues.conf `timeout`
    retry: float = 1.0
    wait_timeout: float = 30.0  # Queue(<name>,t,,,<timeout>)
    # queues.conf announce-frequency, periodic-announce(-frequency): 0 = none (023).
    announce_frequency: float = 0.0
    periodic_announce: str = ""
    periodic_frequency: float = 0.0

    @property
    def app_data(self) -> str:
        return f"{self.name},t,,,{self.wait_timeout:g}"


@dataclass
class PbxModel:
    """Everything the call engine needs to know about the simulated PBX."""

    queues: dict[str, QueueConfig]
    lines: list[Line]
    team_queue: dict[str, str]  # team id -> queue name
    direct_dial: dict[str, str]  # team id -> dial string with ${EXTEN} / ${EXTEN:-n}
    switchboard_queue: str = "zentrale"
    switchboard_wait_timeout: float = 60.0
    dial_timeout: float = 20.0
    languages: tuple[str, ...] = ("de", "en")
    stale_after: float = 120.0  # CALLHOURS_STALE of the recorded dialplan
    # The generated dialplan also ends the live state at `callhours/_valid_until`.
    honours_valid_until: bool = True
    phones: dict[str, PhoneBehaviour] = field(default_factory=lambda: dict(RECORDED_PHONES))
    default_phone: PhoneBehaviour = field(default_factory=PhoneBehaviour)
    prompt_seconds: dict[tuple[str, str], float] = field(
        default_factory=lambda: dict(RECORDED_PROMPT_SECONDS)
    )
    # The generated dialplan's language menu (`[callers] menu`): key N = the N-th language;
    # each menu prompt's length and WaitExten()'s timeout, in seconds.
    menu_languages: tuple[str, ...] = ()
    menu_prompt_seconds: float = 2.5
    menu_timeout: float = 4.0
    # With the menu, no key plays each default language's short form (rendered 5-11 s).
    summary_seconds: float = 10.0
    # The callback offer after the chosen announcement ("" = none): Read()'s prompt and
    # the confirmation, in seconds; Read() waits 5 s after its prompt (021).
    callback_key: str = ""
    callback_offer_seconds: float = 2.5
    callback_confirm_seconds: float = 2.5
    # Overflow on queue timeout (024): team -> (`To:` of the UserEvent, the next queue;
    # "" for `callback` / `announcement`, which end the call with a prompt).
    overflow: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Callback call-outs (022): customer number -> how that line behaves (default:
    # answers after 2 s, talks 10 s), and the include's callback context and its Dial().
    customers: dict[str, Customer] = field(default_factory=dict)
    callback_context: str = "callhours-callback"
    outbound_context: str = "from-internal"
    callback_dial_timeout: float = 30.0
    # Teams with a BLF hint team-<team>@callhours-hints; None = every team (the include).
    hinted_teams: tuple[str, ...] | None = None
    # After a BlindTransfer of the switchboard's operator, Asterisk reported the new routing
    # first in 012 and the operator's side first in 017 (README-v3 surprise 15): a race of
    # its threads. The simulator sends 012's order unless told otherwise.
    transfer_reports_operator_first: bool = False
    # A hand-written dialplan run as written (simulator/script.py): its contexts, the ones
    # `[from-pstn]` includes, and the length of each sound file it plays, in seconds.
    script_contexts: dict[str, dict[str, list[Step]]] = field(default_factory=dict)
    script_inbound: tuple[str, ...] = ()
    sound_seconds: dict[str, float] = field(default_factory=dict)

    def phone(self, interface: str) -> PhoneBehaviour:
        """Behaviour by interface first, then by context (`Local/102@agents` → `agents`)."""
        return self.phones.get(interface) or self.phones.get(
            interface.partition("@")[2], self.default_phone
        )

    def sound_length(self, names: Iterable[str]) -> float:
        """Seconds to play the sound files one after the other (Playback's `a&b`)."""
        total = 0.0
        for name in names:
            if name not in self.sound_seconds:
                logger.debug("no length for sound %r; %ss", name, DEFAULT_SOUND_SECONDS)
            total += self.sound_seconds.get(name, DEFAULT_SOUND_SECONDS)
        return total

    def prompts(self, reason: str) -> list[float]:
        return [
            self.prompt_seconds.get((reason, lang), DEFAULT_PROMPT_SECONDS)
            for lang in self.languages
        ]


def recorded_model() -> PbxModel:
    """The PBX of the recordings: team `auslaender-a`, switchboard `zentrale`."""
    team_members = (
        Member("Local/101@agents", "Agent 101"),
        Member("Local/102@agents-slow", "Agent 102"),
    )
    return PbxModel(
        queues={
            "auslaender-a": QueueConfig("auslaender-a", team_members, wait_timeout=30.0),
            "zentrale": QueueConfig(
                "zentrale",
                (Member("Local/900@switchboard-agent", "Zentrale 900"),),
                wait_timeout=60.0,
            ),
        },
        lines=[
            Line("06151100", LineKind.TEAM, "auslaender-a", "06151100"),
            Line("_0615110XX", LineKind.DIRECT, "auslaender-a", "_0615110XX"),
            Line("06151000", LineKind.SWITCHBOARD, "", "06151000"),
        ],
        team_queue={"auslaender-a": "auslaender-a"},
        direct_dial={"auslaender-a": "Local/1${EXTEN:-2}@agents"},
        stale_after=120.0,
        honours_valid_until=False,  # the recorded dialplan predates `_valid_until`
    )


def expand_dial(template: str, exten: str) -> str:
    """`Local/1${EXTEN:-2}@agents` with exten 061511001 → `Local/101@agents`."""
    out = template.replace("${EXTEN}", exten)
    while "${EXTEN:" in out:
        start = out.index("${EXTEN:")
        end = out.index("}", start)
        spec = out[start + 8 : end]
        offset_text, _, length_text = spec.partition(":")
        offset = int(offset_text)
        piece = exten[offset:]
        if length_text:
            piece = piece[: int(length_text)]
        out = out[:start] + piece + out[end + 1 :]
    return out
