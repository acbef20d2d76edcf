"""`callhours/_valid_until` in the generated route, read back the way Asterisk runs it.

`route_live_state` runs the file's own Set/GotoIf steps with Asterisk's expression rules;
the simulator's model (`routing.decide`) must decide the same for every value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import product

import pytest
from dialplan_support import (
    BERLIN,
    REFERENCE_DIALPLAN,
    example_dialplan,
    generate,
    lint,
    office,
    team,
)

from callcenter.domain.boundaries import next_boundary
from callcenter.pbx.dialplan_eval import (
    fallback_state,
    read_contexts,
    read_globals,
    route_live_state,
)
from callcenter.simulator.astdb import AstDb
from callcenter.simulator.routing import decide

EPOCH = 1_795_250_000
GUARDED = ' same => n,GotoIf($["${until}" != "" & ${EPOCH} >= 0${until}]?fallback)'


def astdb(values: dict[str, str | None]) -> AstDb:
    db = AstDb()
    for key, value in values.items():
        if value is not None:
            db.put("callhours", key, value)
    return db


def live(text: str, epoch: int, **values: str | None) -> str | None:
    """The live state the route goes on with for team t1, or None for the fallback."""
    db = astdb({"t1": "open", "_heartbeat": str(epoch - 5), **values})
    return route_live_state(
        read_contexts(text), "t1", db.get, epoch, global_vars=read_globals(text)
    )


@pytest.fixture(scope="module")
def text() -> str:
    return generate(office())


def test_the_check_follows_the_heartbeat_check_and_is_guarded(text: str) -> None:
    lines = text.splitlines()
    heartbeat = next(i for i, line in enumerate(lines) if "0${hb}] > 60]?fallback" in line)
    steps = [line for line in lines[heartbeat + 1 :] if line.startswith(" same")][:3]
    assert steps == [
        " same => n,Set(LOCAL(until)=${DB(callhours/_valid_until)})",
        GUARDED,
        " same => n(decided),Set(LOCAL(reason)=${CUT(state,:,2)})",
    ]
    assert lint(text) == []


def test_lint_refuses_the_unguarded_comparison(text: str) -> None:
    unguarded = text.replace(GUARDED, " same => n,GotoIf($[${EPOCH} >= ${until}]?fallback)")
    problems = lint(unguarded)
    assert len(problems) == 1
    assert "syntax error in $[1795250000 >= ]" in problems[0]
    assert "until=''" in problems[0]


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        (None, "open"),  # no key: no limit (a service of an older version)
        ("", "open"),  # an empty value: no limit either, and no syntax error
        (str(EPOCH + 1), "open"),
        (str(EPOCH), None),  # the boundary second itself: the fallback decides
        (str(EPOCH - 1), None),
        ("0" + str(EPOCH + 1), "open"),
        ("abc", None),  # garbage compares as a string, "1795..." >= "0abc": fallback
    ],
)
def test_valid_until_ends_the_live_state(
    text: str, valid_until: str | None, expected: str | None
) -> None:
    assert live(text, EPOCH, _valid_until=valid_until) == expected


def test_the_heartbeat_checks_still_apply(text: str) -> None:
    future = str(EPOCH + 3600)
    assert live(text, EPOCH, _valid_until=future, _heartbeat=str(EPOCH - 60)) == "open"
    assert live(text, EPOCH, _valid_until=future, _heartbeat=str(EPOCH - 61)) is None
    assert live(text, EPOCH, _valid_until=future, _heartbeat=None) is None
    assert live(text, EPOCH, _valid_until=future, t1=None) is None


def test_an_include_without_the_check_ignores_the_key(text: str) -> None:
    # An Asterisk still running an include of the previous version keeps working with a
    # service that writes `_valid_until`: it never reads the key.
    old = "\n".join(
        line for line in text.splitlines() if "LOCAL(until)" not in line and "${until}" not in line
    )
    assert "_valid_until)" not in old
    assert live(old, EPOCH, _valid_until=str(EPOCH - 3600)) == "open"


def test_the_recorded_dialplan_runs_with_its_global_stale_limit() -> None:
    recorded = REFERENCE_DIALPLAN.read_text(encoding="utf-8")
    db = {"auslaender-a": "open", "_heartbeat": str(EPOCH - 100), "_valid_until": str(EPOCH)}
    contexts, stale = read_contexts(recorded), read_globals(recorded)
    assert stale == {"CALLHOURS_STALE": "120"}

    def run(**values: str) -> str | None:
        reader = astdb({**db, **values}).get
        return route_live_state(contexts, "auslaender-a", reader, EPOCH, global_vars=stale)

    assert run() == "open"  # 100 s old heartbeat, limit 120; no `_valid_until` check
    assert run(_heartbeat=str(EPOCH - 121)) is None


def test_model_and_file_decide_alike_for_every_value(text: str) -> None:
    contexts = read_contexts(text)
    states = (None, "", "open", "closed:holiday")
    heartbeats = (None, "", str(EPOCH), str(EPOCH - 60), str(EPOCH - 61), "abc", str(EPOCH + 9))
    limits = (None, "", str(EPOCH - 1), str(EPOCH), str(EPOCH + 1), "abc", "12.5", "0099")
    checked = 0
    for state, heartbeat, limit in product(states, heartbeats, limits):
        db = astdb({"t1": state, "_heartbeat": heartbeat, "_valid_until": limit})
        expected = route_live_state(contexts, "t1", db.get, EPOCH)
        # A fractional clock reading: ${EPOCH} is whole seconds.
        model = decide(db, "t1", EPOCH + 0.75, 60, lambda _t, _a: "FALLBACK", datetime.now(BERLIN))
        assert (model.state if model.source == "live" else None) == expected, (
            state,
            heartbeat,
            limit,
        )
        checked += 1
    assert checked == len(states) * len(heartbeats) * len(limits)


def test_the_model_without_the_check_ignores_the_key() -> None:
    db = astdb({"t1": "open", "_heartbeat": str(EPOCH), "_valid_until": str(EPOCH - 10)})
    now = datetime.now(BERLIN)
    assert decide(db, "t1", EPOCH, 60, lambda _t, _a: "closed:hours", now).source == "fallback"
    kept = decide(db, "t1", EPOCH, 60, lambda _t, _a: "closed:hours", now, valid_until=False)
    assert (kept.state, kept.source) == ("open", "live")


def test_spring_forward_boundary_hands_over_to_a_fallback_that_agrees() -> None:
    # Sunday 29 March 2026, the window "02:30-05:00": 02:30 does not exist, it opens when
    # the clock jumps to 03:00 CEST. The pushed "closed:hours" is valid until exactly then.
    spring = date(2026, 3, 29)
    the_office = office([team(("So 02:30-05:00",))])
    now = datetime.combine(spring, time(1, 59, 30), tzinfo=BERLIN)
    boundary = next_boundary(the_office, now)
    limit = int(boundary.timestamp())
    assert datetime.fromtimestamp(limit, BERLIN).isoformat() == "2026-03-29T03:00:00+02:00"
    text = generate(the_office, now)
    contexts = read_contexts(text)

    def run(epoch: int) -> str | None:
        values = {"t1": "closed:hours", "_heartbeat": str(epoch - 1), "_valid_until": str(limit)}
        return route_live_state(contexts, "t1", astdb(values).get, epoch)

    assert run(limit - 1) == "closed:hours"  # 01:59:59 CET: the live state
    assert run(limit) is None  # 03:00:00 CEST: the fallback decides ...
    assert fallback_state(contexts, "t1", boundary) == "open"  # ... and opens, as it should
    # One second earlier in UTC (wall-clock arithmetic would land in the skipped hour).
    before = boundary.astimezone(UTC) - timedelta(seconds=1)
    assert fallback_state(contexts, "t1", before) == "closed:hours"


def test_the_example_dialplan_reads_back_with_the_check() -> None:
    contexts = read_contexts(example_dialplan())
    db = astdb({"auslaender-a": "open", "_heartbeat": str(EPOCH), "_valid_until": str(EPOCH)})
    assert route_live_state(contexts, "auslaender-a", db.get, EPOCH) is None
    assert route_live_state(contexts, "auslaender-a", db.get, EPOCH - 1) == "open"
