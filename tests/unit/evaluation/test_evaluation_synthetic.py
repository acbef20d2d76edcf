"""The synthetic pilot data: documented defaults, determinism, the schedule's view of every
call, and the three ways of reading it (records, table rows, day table) agreeing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from evaluation_support import SETTINGS, example_office, synthetic_office

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import DecisionSource, Outcome
from callcenter.domain.pseudonym import WITHHELD
from callcenter.domain.schedule import Reason, State
from callcenter.evaluation.did import day_table
from callcenter.evaluation.records import aggregate_records
from callcenter.evaluation.synthetic import (
    SyntheticError,
    SyntheticParams,
    expected_day_table,
    generate,
    prepare_office,
    tally_csv,
)
from callcenter.storage.bulk_calls import CALL_COLUMNS, call_row

PILOT_DATA = Path(__file__).resolve().parents[3] / "pilot_data"
SMALL = SyntheticParams(scale=0.1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def small():
    office = synthetic_office(SMALL)
    return office, generate(SMALL, office, 11)


def test_parameter_file_documents_the_defaults() -> None:
    text = (PILOT_DATA / "synthetic_params.toml").read_text("utf-8")
    assert SyntheticParams.from_toml(text, "synthetic_params.toml") == SyntheticParams()


def test_data_set_spans_13_plus_13_weeks_and_ends_before_today() -> None:
    params = SyntheticParams()
    assert params.first_day == date(2026, 5, 18)
    assert params.pilot_start == date(2026, 8, 17)
    assert params.last_day == date(2026, 11, 15)
    assert params.last_day < date(2026, 11, 21)
    # The example configuration plans exactly this pilot.
    pilots = [p for p in example_office().pilots if p.team == params.pilot_team]
    assert [p.start for p in pilots] == [params.pilot_start]


def test_same_seed_same_calls_other_seed_other_calls() -> None:
    office = synthetic_office(SMALL)
    one, again, other = (generate(SMALL, office, s) for s in (5, 5, 6))
    assert one.tag == again.tag != other.tag
    for key, column in one.columns.items():
        assert np.array_equal(column, again.columns[key]), key
    assert len(one) != len(other) or not np.array_equal(
        one.columns["started"], other.columns["started"]
    )


def test_records_follow_the_schedule(small) -> None:
    office, calls = small
    calendar = OfficeCalendar(office)
    records = [r for chunk in calls.records(5_000) for r in chunk]
    assert len(records) == len(calls)
    assert len({r.linked_id for r in records}) == len(records)
    assert all(r.linked_id.startswith(f"syn-{calls.tag}-") for r in records)
    assert all(r.caller == WITHHELD or r.caller.startswith("syn-") for r in records)
    params = calls.params
    for r in records[::7]:
        local = r.started.astimezone(office.tz)
        assert 5 <= local.hour < 21
        assert r.in_hours == calendar.in_hours(r.team, r.started), r
        assert r.pilot == calendar.pilot(r.team, r.started)
        cdr_like = r.team == params.pilot_team and local.date() < params.pilot_start
        if cdr_like:
            # Before its pilot the team had no call-hour routing: CDR-like records.
            assert (r.state_at_arrival, r.source) == (None, None)
            assert r.outcome != Outcome.ANNOUNCEMENT
        else:
            assert r.source == DecisionSource.LIVE
            assert (r.state_at_arrival == State.OPEN) == r.in_hours
            if not r.in_hours:
                assert r.outcome in (Outcome.ANNOUNCEMENT, Outcome.ANNOUNCEMENT_HANGUP)
        if r.outcome == Outcome.ANSWERED:
            assert r.answered == r.started + timedelta(seconds=r.wait_seconds or 0)
            assert r.answered_by is not None
        assert r.wait_seconds is not None
        assert 0 <= r.wait_seconds <= params.queue_timeout_seconds
    closure_day = [
        r for r in records if r.started.astimezone(office.tz).date() == date(2026, 9, 24)
    ]
    assert {r.reason_at_arrival for r in closure_day if r.team == params.pilot_team} <= {
        Reason.CLOSURE
    }


def test_table_rows_equal_the_records(small) -> None:
    _office, calls = small
    rows = {
        key: [value for chunk in calls.row_chunks(3_000) for value in chunk[key]]
        for key in CALL_COLUMNS
    }
    for i, record in enumerate(r for chunk in calls.records() for r in chunk):
        expected = call_row(record)
        for key in CALL_COLUMNS:
            value = rows[key][i]
            if key in ("started", "answered", "ended") and value is not None:
                value = EPOCH + timedelta(microseconds=value)
            assert value == expected[key], (key, i)


def test_day_table_from_columns_equals_aggregating_the_records(small) -> None:
    office, calls = small
    params = calls.params
    records = [r for chunk in calls.records() for r in chunk]
    aggregates = aggregate_records(
        records,
        office.tz,
        params.team_ids,
        params.first_day,
        params.last_day,
        SETTINGS,
        closures=office.closures,
    )
    direct = calls.day_table(SETTINGS)
    via_records = day_table(aggregates, office, params.team_ids, params.first_day, params.last_day)
    for team in params.team_ids:
        assert np.array_equal(direct.values[team], via_records.values[team]), team
        assert np.array_equal(direct.regular[team], via_records.regular[team]), team


def test_expected_counts_match_a_large_sample() -> None:
    params = SyntheticParams(scale=2.0)
    office = synthetic_office(params)
    expected = expected_day_table(params, office, SETTINGS)
    observed = generate(params, office, 2).day_table(SETTINGS)
    for team in params.team_ids:
        e = expected.values[team].sum(axis=0)
        o = observed.values[team].sum(axis=0)
        # Offered calls are a Poisson mixture: within 5 standard deviations (generously
        # sqrt(2 × mean) for the repeat-call clustering).
        assert abs(o[0] - e[0]) < 5 * np.sqrt(2 * e[0]), team
        # Shares are within a few points.
        assert abs(o[2] / o[0] - e[2] / e[0]) < 0.02, team


def test_no_effect_means_the_pilot_team_behaves_as_before() -> None:
    params = replace(SMALL, effect=0.0)
    office = synthetic_office(params)
    expected = expected_day_table(params, office, SETTINGS)
    pilot = expected.values[params.pilot_team]
    split = (params.pilot_start - params.first_day).days
    regular = expected.regular[params.pilot_team]
    before = pilot[:split][regular[:split]].sum(axis=0)
    during = pilot[split:][regular[split:]].sum(axis=0)
    # Share inside the hours is a property of the weekday profile only: equal up to the
    # weekday mix of the regular days (two holidays in the period before).
    assert before[1] / before[0] == pytest.approx(during[1] / during[0], abs=0.01)


def test_shipped_tally_sheet_is_the_generated_one() -> None:
    params = SyntheticParams()
    calls = generate(params, synthetic_office(params), 1)
    entries = calls.tally_entries("tally_synthetic.csv")
    assert (PILOT_DATA / "tally_synthetic.csv").read_text("utf-8") == tally_csv(entries)
    assert {e.team for e in entries} == {params.pilot_team}
    days = {e.day for e in entries}
    assert min(days) == params.pilot_start
    assert max(days) < params.pilot_start + timedelta(weeks=2)
    pilot_calls = int(
        np.sum(
            (calls.columns["team"] == 0)
            & (calls.columns["day"] >= (params.pilot_start - params.first_day).days)
            & (calls.columns["day"] < (params.pilot_start - params.first_day).days + 14)
        )
    )
    assert sum(e.count for e in entries) == pilot_calls


def test_walk_ins_fall_during_the_pilot() -> None:
    params = SyntheticParams(scale=4.0)
    calls = generate(params, synthetic_office(params), 3)
    pilot = [(day, n) for team, day, n in calls.walk_ins if team == params.pilot_team]
    before = [n for day, n in pilot if day < params.pilot_start]
    during = [n for day, n in pilot if day >= params.pilot_start + timedelta(weeks=4)]
    assert sum(during) / len(during) < 0.85 * sum(before) / len(before)
    assert all(day.weekday() < 5 for _, day, _ in calls.walk_ins)


def test_prepare_office_adds_closures_and_refuses_a_different_pilot() -> None:
    office = prepare_office(SyntheticParams(), example_office())
    notes = {c.note for c in office.closures}
    assert "Personalengpass" in notes
    moved = replace(SyntheticParams(), pilot_start=date(2026, 8, 24))
    with pytest.raises(SyntheticError, match="2026-08-24"):
        prepare_office(moved, example_office())


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"scale": 0}, "scale > 0"),
        ({"repeat_offsets": (0.5, 0.4)}, "repeat_offsets"),
        ({"hour_weights": (1.0,) * 24}, "hour_weights"),
        ({"control_teams": ("nobody",)}, "TeamProfile for nobody"),
    ],
)
def test_invalid_parameters_are_named(change, words) -> None:
    with pytest.raises(SyntheticError, match=words):
        replace(SyntheticParams(), **change)


def test_unknown_parameter_in_a_file_is_named() -> None:
    with pytest.raises(SyntheticError, match="unbekannter Parameter „speed“"):
        SyntheticParams.from_toml("speed = 3\n", "p.toml")
