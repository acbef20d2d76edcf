"""The estimated wait before the queue (issue 20, point 4): the generated `[callhours-wait]`,
the team line that calls it, and what the dialplan evaluator says it plays."""

from __future__ import annotations

from dialplan_support import (
    NOW,
    context_lines,
    example_office,
    example_settings,
    generate,
    lint,
    office,
    team,
)

from callcenter.pbx.dialplan import generate_dialplan
from callcenter.pbx.dialplan_eval import read_contexts, wait_announcement
from callcenter.pbx.dialplan_settings import options_from_settings

EPOCH = 1795250000


def _db(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda family, key: values.get(f"{family}/{key}")


def two_teams() -> object:
    return office(
        [team(), team(id="t2", queue="q2", team_lines=("0200",), direct_lines=("_02XX",))]
    )


def test_only_announcing_teams_say_the_wait_before_their_queue() -> None:
    text = generate(two_teams(), announce_wait=("t1",))  # type: ignore[arg-type]
    assert lint(text) == []
    contexts = read_contexts(text)
    entry = [(s.app, s.data) for s in contexts["callhours-inbound"]["0100"]]
    assert entry[1][0] == "Gosub"
    assert entry[1][1].startswith("callhours-route,")
    assert entry[2] == ("Gosub", "callhours-wait,s,1(t1)")
    assert entry[3][0] == "Queue"
    other = [s.app for s in contexts["callhours-inbound"]["0200"]]
    assert other == ["NoOp", "Gosub", "Queue", "Hangup"]


def test_no_announcing_team_no_wait_context() -> None:
    text = generate(two_teams())  # type: ignore[arg-type]
    assert "callhours-wait" not in text
    assert lint(text) == []


def test_the_wait_context_reads_the_key_and_skips_empty_zero_and_stale() -> None:
    text = generate(two_teams(), announce_wait=("t1",), stale_after_seconds=60)  # type: ignore[arg-type]
    contexts = read_contexts(text)
    fresh = {"callhours/_heartbeat": str(EPOCH - 5)}
    said = wait_announcement(
        contexts, "0100", _db({**fresh, "callhours/t1/wait_minutes": "5"}), EPOCH
    )
    assert said == "callhours/wait-5-de&callhours/wait-5-en,noanswer"
    for values in (
        fresh,  # no key
        {**fresh, "callhours/t1/wait_minutes": "0"},
        {"callhours/t1/wait_minutes": "5"},  # no heartbeat
        {"callhours/_heartbeat": str(EPOCH - 61), "callhours/t1/wait_minutes": "5"},
    ):
        assert wait_announcement(contexts, "0100", _db(values), EPOCH) is None, values
    # Team t2's line has no Gosub: nothing is said, whatever AstDB holds.
    values = {**fresh, "callhours/t2/wait_minutes": "5"}
    assert wait_announcement(contexts, "0200", _db(values), EPOCH) is None
    # Early media: the sentence plays before Queue() answers, like the announcement.
    assert " same => n,Progress()" in context_lines(text, "callhours-wait")


def test_answered_variant_plays_without_noanswer() -> None:
    text = generate(two_teams(), announce_wait=("t1",), early_media=False)  # type: ignore[arg-type]
    assert lint(text) == []
    contexts = read_contexts(text)
    values = {"callhours/_heartbeat": str(EPOCH), "callhours/t1/wait_minutes": "10"}
    said = wait_announcement(contexts, "0100", _db(values), EPOCH)
    assert said == "callhours/wait-10-de&callhours/wait-10-en"
    assert "Progress()" not in "\n".join(context_lines(text, "callhours-wait"))


def test_settings_with_announce_position_generate_a_dialplan_that_passes_the_lint() -> None:
    settings = example_settings()
    teams = tuple(
        t.model_copy(update={"announce_position": t.id == "auslaender-a"}) for t in settings.teams
    )
    options = options_from_settings(settings.model_copy(update={"teams": teams}))
    assert options.announce_wait == ("auslaender-a",)
    text = generate_dialplan(example_office(), options, NOW)
    assert lint(text) == []
    assert text.count("callhours-wait,s,1(auslaender-a)") == len(
        next(t for t in teams if t.id == "auslaender-a").team_lines
    )
    assert "callhours-wait,s,1(auslaender-b)" not in text
