"""`merge`: the parts of one call (a stop mid-call, the next run's, an import) as one record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from callcenter.domain.calls import CallRecord, DecisionSource, LineKind, Outcome
from callcenter.domain.record_merge import merge
from callcenter.domain.schedule import Reason, State

T0 = datetime(2026, 12, 4, 15, 47, 45, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# What the stopping service stored: start and decision seen, counted up to 3 s.
HEAD = CallRecord(
    linked_id="1796399265.222",
    team="auslaender-a",
    line_kind=LineKind.TEAM_LINE,
    dialled="06151100",
    caller="c-1",
    started=at(0),
    outcome=Outcome.ANNOUNCEMENT,
    state_at_arrival=State.CLOSED,
    reason_at_arrival=Reason.HOURS,
    source=DecisionSource.LIVE,
    in_hours=False,
    wait_seconds=3.0,
    talk_seconds=0.0,
    complete=False,
    inbound_id="1796399265.223",
    observed_until=at(3),
)
# What the restarted service recorded: adopted from the channel list, its end seen.
TAIL = replace(
    HEAD,
    started=at(-1),  # the list's whole seconds
    source=None,
    wait_seconds=None,
    talk_seconds=None,
    ended=at(32.3),
    observed_until=None,
)


def test_an_announcement_stopped_mid_way_is_completed_by_the_next_run() -> None:
    merged = merge(HEAD, TAIL)
    assert merged is not None
    assert merged.complete
    assert (merged.started, merged.ended, merged.source) == (at(0), at(32.3), DecisionSource.LIVE)
    assert (merged.wait_seconds, merged.talk_seconds) == (32.3, 0.0)
    assert merged.observed_until is None


def test_the_order_in_which_the_parts_arrive_does_not_matter() -> None:
    assert merge(TAIL, HEAD) == merge(HEAD, TAIL)


def test_a_complete_record_is_never_replaced_by_a_worse_one() -> None:
    done = merge(HEAD, TAIL)
    assert done is not None
    assert merge(done, HEAD) is None
    assert merge(done, TAIL) is None
    from_file = replace(done, state_at_arrival=None, reason_at_arrival=None, source=None)
    assert merge(done, from_file) is None
    # …but a file's record gives way to the live one, which saw the PBX's decision.
    assert merge(from_file, done) == done


def test_the_same_part_twice_adds_nothing() -> None:
    assert merge(HEAD, HEAD) is None
    assert merge(TAIL, TAIL) is None


def test_an_answer_after_the_gap_splits_it_into_wait_and_talk() -> None:
    tail = replace(TAIL, outcome=Outcome.ANSWERED, answered=at(10), answered_by="m-1")
    merged = merge(replace(HEAD, outcome=Outcome.ABANDONED), tail)
    assert merged is not None
    assert (merged.wait_seconds, merged.talk_seconds, merged.complete) == (10.0, 22.3, True)
    assert (merged.answered, merged.answered_by, merged.outcome) == (
        at(10),
        "m-1",
        Outcome.ANSWERED,
    )


def test_talking_at_the_stop_keeps_talking_through_the_gap() -> None:
    head = replace(HEAD, answered=at(2), answered_by="m-1", wait_seconds=2.0, talk_seconds=1.0)
    merged = merge(head, replace(TAIL, outcome=Outcome.ANSWERED))
    assert merged is not None
    assert (merged.wait_seconds, merged.talk_seconds, merged.complete) == (2.0, 30.3, True)


def test_an_answer_inside_the_gap_leaves_the_split_unknown() -> None:
    merged = merge(HEAD, replace(TAIL, outcome=Outcome.ANSWERED))
    assert merged is not None
    assert (merged.wait_seconds, merged.talk_seconds, merged.complete) == (None, None, False)
    assert (merged.ended, merged.outcome) == (at(32.3), Outcome.ANSWERED)


def test_an_import_completes_a_stopped_record_and_keeps_the_live_id_and_decision() -> None:
    cdr = replace(
        TAIL,
        linked_id="1796399265.223",  # Master.csv without linkedid: the ;2 leg's uniqueid
        state_at_arrival=None,
        reason_at_arrival=None,
        started=at(0),
        ended=at(32),
        wait_seconds=32.0,
        talk_seconds=0.0,
        complete=True,
    )
    merged = merge(HEAD, cdr)
    assert merged is not None
    assert merged.linked_id == HEAD.linked_id
    assert (merged.state_at_arrival, merged.source) == (State.CLOSED, DecisionSource.LIVE)
    assert (merged.ended, merged.wait_seconds, merged.complete) == (at(32), 32.0, True)


def test_the_callers_choices_survive_the_merge_from_whichever_part_saw_them() -> None:
    # The head saw the menu choice; only the tail saw the callback key and the overflow.
    head = replace(HEAD, language="tr")
    tail = replace(TAIL, callback_requested=True, overflow="callback")
    for merged in (merge(head, tail), merge(tail, head)):
        assert merged is not None
        assert (merged.language, merged.callback_requested, merged.overflow) == (
            "tr",
            True,
            "callback",
        )
