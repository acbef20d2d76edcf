"""Every real Asterisk 22 trace, replayed byte for byte through the frame parser."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest
from ami_traces import (
    EXPECTED_TRACE_COUNT,
    TRACE_FILES,
    recorded_chunks,
    reference_parse,
    summary,
    trace_id,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.pbx.ami import AmiBanner, AmiEvent, AmiMessage, AmiResponse, FrameParser


def parse_whole(raw: bytes) -> tuple[list[AmiMessage], FrameParser]:
    parser = FrameParser()
    return parser.feed(raw), parser


def parse_chunks(chunks: list[bytes]) -> tuple[list[AmiMessage], FrameParser]:
    parser = FrameParser()
    messages: list[AmiMessage] = []
    for chunk in chunks:
        messages.extend(parser.feed(chunk))
    return messages, parser


def test_all_recordings_are_there() -> None:
    assert len(TRACE_FILES) == EXPECTED_TRACE_COUNT, f"traces missing in {TRACE_FILES}"


@pytest.mark.parametrize("path", TRACE_FILES, ids=trace_id)
def test_trace_parses_into_the_frames_asterisk_sent(path: Path) -> None:
    raw = path.read_bytes()
    banner, frames = reference_parse(raw)
    messages, parser = parse_whole(raw)

    assert messages[0] == AmiBanner(banner)
    assert messages[0].is_asterisk
    assert messages[0].version == "11.0.0"
    assert len(messages) == len(frames) + 1
    for message, frame in zip(messages[1:], frames, strict=True):
        assert isinstance(message, AmiEvent | AmiResponse)
        if isinstance(message, AmiEvent):
            assert message.name == frame.first("Event")
        else:
            assert frame.first("Event") is None
            assert message.status == frame.first("Response")
        keys = list(dict.fromkeys(key for key, _ in frame.pairs))
        assert list(message.headers) == keys
        for key in keys:
            assert message.getall(key) == tuple(v for k, v in frame.pairs if k == key)
            assert message[key] == frame.first(key)
        stamp = frame.first("Timestamp")
        assert message.timestamp == (float(stamp) if stamp is not None else None)
    assert parser.stats.malformed == 0
    assert parser.stats.messages == len(messages)


@pytest.mark.parametrize("path", TRACE_FILES, ids=trace_id)
def test_trace_matches_the_recordings_own_summary(path: Path) -> None:
    """The summaries were written by the recording script, independently of our parser."""
    messages, _ = parse_whole(path.read_bytes())
    lines = summary(path)
    assert lines, "empty summary"
    stamps = [m.timestamp for m in messages if not isinstance(m, AmiBanner) and m.timestamp]
    for line in lines:
        message = messages[line.index - 1]
        if line.name == "Banner":
            assert message == AmiBanner(line.rest)
            continue
        if line.name.startswith("Response:"):
            assert isinstance(message, AmiResponse)
            assert message.status == line.name.removeprefix("Response:")
        else:
            assert isinstance(message, AmiEvent)
            assert message.name == line.name
        for key, value in line.fields.items():
            if value.startswith("['"):  # the script printed repeated keys as a Python list
                assert list(message.getall(key)) == ast.literal_eval(value), (line.index, key)
            else:
                assert message[key] == value, (line.index, key)
        if line.seconds is not None:
            assert message.timestamp is not None
            assert message.timestamp - stamps[0] == pytest.approx(line.seconds, abs=0.0011)


@pytest.mark.parametrize("path", TRACE_FILES, ids=trace_id)
def test_real_read_boundaries_give_the_same_messages(path: Path) -> None:
    chunks = recorded_chunks(path)
    assert b"".join(chunks) == path.read_bytes()
    assert parse_chunks(chunks)[0] == parse_whole(path.read_bytes())[0]


@pytest.mark.parametrize(
    "name", ["015_actions_only.badlogin", "004_team_closed_hours_full", "015_actions_only"]
)
def test_byte_by_byte_gives_the_same_messages(name: str) -> None:
    raw = next(path for path in TRACE_FILES if path.stem == name).read_bytes()
    one_byte_reads = [raw[i : i + 1] for i in range(len(raw))]
    assert parse_chunks(one_byte_reads)[0] == parse_whole(raw)[0]


@pytest.mark.parametrize("path", TRACE_FILES, ids=trace_id)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_chunking_gives_identical_messages(path: Path, data: st.DataObject) -> None:
    raw = path.read_bytes()
    cuts = data.draw(st.sets(st.integers(1, len(raw) - 1), max_size=300), label="cuts")
    bounds = [0, *sorted(cuts), len(raw)]
    chunks = [raw[a:b] for a, b in itertools.pairwise(bounds)]
    assert parse_chunks(chunks)[0] == parse_whole(raw)[0]
