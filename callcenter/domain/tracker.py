"""The call tracker: PBX events (our own vocabulary) in, one finished call record per call out.

A pure state machine keyed by the PBX linked id. It keeps only calls that are still up:
a call's state is dropped when its record is emitted, so memory follows the number of
open calls, not the number of calls seen.

How the record is made:

* **The call** starts with its first channel and is over when its last channel is gone.
  A call that never passed the `CallHours` decision is not a team's call (an internal
  call, a switchboard call that stayed there) and gives no record.
* **The team leg** starts at the first `CallHours` decision: team, line kind, dialled
  number, state/reason/source as the PBX decided, the caller's pseudonym. The channel
  that ran the decision is the *inbound leg*; hangup requests and dial results count
  only there. Whatever came before (a switchboard queue, a talk with the operator, a
  transfer) makes the line kind `switchboard`. In-hours and pilot flags are looked up
  at the decision, the instant the PBX decided: comparing its decision with the schedule
  at any other instant (the call's first ring, before a switchboard talk) would flag
  disagreements that are only the operator's talk crossing a boundary. Routed again
  later (to another team, or passed on by the member) the call stays the first team's,
  with the outcome `transferred`.
* **Wait and talk** are measured from event timestamps, not Asterisk's whole seconds:
  the call is always either waiting (not connected to a person: routing, queue, ringing,
  announcement) or talking (connected to a queue member or a dialled member), and each
  stretch is added to its total. So `wait + talk <= ended - started`, and for a
  switchboard transfer both totals include the switchboard part.
* **The outcome** is decided when the call is over, because Asterisk's events are not
  causal (a queue timeout first looks like an abandon; a transfer's events arrive after
  the new queue's): transferred away after the team answered > answered > announcement
  (PBX hung up first) / announcement_hangup (caller hung up first) > queue: timeout /
  failed (no agents) / abandoned > direct line: busy / no_answer / abandoned > failed.
* **Reconnect gaps.** Events sent while the AMI connection was down are lost. After the
  reconnect the PBX lists the calls still up (`CallSnapshot`) and `resync` applies the
  list: a tracked call no longer listed ended unseen and is recorded at once, without an
  end; a tracked call still listed gets its channels corrected (and the routing or the
  answer it went through meanwhile, read off the list); a listed call we never saw start
  is *adopted*: started = the PBX's age of its oldest channel, team and line from the
  dialled number, state from what the routed channel runs (queue or dial: open; the
  announcement: closed, with the prompt's reason), source unknown (the `CallHours` event
  was missed). From then on its events are tracked as usual, and it is recorded exactly
  once, when it ends. `complete` means "start, decision, answer and end observed": a
  call whose end was lost, or whose start, routing or answer had to be read off the
  list, is recorded with `complete=False` (a CDR import can complete it), without
  wait/talk seconds and answer instant when those were not observed (the split of the
  unseen stretch is unknown; a guess would skew the averages), but with its outcome.
  A record without its end carries `observed_until` (wait and talk counted up to there)
  and the routed channel's Uniqueid (`inbound_id`): when the call shows up again (the
  next run adopts it from the list, or an import holds it), storage merges the parts
  into one record (callcenter.domain.record_merge) instead of keeping either alone.
  The list is older than the events that follow it on the wire: `begin_resync` (when the
  list is asked for) opens a window in which hangups, new channels and finished calls are
  remembered, so `resync` neither resurrects what ended meanwhile nor closes what began.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from callcenter.domain.call_calendar import CallCalendar, NoCalendar
from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.pbx_events import (
    AgentCompleted,
    AgentConnected,
    CallbackAsked,
    CallerAbandoned,
    CallHoursDecided,
    CallSnapshot,
    CallStage,
    ChannelCreated,
    ChannelHungUp,
    DialEnded,
    HangupRequested,
    LanguageChosen,
    PbxEvent,
    QueueJoined,
    QueueOverflowed,
    QueueStatusSet,
    Transferred,
)
from callcenter.domain.pseudonym import WITHHELD, Pseudonymizer
from callcenter.domain.schedule import State

# How many recorded linked ids the tracker remembers to refuse recording a call twice; far
# more than the calls that can end during one reconnect gap.
RECORDED_MEMORY = 10_000

NO_RECORDS: tuple[CallRecord, ...] = ()

# The record's language when the menu got no valid key (German then English were played).
DEFAULT_LANGUAGE = "default"
# Overflow destinations that end the call with a prompt, not with a person.
_PROMPT_OVERFLOWS = frozenset({"callback", "announcement"})

# Queue() gave up because nobody could take the call: not the caller's doing, not a timeout.
_NO_AGENT_STATUSES = frozenset({"FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL", "LEAVEUNAVAIL"})
_DIAL_OUTCOMES = {
    "BUSY": Outcome.BUSY,
    "NOANSWER": Outcome.NO_ANSWER,
    "CANCEL": Outcome.ABANDONED,  # the caller hung up while the member's phone rang
}


class _Phase(Enum):
    WAITING = "waiting"  # not connected to a person
    TALKING = "talking"
    DONE = "done"  # the team leg is over (talk ended, queue left, transferred away)


@dataclass(slots=True)
class _Connection:
    queue: str | None  # None: a Dial() to a member
    member: str
    unique_id: str  # the member's channel


@dataclass(slots=True)
class _Call:
    linked_id: str
    started: datetime
    phase_since: datetime
    last_seen: datetime
    channels: set[str] = field(default_factory=set)
    phase: _Phase = _Phase.WAITING
    wait: float = 0.0
    talk: float = 0.0
    connection: _Connection | None = None
    in_queue: bool = False
    # Before the team decision: a queue stay or a conversation means someone passed it on.
    came_through_someone: bool = False
    decision: CallHoursDecided | None = None
    caller: str = WITHHELD
    in_hours: bool | None = None
    pilot: bool = False
    queued: bool = False  # the team leg joined a queue
    dialled_member: bool = False  # the team leg dialled a member directly
    answered: datetime | None = None
    answered_by: str | None = None
    abandoned: bool = False
    far_end_hung_up_before_abandon: bool = False
    queue_status: str | None = None
    dial_status: str | None = None
    far_end_hung_up: bool | None = None  # who asked first to end the inbound leg
    transferred_away: bool = False
    ended: datetime | None = None
    observed: bool = True  # start, routing, answer and the team leg's end were all seen
    measured: bool = True  # start, routing and answer seen, so wait and talk are known
    answer_seen: bool = True  # False: the answer was found in a channel list, instant unknown
    language: str | None = None
    callback_requested: bool = False
    overflow: str | None = None

    @property
    def inbound(self) -> str | None:
        return None if self.decision is None else self.decision.unique_id

    def close_phase(self, at: datetime, then: _Phase) -> None:
        """Add the running stretch to its total and start the next one at `at`."""
        seconds = max(0.0, (at - self.phase_since).total_seconds())
        if self.phase is _Phase.WAITING:
            self.wait += seconds
        elif self.phase is _Phase.TALKING:
            self.talk += seconds
        if self.phase is not _Phase.DONE:
            self.phase = then
            self.phase_since = max(at, self.phase_since)
        if then is not _Phase.TALKING:
            self.connection = None


@dataclass(slots=True)
class _ResyncWindow:
    """Between asking the PBX for its channels and applying the list: what changed meanwhile."""

    known: frozenset[str]  # calls tracked when the list was asked for
    recorded: set[str] = field(default_factory=set)  # calls recorded meanwhile
    created: set[str] = field(default_factory=set)  # channels that appeared meanwhile
    hung_up: dict[str, datetime] = field(default_factory=dict)  # channels gone meanwhile


@dataclass(frozen=True)
class OpenCall:
    """A call still up, for resynchronising after an AMI reconnect."""

    linked_id: str
    started: datetime
    last_seen: datetime
    channels: frozenset[str]


class CallTracker:
    """Feed PBX events in arrival order; get each call's record when it is over."""

    def __init__(self, pseudonymizer: Pseudonymizer, calendar: CallCalendar | None = None) -> None:
        self._pseudonymizer = pseudonymizer
        # Replaceable: the composition root swaps in a new calendar when the schedule changes.
        self.calendar: CallCalendar = calendar or NoCalendar()
        self._calls: dict[str, _Call] = {}
        self._window: _ResyncWindow | None = None
        # Linked ids recorded lately: after a gap, a later leg of a call (or the PBX's list)
        # can show a call again that was already recorded; it must not be recorded twice.
        # Bounded, so memory stays flat however many calls pass.
        self._recorded: OrderedDict[str, None] = OrderedDict()
        self.calls_without_decision = 0  # calls that were over without reaching a team

    # -- input ------------------------------------------------------------------------

    def feed(self, event: PbxEvent) -> tuple[CallRecord, ...]:
        """Apply one event; returns the record of the call it finished, if any."""
        if self._window is not None:
            self._remember(self._window, event)
        call = self._calls.get(event.linked_id)
        if call is None:
            if not isinstance(event, ChannelCreated) or event.linked_id in self._recorded:
                # A call we did not see start (before a reconnect) or one already emitted
                # (Cdr/late queue events arrive after the last hangup): nothing to update.
                return NO_RECORDS
            call = _Call(event.linked_id, event.at, event.at, event.at)
            self._calls[event.linked_id] = call
        if event.at > call.last_seen:
            call.last_seen = event.at
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, call, event)
        if isinstance(event, ChannelHungUp) and not call.channels:
            return self._finish(call, complete=True)
        return NO_RECORDS

    def feed_all(self, events: Iterable[PbxEvent]) -> list[CallRecord]:
        records: list[CallRecord] = []
        for event in events:
            records.extend(self.feed(event))
        return records

    # -- reconnect gaps and shutdown ----------------------------------------------------

    def open_calls(self) -> tuple[OpenCall, ...]:
        return tuple(
            OpenCall(c.linked_id, c.started, c.last_seen, frozenset(c.channels))
            for c in self._calls.values()
        )

    def close_incomplete(self, linked_id: str) -> CallRecord | None:
        """End a call whose end was not observed; None if unknown or never a team's call.

        Wait and talk are counted up to the last event seen: later than that nothing is known.
        """
        call = self._calls.get(linked_id)
        if call is None:
            return None
        records = self._finish(call, complete=False)
        return records[0] if records else None

    def close_idle(self, seen_before: datetime) -> list[CallRecord]:
        """Close, as incomplete, every call with no event since `seen_before` (lost hangups)."""
        idle = [c.linked_id for c in self._calls.values() if c.last_seen < seen_before]
        return [r for linked_id in idle if (r := self.close_incomplete(linked_id)) is not None]

    def flush(self, still_up_at: datetime | None = None) -> list[CallRecord]:
        """Close every open call as incomplete (shutdown: keep what is known).

        `still_up_at`: the instant up to which every open call is known to have been up
        in the stretch it was in (the event stream was read up to the stop); wait and talk
        are counted up to it rather than to each call's last event.
        """
        if still_up_at is not None:
            for call in self._calls.values():
                call.last_seen = max(call.last_seen, still_up_at)
        return [r for linked_id in list(self._calls) if (r := self.close_incomplete(linked_id))]

    def begin_resync(self) -> None:
        """The PBX is being asked for its channels: remember what changes until `resync`."""
        self._window = _ResyncWindow(frozenset(self._calls))

    def cancel_resync(self) -> None:
        """The channel list did not come: stop remembering."""
        self._window = None

    def resync(self, calls: Iterable[CallSnapshot], now: datetime) -> list[CallRecord]:
        """Apply the PBX's list of calls still up (see the module docstring).

        Returns the records of calls that ended unseen (or while the list was on its way).
        Without `begin_resync` before, every call tracked now counts as known then.
        """
        window = self._window or _ResyncWindow(frozenset(self._calls))
        self._window = None
        listed = {snapshot.linked_id: snapshot for snapshot in calls}
        records: list[CallRecord] = []
        ended_unseen = [
            call
            for linked_id, call in self._calls.items()
            if linked_id in window.known and linked_id not in listed
        ]
        for call in ended_unseen:
            records.extend(self._finish(call, complete=False))
        for snapshot in listed.values():
            tracked = self._calls.get(snapshot.linked_id)
            if tracked is None:
                linked_id = snapshot.linked_id
                if linked_id not in window.recorded and linked_id not in self._recorded:
                    records.extend(self._adopt(snapshot, now, window))
            elif snapshot.linked_id in window.known:
                records.extend(self._reconcile(tracked, snapshot, now, window))
            elif not snapshot.channels <= window.created:
                # First seen after the list was asked for, but by a later channel: its
                # first ones were created in the gap.
                tracked.started = min(tracked.started, snapshot.started)
                tracked.observed = tracked.measured = False
                records.extend(self._reconcile(tracked, snapshot, now, window))
            # else: began after the list was asked for, so fully observed.
        return records

    @property
    def open_count(self) -> int:
        """Calls still up (not a `__len__`: an idle tracker must not be falsy)."""
        return len(self._calls)

    def waiting_by_team(self) -> dict[str, int]:
        """Callers in a team's queue right now, not yet talking (for the overview page)."""
        waiting: dict[str, int] = {}
        for call in self._calls.values():
            if call.in_queue and call.decision is not None:
                waiting[call.decision.team] = waiting.get(call.decision.team, 0) + 1
        return waiting

    # -- resynchronising after a gap ----------------------------------------------------

    @staticmethod
    def _remember(window: _ResyncWindow, event: PbxEvent) -> None:
        if isinstance(event, ChannelCreated):
            window.created.add(event.unique_id)
        elif isinstance(event, ChannelHungUp):
            window.hung_up[event.unique_id] = event.at

    def _adopt(
        self, snapshot: CallSnapshot, now: datetime, window: _ResyncWindow
    ) -> tuple[CallRecord, ...]:
        """Track a call whose start was not seen, from the PBX's list."""
        channels = {u for u in snapshot.channels if u not in window.hung_up}
        call = _Call(snapshot.linked_id, snapshot.started, now, now, channels)
        call.observed = call.measured = False
        call.came_through_someone = snapshot.via_switchboard
        self._calls[call.linked_id] = call
        if snapshot.stage is not CallStage.UNROUTED and snapshot.team is not None:
            self._adopt_routing(call, snapshot, snapshot.started)
        if snapshot.member is not None and snapshot.member_channel not in window.hung_up:
            self._connect_unseen(call, snapshot, now)
        if not call.channels:
            # Every channel hung up while the list was on its way: the end was seen.
            ends = [window.hung_up[u] for u in snapshot.channels]
            inbound_end = window.hung_up.get(snapshot.inbound or "")
            call.ended = inbound_end if inbound_end is not None else max(ends, default=now)
            call.last_seen = max(call.last_seen, call.ended)
            return self._finish(call, complete=True)
        return NO_RECORDS

    def _reconcile(
        self, call: _Call, snapshot: CallSnapshot, now: datetime, window: _ResyncWindow
    ) -> tuple[CallRecord, ...]:
        """A tracked call that lived through the gap: take the PBX's word for its channels."""
        gone = {u for u in call.channels if u not in snapshot.channels and u not in window.created}
        call.channels -= gone
        call.channels.update(u for u in snapshot.channels if u not in window.hung_up)
        if (
            call.decision is None
            and snapshot.stage is not CallStage.UNROUTED
            and snapshot.team is not None
        ):
            self._adopt_routing(call, snapshot, now)  # routed while we were away
        if call.inbound is not None and call.inbound in gone:
            call.close_phase(call.last_seen, _Phase.DONE)  # the team leg ended unseen
            call.observed = False
        elif (
            snapshot.member is not None
            and call.phase is _Phase.WAITING
            and snapshot.member_channel not in window.hung_up
        ):
            self._connect_unseen(call, snapshot, now)  # answered while we were away
        if not call.channels:
            return self._finish(call, complete=False)
        return NO_RECORDS

    def _adopt_routing(self, call: _Call, snapshot: CallSnapshot, at: datetime) -> None:
        """The routing read off the channel list, in place of the missed `CallHours` event."""
        assert snapshot.team is not None
        announcement = snapshot.stage is CallStage.ANNOUNCEMENT
        call.decision = CallHoursDecided(
            call.linked_id,
            snapshot.inbound or "",
            at,
            team=snapshot.team,
            line_kind=snapshot.line_kind or LineKind.TEAM_LINE,
            dialled=snapshot.dialled,
            state=State.CLOSED if announcement else State.OPEN,
            reason=snapshot.reason if announcement else None,
            source=None,  # not seen
            caller_number=None,
        )
        call.caller = self._pseudonymizer.caller(snapshot.caller_number)
        call.in_hours = self.calendar.in_hours(snapshot.team, at)
        call.pilot = self.calendar.pilot(snapshot.team, at)
        call.queued = snapshot.stage is CallStage.QUEUED
        call.in_queue = call.queued and snapshot.member is None
        call.dialled_member = snapshot.stage is CallStage.DIALLING
        call.came_through_someone = call.came_through_someone or snapshot.via_switchboard
        call.observed = call.measured = False

    def _connect_unseen(self, call: _Call, snapshot: CallSnapshot, at: datetime) -> None:
        assert snapshot.member is not None
        answered_before = call.answered
        call.in_queue = False
        connection = _Connection(snapshot.queue, snapshot.member, snapshot.member_channel or "")
        self._connect(call, at, connection)
        if call.answered is not answered_before:
            call.answer_seen = False
        call.observed = call.measured = False

    # -- event handlers ---------------------------------------------------------------

    def _on_channel_created(self, call: _Call, event: ChannelCreated) -> None:
        call.channels.add(event.unique_id)

    def _on_channel_hung_up(self, call: _Call, event: ChannelHungUp) -> None:
        call.channels.discard(event.unique_id)
        if event.unique_id == call.inbound:
            call.close_phase(event.at, _Phase.DONE)
            if call.ended is None:
                call.ended = event.at
        elif call.connection is not None and event.unique_id == call.connection.unique_id:
            # The member hung up; the caller's leg follows a moment later.
            call.close_phase(event.at, _Phase.DONE if call.decision else _Phase.WAITING)

    def _on_hangup_requested(self, call: _Call, event: HangupRequested) -> None:
        if event.unique_id == call.inbound and call.far_end_hung_up is None:
            call.far_end_hung_up = event.by_far_end

    def _on_decided(self, call: _Call, event: CallHoursDecided) -> None:
        if call.decision is not None:
            # Routed once more (transferred to another line): the first team's leg is over.
            self._leave_team(call, event.at)
            return
        if call.phase is _Phase.TALKING:
            # The caller was with someone (the operator) and is now routed to the team.
            call.came_through_someone = True
            call.close_phase(event.at, _Phase.WAITING)
        call.in_queue = False
        call.decision = event
        # The routed channel is the call's even if its Newchannel was lost in a gap.
        call.channels.add(event.unique_id)
        call.caller = self._pseudonymizer.caller(event.caller_number)
        call.in_hours = self.calendar.in_hours(event.team, event.at)
        call.pilot = self.calendar.pilot(event.team, event.at)

    def _on_queue_joined(self, call: _Call, event: QueueJoined) -> None:
        if call.decision is None:
            call.came_through_someone = True
        elif call.answered is not None:
            self._leave_team(call, event.at)
            return
        else:
            call.queued = True
        call.in_queue = True

    def _on_agent_connected(self, call: _Call, event: AgentConnected) -> None:
        call.in_queue = False
        self._connect(
            call, event.at, _Connection(event.queue, event.member, event.member_unique_id)
        )

    def _on_agent_completed(self, call: _Call, event: AgentCompleted) -> None:
        connection = call.connection
        if connection is None or (connection.queue, connection.member) != (
            event.queue,
            event.member,
        ):
            return  # a conversation that already ended (e.g. the switchboard's after a transfer)
        if event.reason == "transfer":
            if call.decision is None:
                call.came_through_someone = True
                call.close_phase(event.at, _Phase.WAITING)
            else:
                self._leave_team(call, event.at)
            return
        call.close_phase(event.at, _Phase.DONE if call.decision else _Phase.WAITING)

    def _on_abandoned(self, call: _Call, event: CallerAbandoned) -> None:
        call.in_queue = False
        if call.decision is None or call.phase is _Phase.DONE:
            return
        call.abandoned = True
        call.far_end_hung_up_before_abandon = call.far_end_hung_up is True
        call.close_phase(event.at, _Phase.DONE)

    def _on_queue_status(self, call: _Call, event: QueueStatusSet) -> None:
        call.in_queue = False
        if call.decision is not None and call.queue_status is None:
            call.queue_status = event.status

    def _on_dial_ended(self, call: _Call, event: DialEnded) -> None:
        if call.in_queue:
            return  # the queue ringing its members: AgentConnected tells the answer
        if call.decision is None:
            # Before the routing the inbound leg is not known yet; an answer while nobody
            # talks is the switchboard picking up (Dial instead of a queue).
            if event.status == "ANSWER" and call.phase is _Phase.WAITING:
                self._connect(call, event.at, _connection(event))
            return
        if event.unique_id != call.inbound:
            return  # a member's own channel dialling on (follow-me): not the caller's leg
        if event.status == "ANSWER":
            self._connect(call, event.at, _connection(event))
        else:
            call.dialled_member = True
            call.dial_status = event.status

    def _on_language(self, call: _Call, event: LanguageChosen) -> None:
        # An invalid key repeats the menu; the last choice is what the caller heard.
        call.language = event.language or DEFAULT_LANGUAGE

    def _on_callback_asked(self, call: _Call, event: CallbackAsked) -> None:
        # Only the fact: the number goes into the encrypted request, never into the record.
        call.callback_requested = True

    def _on_overflow(self, call: _Call, event: QueueOverflowed) -> None:
        if call.decision is None or call.transferred_away or call.answered is not None:
            return
        call.overflow = event.destination
        # The queue timeout looked like an abandon (README surprise 1) and ended the team
        # leg; the call goes on, still waiting, from the instant it left the queue.
        call.abandoned = False
        call.far_end_hung_up_before_abandon = False
        call.queue_status = None
        call.in_queue = False
        if call.phase is _Phase.DONE:
            call.phase = _Phase.WAITING

    def _on_transferred(self, call: _Call, event: Transferred) -> None:
        if call.decision is None:
            call.came_through_someone = True
            if call.phase is _Phase.TALKING:
                call.close_phase(event.at, _Phase.WAITING)
        elif call.answered is not None and event.at >= call.answered:
            self._leave_team(call, event.at)
        else:
            # The transfer that brought the call here, reported after the team's routing.
            call.came_through_someone = True

    # -- helpers ----------------------------------------------------------------------

    def _connect(self, call: _Call, at: datetime, connection: _Connection) -> None:
        if call.phase is _Phase.DONE:
            return
        if call.decision is None:
            call.came_through_someone = True
        elif call.answered is None:
            call.answered = at
            call.answered_by = self._pseudonymizer.member(connection.member)
            if connection.queue is None:
                call.dialled_member = True
        call.close_phase(at, _Phase.TALKING)
        call.connection = connection

    def _leave_team(self, call: _Call, at: datetime) -> None:
        if call.phase is _Phase.DONE:
            return
        call.transferred_away = True
        call.close_phase(at, _Phase.DONE)
        call.ended = at

    def _finish(self, call: _Call, *, complete: bool) -> tuple[CallRecord, ...]:
        """Record the call; `complete`: its end was observed."""
        del self._calls[call.linked_id]
        decision = call.decision
        if decision is None:
            self.calls_without_decision += 1
            return NO_RECORDS
        if self._window is not None:
            self._window.recorded.add(call.linked_id)
        self._recorded[call.linked_id] = None
        if len(self._recorded) > RECORDED_MEMORY:
            self._recorded.popitem(last=False)
        if complete:
            call.close_phase(call.ended or call.last_seen, _Phase.DONE)
        else:
            call.close_phase(call.last_seen, _Phase.DONE)
        line_kind = LineKind.SWITCHBOARD if call.came_through_someone else decision.line_kind
        record = CallRecord(
            linked_id=call.linked_id,
            team=decision.team,
            line_kind=line_kind,
            dialled=decision.dialled,
            caller=call.caller,
            started=call.started,
            outcome=_outcome(call),
            state_at_arrival=decision.state,
            reason_at_arrival=decision.reason,
            source=decision.source,
            in_hours=call.in_hours,
            answered=call.answered if call.answer_seen else None,
            ended=call.ended if complete else None,
            wait_seconds=round(call.wait, 3) if call.measured else None,
            talk_seconds=round(call.talk, 3) if call.measured else None,
            answered_by=call.answered_by,
            pilot=call.pilot,
            complete=complete and call.observed,
            inbound_id=decision.unique_id or None,
            # Where the counting stopped, for a later part of the call to continue from.
            observed_until=None if complete or not call.measured else call.last_seen,
            language=call.language,
            callback_requested=call.callback_requested,
            overflow=call.overflow,
        )
        return (record,)


def _connection(event: DialEnded) -> _Connection:
    return _Connection(None, event.member, event.member_unique_id)


def _outcome(call: _Call) -> Outcome:
    decision = call.decision
    assert decision is not None
    if call.transferred_away:
        return Outcome.TRANSFERRED
    if call.answered is not None:
        return Outcome.ANSWERED
    if call.overflow in _PROMPT_OVERFLOWS:
        return Outcome.ANNOUNCEMENT_HANGUP if call.far_end_hung_up else Outcome.ANNOUNCEMENT
    if decision.state is State.CLOSED and not call.queued and not call.dialled_member:
        # No request seen: the dialplan's Hangup() after the prompts is the normal end.
        return Outcome.ANNOUNCEMENT_HANGUP if call.far_end_hung_up else Outcome.ANNOUNCEMENT
    if call.queued:
        if call.queue_status == "TIMEOUT":
            return Outcome.TIMEOUT
        if call.queue_status in _NO_AGENT_STATUSES:
            return Outcome.FAILED
        if call.abandoned:
            # Without QUEUESTATUS (event filters may drop VarSet): a real abandon is the
            # caller hanging up first; otherwise Queue() gave up, i.e. timed out.
            return Outcome.ABANDONED if call.far_end_hung_up_before_abandon else Outcome.TIMEOUT
        return Outcome.ABANDONED if call.far_end_hung_up else Outcome.FAILED
    if call.dial_status is not None:
        return _DIAL_OUTCOMES.get(call.dial_status, Outcome.FAILED)
    return Outcome.ABANDONED if call.far_end_hung_up else Outcome.FAILED


_HANDLERS: dict[type[PbxEvent], Callable[[CallTracker, _Call, Any], None]] = {
    ChannelCreated: CallTracker._on_channel_created,
    ChannelHungUp: CallTracker._on_channel_hung_up,
    HangupRequested: CallTracker._on_hangup_requested,
    CallHoursDecided: CallTracker._on_decided,
    QueueJoined: CallTracker._on_queue_joined,
    AgentConnected: CallTracker._on_agent_connected,
    AgentCompleted: CallTracker._on_agent_completed,
    CallerAbandoned: CallTracker._on_abandoned,
    QueueStatusSet: CallTracker._on_queue_status,
    DialEnded: CallTracker._on_dial_ended,
    Transferred: CallTracker._on_transferred,
    LanguageChosen: CallTracker._on_language,
    CallbackAsked: CallTracker._on_callback_asked,
    QueueOverflowed: CallTracker._on_overflow,
}
