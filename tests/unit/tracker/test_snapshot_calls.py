"""`snapshot_calls`: a `CoreShowChannels` answer read as calls, with their routing.

The real answer of trace 015 (two direct-line calls, each bridged with its member) goes
through the real frame parser; the other stages are built from the same header layout.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest
from recordings import ASTERISK22

from callcenter.domain.calls import LineKind
from callcenter.domain.number_plan import LinePlan
from callcenter.domain.pbx_events import CallSnapshot, CallStage
from callcenter.domain.schedule import Office, Reason, Team, windows_from_spec
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.translate import duration_seconds, snapshot_calls

REPO = Path(__file__).resolve().parents[3]
TRACES = ASTERISK22
NOW = datetime(2026, 11, 21, 8, 50, tzinfo=UTC)
TEAM = "auslaender-a"
OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    {},
    (
        Team(
            TEAM,
            "Team A",
            windows=windows_from_spec("Mo-Do 09:00-12:00"),
            queue="auslaender-a",
            team_lines=("06151100",),
            direct_lines=("_0615110XX",),
        ),
    ),
)
LINES = LinePlan(OFFICE, ("06151000",), "zentrale")


def trace_channel_list() -> list[AmiEvent]:
    parser = FrameParser()
    messages = parser.feed((TRACES / "traces" / "015_actions_only.ami").read_bytes())
    return [m for m in messages if isinstance(m, AmiEvent) and m.name == "CoreShowChannel"]


def by_id(snapshots: list[CallSnapshot]) -> dict[str, CallSnapshot]:
    return {snapshot.linked_id: snapshot for snapshot in snapshots}


def test_the_recorded_list_gives_two_direct_calls_talking_to_their_members() -> None:
    items = trace_channel_list()
    assert len(items) == 8
    calls = by_id(snapshot_calls(items, NOW, LINES))
    assert set(calls) == {"1795250986.139", "1795250986.141"}
    first, second = calls["1795250986.139"], calls["1795250986.141"]
    assert first == CallSnapshot(
        "1795250986.139",
        NOW - timedelta(seconds=2),
        frozenset({"1795250986.139", "1795250986.140", "1795250986.143", "1795250986.144"}),
        stage=CallStage.DIALLING,
        inbound="1795250986.140",
        team=TEAM,
        line_kind=LineKind.DIRECT_LINE,
        dialled="061511001",
        caller_number="01701234515",
        member="Local/101@agents",
        member_channel="1795250986.143",
    )
    assert (second.dialled, second.member, second.member_channel) == (
        "061511002",
        "Local/102@agents",
        "1795250986.145",
    )
    assert second.caller_number == "01701234615"


def channel(unique_id: str, linked_id: str, **headers: str) -> AmiEvent:
    base = {
        "Event": "CoreShowChannel",
        "Channel": f"PJSIP/trunk-{unique_id.replace('.', '')[-8:]}",
        "ChannelStateDesc": "Up",
        "CallerIDNum": "01701234599",
        "Context": "callhours-inbound",
        "Exten": "06151100",
        "Uniqueid": unique_id,
        "Linkedid": linked_id,
        "Application": "Queue",
        "ApplicationData": "auslaender-a,t,,,30",
        "Duration": "00:01:05",
        "BridgeId": "",
    }
    return AmiEvent("CoreShowChannel", MappingProxyType({**base, **headers}))


def only(*items: AmiEvent) -> CallSnapshot:
    (snapshot,) = snapshot_calls(items, NOW, LINES)
    return snapshot


def test_a_caller_waiting_in_the_team_queue() -> None:
    snapshot = only(channel("1.1", "1.1"))
    assert snapshot.stage is CallStage.QUEUED
    assert (snapshot.team, snapshot.queue, snapshot.inbound) == (TEAM, "auslaender-a", "1.1")
    assert (snapshot.line_kind, snapshot.dialled) == (LineKind.TEAM_LINE, "06151100")
    assert snapshot.started == NOW - timedelta(seconds=65)
    assert snapshot.member is None


def test_a_caller_hearing_the_generated_announcement_names_team_and_reason() -> None:
    playing = channel(
        "2.1",
        "2.1",
        Context="callhours-route",
        Exten="s",
        Application="Playback",
        ApplicationData="callhours/auslaender-a/closed-closure-de&"
        "callhours/auslaender-a/closed-closure-en,noanswer",
    )
    snapshot = only(playing)
    assert snapshot.stage is CallStage.ANNOUNCEMENT
    assert (snapshot.team, snapshot.reason) == (TEAM, Reason.CLOSURE)
    assert snapshot.dialled == ""  # the routing context hides the number; the prompt names the team


def test_a_local_channel_pair_in_the_routing_context_takes_the_number_from_its_other_half() -> None:
    # As the simulator and the recordings inject calls: `;1` keeps the dialled number.
    one = channel("3.1", "3.1", Context="from-pstn", Application="AppDial2", Duration="00:00:09")
    two = channel(
        "3.2", "3.1", Context="callhours-route", Exten="s", Application="Playback",
        ApplicationData="", Duration="00:00:09",
    )  # fmt: skip
    snapshot = only(two, one)
    assert snapshot.stage is CallStage.ANNOUNCEMENT
    assert (snapshot.team, snapshot.dialled, snapshot.inbound) == (TEAM, "06151100", "3.2")
    assert snapshot.reason is None
    assert snapshot.channels == {"3.1", "3.2"}


def test_a_caller_talking_to_the_switchboard_is_not_routed_yet() -> None:
    caller = channel(
        "4.1", "4.1", Exten="06151000", ApplicationData="zentrale,t,,,60", BridgeId="b-4"
    )
    operator = channel(
        "4.2", "4.1", Channel="PJSIP/900-0000002a", Context="from-internal", Exten="",
        Application="AppQueue", ApplicationData="(Outgoing Line)", BridgeId="b-4",
    )  # fmt: skip
    snapshot = only(caller, operator)
    assert snapshot.stage is CallStage.UNROUTED
    assert snapshot.team is None
    assert snapshot.via_switchboard
    assert (snapshot.member, snapshot.member_channel) == ("PJSIP/900", "4.2")


def test_a_switchboard_call_passed_on_to_the_team_queue() -> None:
    one = channel("5.1", "5.1", Exten="06151000", Application="AppDial2", Duration="00:02:00")
    two = channel("5.2", "5.1", Duration="00:02:00")
    snapshot = only(one, two)
    assert snapshot.stage is CallStage.QUEUED
    assert snapshot.via_switchboard
    assert snapshot.team == TEAM


def test_a_number_of_no_team_is_not_adopted_as_routed() -> None:
    snapshot = only(channel("6.1", "6.1", Exten="0800123", Application="Dial"))
    assert (snapshot.stage, snapshot.team, snapshot.line_kind) == (CallStage.UNROUTED, None, None)


def test_a_withheld_number_gives_no_caller_number() -> None:
    assert only(channel("7.1", "7.1", CallerIDNum="<unknown>")).caller_number is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:02", 2), ("01:02:03", 3723), ("123:00:00", 442800), ("", 0), ("1:x:3", 0)],
)
def test_duration(text: str, seconds: float) -> None:
    assert duration_seconds(text) == seconds
