"""`callcenter pbx queues`: every queue the generated dialplan uses, with the recorded options."""

from __future__ import annotations

import configparser
import re
from dataclasses import replace

from dialplan_support import example_dialplan, example_office, example_settings
from recordings import ASTERISK22

from callcenter.pbx.queues_conf import generate_queues


def sections(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(
        strict=False, comment_prefixes=(";",), inline_comment_prefixes=(";",)
    )
    parser.read_string(text)
    return parser


def test_every_queue_of_the_dialplan_is_defined_once() -> None:
    settings = example_settings()
    text = generate_queues(example_office(), settings.switchboard.queue)
    used = set(re.findall(r"Queue\(([^,)]+)", example_dialplan()))
    defined = re.findall(r"^\[([^\]]+)\]$", text, re.MULTILINE)
    assert used, "the example dialplan queues calls"
    assert used <= set(defined)
    assert len(defined) == len(set(defined))
    assert settings.switchboard.queue in defined


def test_options_are_those_of_the_recorded_pbx() -> None:
    recorded = sections((ASTERISK22 / "config" / "queues.conf").read_text())["auslaender-a"]
    ours = sections(generate_queues(example_office(), ""))["auslaender-a"]
    recorded_options = {key: value for key, value in recorded.items() if key != "member"}
    assert dict(ours.items()) == recorded_options


def test_a_queue_shared_by_two_teams_appears_once() -> None:
    office = example_office()
    first, second, *rest = office.teams
    shared = replace(office, teams=(first, replace(second, queue=first.queue or first.id), *rest))
    defined = re.findall(r"^\[([^\]]+)\]$", generate_queues(shared, ""), re.MULTILINE)
    assert defined.count(first.queue or first.id) == 1
    assert len(defined) == len(office.teams) - 1


def test_announcing_queues_get_recording_023s_announcement_options() -> None:
    recorded = sections((ASTERISK22 / "config-v3" / "queues.conf").read_text())["t3-announce"]
    text = generate_queues(example_office(), "zentrale", {"auslaender-a": 15})
    ours = sections(text)["auslaender-a"]
    for key in (
        "announce-frequency",
        "min-announce-frequency",
        "announce-position",
        "announce-holdtime",
        "announce-round-seconds",
        "announce-to-first-user",
    ):
        assert ours[key] == recorded[key], key
    # One value per key (app_queue takes the last one; a duplicate would hide a mistake).
    block = text.split("[auslaender-a]")[1].split("\n\n")[0]
    keys = [line.split(" = ")[0] for line in block.splitlines() if " = " in line]
    assert len(keys) == len(set(keys))
    # Queues without announcements keep the recorded options.
    assert sections(text)["auslaender-b"]["announce-frequency"] == "0"
    assert not sections(text).has_option("zentrale", "announce-position")
