"""Frame parser edge cases: split UTF-8, timestamps, repeated keys, malformed frames."""

from __future__ import annotations

import copy
import logging
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from ami_traces import TRACE_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.pbx.ami import AmiBanner, AmiEvent, AmiMessage, AmiResponse, FrameParser
from callcenter.pbx.ami.layouts import LayoutCache
from callcenter.pbx.ami.messages import new_event

ACTIONS_TRACE = TRACE_DIR / "015_actions_only.ami"


def real_frames(path: Path = ACTIONS_TRACE) -> list[bytes]:
    """Frames (with their terminator) exactly as Asterisk 22 sent them."""
    body = path.read_bytes().partition(b"\r\n")[2]
    return [frame + b"\r\n\r\n" for frame in body[:-4].split(b"\r\n\r\n")]


def frame_with(marker: bytes) -> bytes:
    return next(frame for frame in real_frames() if marker in frame)


# Real frames from trace 015 used as "good" neighbours of malformed ones.
PING_RESPONSE = frame_with(b"ActionID: ping-1")
COMMAND_OUTPUT = frame_with(b"ActionID: command-2")
INVALID_PASSWORD = frame_with(b"Event: InvalidPassword")
FULLY_BOOTED = frame_with(b"Event: FullyBooted")


def feed_all(parser: FrameParser, *chunks: bytes) -> list[AmiMessage]:
    out: list[AmiMessage] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out


def events_only(messages: list[AmiMessage]) -> list[AmiEvent]:
    return [m for m in messages if isinstance(m, AmiEvent)]


# -- well-formed input ---------------------------------------------------------------------


def test_banner_split_across_reads() -> None:
    parser = FrameParser()
    assert parser.feed(b"Asterisk Call Man") == []
    messages = feed_all(parser, b"ager/11.0.0\r", b"\n" + FULLY_BOOTED)
    assert messages[0] == AmiBanner("Asterisk Call Manager/11.0.0")
    assert isinstance(messages[1], AmiEvent)
    assert messages[1].name == "FullyBooted"


def test_non_asterisk_banner_is_reported_as_such() -> None:
    (banner,) = FrameParser().feed(b"SSH-2.0-OpenSSH_9.6\r\n")
    assert isinstance(banner, AmiBanner)
    assert not banner.is_asterisk
    assert banner.version is None


@pytest.mark.parametrize("name", ["José", "Müller-Lüdenscheidt €", "𝄞 clef"])
def test_utf8_split_at_every_byte_survives(name: str) -> None:
    frame = (
        "Event: UserEvent\r\nPrivilege: user,all\r\nTimestamp: 1795250711.306000\r\n"
        f"CallerIDName: {name}\r\nUserEvent: CallHours\r\n\r\n"
    ).encode()
    for cut in range(1, len(frame)):
        parser = FrameParser(expect_banner=False)
        (event,) = feed_all(parser, frame[:cut], frame[cut:])
        assert isinstance(event, AmiEvent)
        assert event["CallerIDName"] == name, cut


def test_invalid_utf8_is_replaced_not_dropped() -> None:
    frame = b"Event: Newchannel\r\nCallerIDName: Jos\xe9 \xff\r\nUniqueid: 1.0\r\n\r\n"
    (event,) = FrameParser(expect_banner=False).feed(frame)
    assert isinstance(event, AmiEvent)
    assert event["CallerIDName"] == "Jos\ufffd \ufffd"
    assert event["Uniqueid"] == "1.0"


def test_timestamp_header_becomes_float_epoch() -> None:
    (event,) = FrameParser(expect_banner=False).feed(INVALID_PASSWORD)
    assert isinstance(event, AmiEvent)
    assert event.timestamp == pytest.approx(1795250984.477715)
    (ping,) = FrameParser(expect_banner=False).feed(PING_RESPONSE)
    assert isinstance(ping, AmiResponse)
    assert ping.timestamp == pytest.approx(1795250986.479913)  # the one response with one
    (booted,) = FrameParser(expect_banner=False).feed(FULLY_BOOTED)
    assert isinstance(booted, AmiEvent)
    assert booted.timestamp is None


@pytest.mark.parametrize("value", ["", "soon", "nan", "inf", "1e999"])
def test_unusable_timestamp_keeps_the_event(value: str) -> None:
    frame = f"Event: Hangup\r\nTimestamp: {value}\r\nCause: 16\r\n\r\n".encode()
    (event,) = FrameParser(expect_banner=False).feed(frame)
    assert isinstance(event, AmiEvent)
    assert event.timestamp is None
    assert event["Timestamp"] == value


def test_command_output_keeps_every_output_line() -> None:
    (response,) = FrameParser(expect_banner=False).feed(COMMAND_OUTPUT)
    assert isinstance(response, AmiResponse)
    assert response.ok
    assert response.message == "Command output follows"
    assert response.output == (
        "/callhours/_heartbeat                             : 1795250986               ",
        "/callhours/auslaender-a                           : open                     ",
        "2 results found.",
    )
    assert response["Output"] == response.output[0]


def test_repeated_variable_headers_keep_all_values() -> None:
    # Not in the traces (channelvars was not configured): a real Newchannel frame from trace
    # 001 with two lines in manager.c's `ChanVariable: name=value` format appended.
    newchannel = frame_with_in(b"Event: Newchannel", "001_team_open_answered.ami")
    frame = newchannel[:-2] + b"ChanVariable: TEAM=auslaender-a\r\nChanVariable: LANG=de\r\n\r\n"
    (event,) = FrameParser(expect_banner=False).feed(frame)
    assert isinstance(event, AmiEvent)
    assert event.getall("ChanVariable") == ("TEAM=auslaender-a", "LANG=de")
    assert event["ChanVariable"] == "TEAM=auslaender-a"
    assert event.getall("Channel") == (event["Channel"],)
    assert event.getall("NoSuchHeader") == ()


def frame_with_in(marker: bytes, trace: str) -> bytes:
    return next(frame for frame in real_frames(TRACE_DIR / trace) if marker in frame)


def test_value_colons_and_empty_values_are_kept() -> None:
    frame = b"Event: Test\r\nAppData: a: b:c\r\nAccountCode: \r\nEmpty:\r\nTight:x\r\n\r\n"
    (event,) = FrameParser(expect_banner=False).feed(frame)
    assert isinstance(event, AmiEvent)
    assert dict(event.headers) == {
        "Event": "Test",
        "AppData": "a: b:c",
        "AccountCode": "",
        "Empty": "",
        "Tight": "x",
    }


def test_legacy_follows_command_output() -> None:
    # Asterisk < 14 format (the traces are 22 and use Output: headers, see COMMAND_OUTPUT).
    frame = (
        b"Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\n"
        b"/callhours/auslaender-a : open\n2 results found.\n--END COMMAND--\r\n\r\n"
    )
    (response,) = FrameParser(expect_banner=False).feed(frame)
    assert isinstance(response, AmiResponse)
    assert response.status == "Follows"
    assert response.action_id == "7"
    assert response.output == ("/callhours/auslaender-a : open", "2 results found.")


def test_stray_blank_lines_between_frames_are_harmless() -> None:
    parser = FrameParser(expect_banner=False)
    messages = feed_all(parser, b"\r\n\r\n" + FULLY_BOOTED + b"\r\n" + INVALID_PASSWORD)
    assert [m.name for m in events_only(messages)] == ["FullyBooted", "InvalidPassword"]
    assert parser.stats.malformed == 0


# -- malformed input -------------------------------------------------------------------------

SMALL = {"max_frame_size": 2048, "max_line_size": 512}

MALFORMED = {
    "line without colon": b"Event: Newstate\r\nthis line has no colon\r\nUniqueid: 1.2\r\n\r\n",
    "invalid header name": b"Event: Newstate\r\nBad Key: x\r\n\r\n",
    "control bytes in name": b"Event: Newstate\r\nKe\x01y: x\r\n\r\n",
    "binary garbage": b"\x00\x9f\xff\xfe\x13garbage\x00\x01\r\n\x80\x81\r\n\r\n",
    "giant line": b"Event: Newstate\r\nData: " + b"x" * 600 + b"\r\n\r\n",
    "oversize frame": b"Event: Big\r\n" + b"Line: yyyyyyyyyyyyyyyyyy\r\n" * 120 + b"\r\n",
    "neither event nor response": b"Foo: bar\r\nBaz: 1\r\n\r\n",
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_frame_is_skipped_once_and_the_next_frame_delivered(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    stream = FULLY_BOOTED + MALFORMED[kind] + INVALID_PASSWORD
    for chunk_size in (len(stream), 1, 7, 64, 1000):
        parser = FrameParser(expect_banner=False, **SMALL)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="callcenter.pbx.ami.protocol"):
            chunks = [stream[i : i + chunk_size] for i in range(0, len(stream), chunk_size)]
            messages = feed_all(parser, *chunks)
        assert [m.name for m in events_only(messages)] == ["FullyBooted", "InvalidPassword"]
        assert len(messages) == 2
        assert parser.stats.malformed == 1, chunk_size
        assert parser.stats.oversize == (1 if kind == "oversize frame" else 0)
        assert len(caplog.records) == 1, "reported once"


def test_oversize_frame_whose_end_straddles_reads() -> None:
    big = b"Event: Big\r\n" + b"Line: " + b"z" * 5000 + b"\r\n\r\n"
    stream = big + FULLY_BOOTED
    cut = len(big) - 2  # the terminator is split "\r\n" | "\r\n"
    parser = FrameParser(expect_banner=False, **SMALL)
    messages = feed_all(parser, stream[:3000], stream[3000:cut], stream[cut:])
    assert [m.name for m in events_only(messages)] == ["FullyBooted"]
    assert parser.stats.oversize == 1


def test_log_flood_is_summarised(caplog: pytest.LogCaptureFixture) -> None:
    parser = FrameParser(expect_banner=False)
    with caplog.at_level(logging.WARNING, logger="callcenter.pbx.ami.protocol"):
        parser.feed(MALFORMED["line without colon"] * 2000)
    assert parser.stats.malformed == 2000
    assert len(caplog.records) == 10 + 2  # ten detailed, then one line per thousand


# -- fuzz: at least 10,000 malformed frames ---------------------------------------------------

_NAME_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=":")
_good_names = st.text(_NAME_CHARS, min_size=1, max_size=12)
_line_text = st.text(
    st.characters(exclude_characters="\r\n:", exclude_categories=["Cs"]), min_size=1, max_size=40
)


@st.composite
def _no_colon_frame(draw: st.DrawFn) -> bytes:
    return b"Event: X\r\n" + draw(_line_text).encode() + b"\r\n\r\n"


@st.composite
def _bad_name_frame(draw: st.DrawFn) -> bytes:
    name = draw(_line_text.filter(lambda s: any(not ("!" <= c <= "~") for c in s)))
    return b"Event: X\r\n" + name.encode() + b": value\r\n\r\n"


@st.composite
def _garbage_frame(draw: st.DrawFn) -> bytes:
    blob = draw(st.binary(min_size=0, max_size=300).filter(lambda b: b"\r\n\r\n" not in b))
    return b"\x00" + blob + b"\r\n\r\n"  # the NUL makes the first line invalid whatever follows


@st.composite
def _giant_line_frame(draw: st.DrawFn) -> bytes:
    return b"Event: X\r\nData: " + b"g" * draw(st.integers(513, 1900)) + b"\r\n\r\n"


@st.composite
def _oversize_frame(draw: st.DrawFn) -> bytes:
    lines = draw(st.integers(90, 400))
    return b"Event: X\r\n" + b"Line: oooooooooooooooooooo\r\n" * lines + b"\r\n"


@st.composite
def _orphan_frame(draw: st.DrawFn) -> bytes:
    name = draw(_good_names.filter(lambda n: n not in ("Event", "Response")))
    return name.encode() + b": 1\r\n\r\n"


malformed_frames = st.one_of(
    _no_colon_frame(),
    _bad_name_frame(),
    _garbage_frame(),
    _giant_line_frame(),
    _oversize_frame(),
    _orphan_frame(),
)


def test_fuzz_ten_thousand_malformed_frames() -> None:
    seen: list[int] = []

    @settings(max_examples=200, deadline=None)
    @given(
        bad=st.lists(malformed_frames, min_size=50, max_size=80),
        chunk=st.integers(1, 5000),
    )
    def run(bad: list[bytes], chunk: int) -> None:
        stream = b"".join(
            frame + f"Event: Good\r\nSeq: {n}\r\n\r\n".encode() for n, frame in enumerate(bad)
        )
        parser = FrameParser(expect_banner=False, **SMALL)
        messages = feed_all(parser, *(stream[i : i + chunk] for i in range(0, len(stream), chunk)))
        assert [m["Seq"] for m in events_only(messages)] == [str(n) for n in range(len(bad))]
        assert len(messages) == len(bad)
        assert parser.stats.malformed == len(bad)
        seen.append(len(bad))

    logging.getLogger("callcenter.pbx.ami.protocol").setLevel(logging.ERROR)
    try:
        run()
    finally:
        logging.getLogger("callcenter.pbx.ami.protocol").setLevel(logging.NOTSET)
    assert sum(seen) >= 10_000


def test_fast_event_constructor_builds_the_same_frozen_event() -> None:
    headers = {"Event": "Hangup", "Timestamp": "1795250984.477715", "Cause": "16"}
    fast = new_event("Hangup", headers)
    assert fast == AmiEvent("Hangup", headers, 1795250984.477715)
    assert fast.timestamp == 1795250984.477715  # converted on first access
    assert fast.multi == {}
    assert hash(fast) == hash(AmiEvent("Hangup", headers, 1795250984.477715))
    assert "timestamp=1795250984.477715" in repr(fast)
    assert new_event("Hangup", {"Event": "Hangup"}).timestamp is None
    with pytest.raises(FrozenInstanceError):
        fast.name = "Newchannel"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del fast.headers  # type: ignore[misc]
    assert copy.copy(fast) == fast


# -- learned layouts ------------------------------------------------------------------------

_layout_names = st.lists(
    st.sampled_from(["Privilege", "Channel", "Cause-txt", "Uniqueid", "AccountCode", "X_1"]),
    unique=True,
    max_size=6,
)
# Values with everything a line may hold: lone CR or LF, ": ", non-ASCII, empty.
_layout_values = st.text(st.sampled_from("ab :\r\n\t\u00e9\ufffd\U0001f4de1"), max_size=12).filter(
    lambda v: "\r\n" not in v and not v.endswith("\r")
)


@st.composite
def _plain_event(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    names = ["Event", *draw(_layout_names)]
    values = [
        draw(st.sampled_from(["Newstate", "Hangup"])),
        *(draw(_layout_values) for _ in names[1:]),
    ]
    text = "\r\n".join(f"{n}: {v}" for n, v in zip(names, values, strict=True))
    # What splitting the lines at CRLF and at the first ": " gives, independently of the parser.
    expected = dict(line.split(": ", 1) for line in text.split("\r\n"))
    return (text + "\r\n\r\n").encode(), expected


@settings(max_examples=300, deadline=None)
@given(frames=st.lists(_plain_event(), min_size=1, max_size=30), chunk=st.integers(1, 400))
def test_learned_layouts_parse_exactly_as_splitting_the_lines(
    frames: list[tuple[bytes, dict[str, str]]], chunk: int
) -> None:
    # Every frame three times: the first teaches the layout, the others may take it.
    stream = b"".join(frame for frame, _ in frames * 3)
    parser = FrameParser(expect_banner=False)
    messages = feed_all(parser, *(stream[i : i + chunk] for i in range(0, len(stream), chunk)))
    assert [dict(m.headers) for m in events_only(messages)] == [e for _, e in frames * 3]
    assert [list(m.headers) for m in events_only(messages)] == [list(e) for _, e in frames * 3]
    assert parser.stats.malformed == 0


def test_layouts_are_capped() -> None:
    cache = LayoutCache(per_event=2, total=3)
    for names in (("Event", "A"), ("Event", "B"), ("Event", "C"), ("Event", "A")):
        cache.learn("Newstate", names)
    cache.learn("Hangup", ("Event", "A"))
    cache.learn("Cdr", ("Event", "A"))
    assert [layout.names for layout in cache.by_event["Newstate"]] == [
        ("Event", "A"),
        ("Event", "B"),
    ]
    assert list(cache.by_event) == ["Newstate", "Hangup"]
    layout = cache.by_event["Hangup"][0]
    assert layout.named  # identifiers: the groups carry the header names
    other = LayoutCache()
    other.learn("Hangup", ("Event", "Cause-txt"))
    (positional,) = other.by_event["Hangup"]
    assert not positional.named
    found = positional.match("Event: Hangup\r\nCause-txt: Normal Clearing")
    assert found is not None
    assert found.groups() == ("Hangup", "Normal Clearing")
    assert layout.match("Event: Hangup\r\nA: x: y\r") is not None
    assert layout.match("Event: Hangup\r\nA: x\ny") is None  # a lone LF: the careful path
    assert layout.match("Event: Hangup\r\nA: x\r\nB: y") is None


def test_plain_says_whether_a_read_held_only_events_no_action_can_wait_for() -> None:
    parser = FrameParser()
    assert len(parser.feed(b"Asterisk Call Manager/11.0.0\r\n")) == 1
    assert not parser.plain  # the banner
    # New header names (checked one by one), known names, then the learned layout.
    for seen_before in (False, True, True):
        assert len(parser.feed(FULLY_BOOTED + INVALID_PASSWORD)) == 2
        assert parser.plain == seen_before  # what took the careful path is never plain
        item = b"Event: DBGetResponse\r\nFamily: callhours\r\nActionID: cc-1\r\n\r\n"
        assert len(parser.feed(item)) == 1
        assert not parser.plain  # a list item: the connection must route it
    assert len(parser.feed(PING_RESPONSE)) == 1
    assert not parser.plain
    assert parser.feed(INVALID_PASSWORD[:20]) == []
    assert parser.plain
