"""Callback calls over AMI Originate: the staff member's phone first, then the caller.

What Asterisk says about such a call (recordings 022/022b, README-v3 surprises 1 and 2):

* `OriginateResponse` is broadcast to every AMI session with the ActionID of whoever sent
  the Originate, so only ActionIDs this process sent are ours; any other is ignored.
* `Response: Failure` (Reason 3/5/8/0): the staff phone was not reached.
* `Response: Success` (Reason 4) only means the staff member answered; its `Uniqueid` is
  the staff `;1` channel. The caller's side is the `DialEnd` on that channel:
  ANSWER -> reached, BUSY -> busy, NOANSWER/CANCEL -> no answer, CONGESTION or anything
  else -> failed. The Originate's own dial also sends `DialEnd` events, but without a
  calling `Uniqueid`; they are not the caller's outcome.
* The staff channel hanging up without any `DialEnd` means the dial never happened: failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from callcenter.config import CallbackSettings
from callcenter.domain.callbacks import AttemptOutcome, action_id, dial_outcome
from callcenter.pbx.ami.client import AmiClient
from callcenter.pbx.ami.messages import AmiEvent

logger = logging.getLogger(__name__)

EVENTS = ("OriginateResponse", "DialEnd", "Hangup")
# DialEnds seen before their OriginateResponse (the order of two channels' events is not
# guaranteed): a few are kept, bounded.
_EARLY_DIALS = 256

AttemptKey = tuple[int, int]  # (request id, attempt)


@dataclass(frozen=True)
class AttemptResult:
    key: AttemptKey
    outcome: AttemptOutcome
    at: datetime


class OriginateCorrelator:
    """Our Originates' events in, each attempt's outcome out (pure: no I/O, no clock)."""

    def __init__(self) -> None:
        self._sent: dict[str, AttemptKey] = {}  # ActionID -> attempt, until its response
        self._staff: dict[str, AttemptKey] = {}  # staff ;1 Uniqueid -> attempt
        self._early: OrderedDict[str, str] = OrderedDict()  # Uniqueid -> DialStatus

    def expect(self, action: str, key: AttemptKey) -> None:
        self._sent[action] = key

    def forget(self, action: str) -> None:
        self._sent.pop(action, None)

    @property
    def pending(self) -> int:
        return len(self._sent) + len(self._staff)

    def feed(self, event: AmiEvent, received_at: datetime) -> AttemptResult | None:
        stamp = event.timestamp
        at = received_at if stamp is None else datetime.fromtimestamp(stamp, UTC)
        h = event.headers
        if event.name == "OriginateResponse":
            key = self._sent.pop(h.get("ActionID", ""), None)
            if key is None:
                return None  # another session's, or an old run's
            if h.get("Response", "").strip().lower() != "success":
                return AttemptResult(key, AttemptOutcome.STAFF_UNREACHED, at)
            staff = h.get("Uniqueid", "")
            early = self._early.pop(staff, None)
            if early is not None:
                return AttemptResult(key, dial_outcome(early), at)
            self._staff[staff] = key
            return None
        unique_id = h.get("Uniqueid")
        if unique_id is None:
            return None  # the Originate's own dial (no calling channel)
        if event.name == "DialEnd":
            key = self._staff.pop(unique_id, None)
            if key is None:
                self._early[unique_id] = h.get("DialStatus", "")
                while len(self._early) > _EARLY_DIALS:
                    self._early.popitem(last=False)
                return None
            return AttemptResult(key, dial_outcome(h.get("DialStatus", "")), at)
        if event.name == "Hangup":
            self._early.pop(unique_id, None)
            key = self._staff.pop(unique_id, None)
            if key is not None:
                return AttemptResult(key, AttemptOutcome.FAILED, at)
        return None


OutcomeHandler = Callable[[AttemptResult], Awaitable[None]]


class CallbackOriginator:
    """Sends callback Originates and reports each attempt's outcome to `on_result`."""

    def __init__(
        self,
        ami: AmiClient,
        settings: CallbackSettings,
        on_result: OutcomeHandler,
        now: Callable[[], datetime],
    ) -> None:
        self._ami = ami
        self._settings = settings
        self._on_result = on_result
        self._now = now
        self.correlator = OriginateCorrelator()
        self._events = ami.subscribe(EVENTS)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="callback-originate")

    async def stop(self) -> None:
        self._events.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def originate(self, key: AttemptKey, extension: str, number: str) -> bool:
        """Send the Originate (Async: the answer comes as OriginateResponse); False when the
        PBX refused it at once (the attempt is then failed)."""
        action = action_id(*key)
        self.correlator.expect(action, key)
        settings = self._settings
        fields = {
            "Channel": f"Local/{extension}@{settings.agents_context}",
            "Context": settings.callback_context,
            "Exten": number,
            "Priority": "1",
            "Async": "true",
            "CallerID": f'"Rueckruf" <{number}>',
            "Timeout": str(settings.originate_timeout_seconds * 1000),
        }
        try:
            result = await self._ami.action("Originate", fields, action_id=action)
        except Exception as exc:
            self.correlator.forget(action)
            logger.warning("callback %s: Originate not sent: %s", action, exc)
            return False
        if not result.ok:
            self.correlator.forget(action)
            logger.warning("callback %s: Originate refused: %s", action, result.message)
            return False
        return True

    async def _listen(self) -> None:
        async for event in self._events:
            try:
                outcome = self.correlator.feed(event, self._now())
                if outcome is not None:
                    await self._on_result(outcome)
            except Exception:
                logger.exception("callback outcome of %s not recorded", event.name)
