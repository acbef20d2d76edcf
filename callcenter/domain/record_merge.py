"""Two records of one call -> the best knowledge of that call, kept as one record.

A call can be recorded in parts: the service stopped (or lost the AMI connection) while
the call was up and stored what it knew, incomplete; after the restart the PBX's channel
list showed the call again and its end was seen; or a CDR/queue_log import holds it.

* A complete record is never replaced by a worse one. Of two complete records the one that
  saw the PBX's routing decision (a live one: `state_at_arrival` set) wins, since no file
  holds the decision.
* Otherwise the parts are combined: the routing decision, the caller and the call's id
  from the live part that saw the decision; the start and the measurements from the part
  that saw the start (the *head*: measured, i.e. with wait and talk); the end, the outcome
  and a later answer from the part that saw the end (the *tail*). Wait and talk continue
  the head's totals from its `observed_until`: the unseen stretch in between was waiting
  while nobody had answered, talk once someone had. An answer inside the unseen stretch
  has no known instant, so the split of that stretch is unknown: wait and talk stay
  unknown and the record stays incomplete, but gets its end and outcome.
"""

from __future__ import annotations

from datetime import datetime

from callcenter.domain.calls import CallRecord, Outcome

_ANSWERED_OUTCOMES = frozenset({Outcome.ANSWERED, Outcome.TRANSFERRED})


def merge(stored: CallRecord, new: CallRecord) -> CallRecord | None:
    """The record to keep for a call stored as `stored` and seen again as `new`;
    None when `new` adds nothing (a duplicate, or a worse record)."""
    best = _best(stored, new)
    return None if best == stored else best


def is_live(record: CallRecord) -> bool:
    """Made by the tracker (it saw or adopted the PBX's decision), not from a file."""
    return record.state_at_arrival is not None


def _measured(record: CallRecord) -> bool:
    return record.wait_seconds is not None and record.talk_seconds is not None


def _best(stored: CallRecord, new: CallRecord) -> CallRecord:
    if stored.complete:
        if new.complete and not is_live(stored) and is_live(new):
            return new
        return stored
    # Live parts first (their decision, answer and end are observations, not file rows),
    # and of those the one that saw the `CallHours` decision itself (not adopted).
    parts = sorted((stored, new), key=lambda r: (not is_live(r), r.source is None))
    decision = parts[0]
    continuing = [r for r in parts if not r.complete and r.observed_until and _measured(r)]
    head = max(continuing, key=_observed_until, default=None) or next(
        (r for r in parts if r.complete and _measured(r)), None
    )
    tail = next((r for r in parts if r.ended is not None), None)
    answered_in = next((r for r in parts if r.answered is not None), None)
    if head is not None:
        wait, talk = _continue(head, tail)
    else:
        # Neither part can be continued (a file's partial record): keep what one of them says.
        known = next((r for r in parts if _measured(r)), decision)
        wait, talk = known.wait_seconds, known.talk_seconds
    complete = head is not None and tail is not None and wait is not None
    return CallRecord(
        linked_id=decision.linked_id,
        team=decision.team,
        line_kind=decision.line_kind,
        dialled=decision.dialled,
        caller=decision.caller,
        started=head.started if head is not None else min(r.started for r in parts),
        outcome=(tail or head or decision).outcome,
        state_at_arrival=decision.state_at_arrival,
        reason_at_arrival=decision.reason_at_arrival,
        source=decision.source,
        in_hours=decision.in_hours if decision.in_hours is not None else new.in_hours,
        answered=answered_in.answered if answered_in is not None else None,
        ended=tail.ended if tail is not None else None,
        wait_seconds=wait,
        talk_seconds=talk,
        answered_by=answered_in.answered_by if answered_in is not None else None,
        pilot=decision.pilot,
        complete=complete,
        inbound_id=decision.inbound_id or next((r.inbound_id for r in parts if r.inbound_id), None),
        observed_until=None if complete or head is None else head.observed_until,
        # What the caller chose or was sent to is seen by at most one live part; a file's
        # part knows none of it.
        language=next((r.language for r in parts if r.language is not None), None),
        callback_requested=any(r.callback_requested for r in parts),
        overflow=next((r.overflow for r in (tail, *parts) if r and r.overflow), None),
    )


def _observed_until(record: CallRecord) -> datetime:
    assert record.observed_until is not None
    return record.observed_until


def _continue(head: CallRecord, tail: CallRecord | None) -> tuple[float | None, float | None]:
    """Wait and talk of the whole call: the head's totals plus the stretch it did not see."""
    if head.complete or tail is None or tail.ended is None or head.observed_until is None:
        return head.wait_seconds, head.talk_seconds
    assert head.wait_seconds is not None
    assert head.talk_seconds is not None
    seen_until, ended = head.observed_until, tail.ended
    if head.answered is not None:
        gap_wait, gap_talk = 0.0, _seconds(seen_until, ended)
    elif tail.answered is not None:
        answered = max(tail.answered, seen_until)
        gap_wait, gap_talk = _seconds(seen_until, answered), _seconds(answered, ended)
    elif tail.outcome in _ANSWERED_OUTCOMES:
        return None, None  # answered while nobody watched: the split is unknown
    else:
        gap_wait, gap_talk = _seconds(seen_until, ended), 0.0
    return round(head.wait_seconds + gap_wait, 3), round(head.talk_seconds + gap_talk, 3)


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
