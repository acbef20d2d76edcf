"""Reconnect backoff and action encoding (pure functions, no event loop)."""

from __future__ import annotations

import random

import pytest

from callcenter.pbx.ami import encode_action
from callcenter.pbx.ami.backoff import Backoff


def test_backoff_grows_exponentially_to_the_cap_with_bounded_jitter() -> None:
    backoff = Backoff(0.5, 30.0, factor=2.0, jitter=0.25, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(10)]
    bases = [0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30]
    for delay, base in zip(delays, bases, strict=True):
        assert base * 0.75 <= delay <= min(30.0, base * 1.25)
    assert len(set(delays)) == len(delays), "jitter spreads the delays"


def test_backoff_reset_starts_over() -> None:
    backoff = Backoff(1.0, 8.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    backoff.reset()
    assert backoff.next_delay() == 1.0


def test_two_clients_do_not_retry_in_lockstep() -> None:
    one = Backoff(1.0, 30.0, rng=random.Random(1))
    two = Backoff(1.0, 30.0, rng=random.Random(2))
    assert [one.next_delay() for _ in range(5)] != [two.next_delay() for _ in range(5)]


@pytest.mark.parametrize(
    "kwargs", [{"initial": 0}, {"maximum": 0.1}, {"factor": 0.5}, {"jitter": 1.0}]
)
def test_backoff_rejects_nonsense(kwargs: dict[str, float]) -> None:
    args = {"initial": 1.0, "maximum": 10.0} | kwargs
    with pytest.raises(ValueError, match="backoff"):
        Backoff(
            args["initial"],
            args["maximum"],
            factor=kwargs.get("factor", 2.0),
            jitter=kwargs.get("jitter", 0.1),
        )


def test_encode_action_matches_the_recorded_wire_format() -> None:
    # The DBPut that trace 015's sidecar shows the recording script sending.
    data = encode_action(
        "DBPut", "dbput-1", {"Family": "callhours", "Key": "auslaender-a", "Val": "open"}
    )
    assert data == (
        b"Action: DBPut\r\nActionID: dbput-1\r\nFamily: callhours\r\n"
        b"Key: auslaender-a\r\nVal: open\r\n\r\n"
    )


def test_encode_action_repeats_sequence_values_and_encodes_utf8() -> None:
    data = encode_action("Originate", "o-1", {"Variable": ["A=1", "B=José"], "Timeout": 5})
    assert (
        data
        == (
            "Action: Originate\r\nActionID: o-1\r\nVariable: A=1\r\nVariable: B=José\r\n"
            "Timeout: 5\r\n\r\n"
        ).encode()
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"Val": "open\r\n\r\nAction: Originate"},
        {"Val": "x\ny"},
        {"Bad Key": "x"},
        {"ActionID": "spoofed"},
    ],
)
def test_encode_action_refuses_injection(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="AMI"):
        encode_action("DBPut", "id-1", fields)
