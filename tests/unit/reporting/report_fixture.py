"""A small hand-built OfficeReport with numbers the reporting tests can check by hand.

Three teams over three weeks (Mon 3 Aug – Sun 23 Aug 2026); the pilot team auslaender-a starts
call hours on Mon 10 Aug. Every number below is chosen, not computed, so a test can name it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from callcenter.evaluation.model import (
    CoveragePoint,
    DemandHeatmap,
    Estimate,
    HourCell,
    MetricEffect,
    MetricKey,
    OfficeReport,
    PeriodMetrics,
    PilotEvaluation,
    RolloutCandidate,
    Staffing,
    StaffingHour,
    TeamInfo,
    WeeklyPoint,
    WindowHours,
    WindowSuggestion,
)
from callcenter.evaluation.verdict import verdict

START = date(2026, 8, 3)
END = date(2026, 8, 23)
WEEKS = (date(2026, 8, 3), date(2026, 8, 10), date(2026, 8, 17))
PILOT_START = date(2026, 8, 10)
HOSTILE_NAME = '</script><script>window.__pwned = 1</script><img src=x onerror="alert(1)">'

# Per team and week: one Monday-09:00 cell and one Tuesday-14:00 cell (numbers below).
# inside, outside, team_line, direct_line, switchboard, answered_inside, within_target,
# abandoned_inside, wait_total_seconds
MONDAY_CELLS = {
    "auslaender-a": [
        (40, 20, 45, 10, 5, 30, 24, 6, 900.0),
        (50, 10, 48, 8, 4, 45, 40, 3, 675.0),
        (55, 5, 52, 5, 3, 50, 46, 2, 500.0),
    ],
    "auslaender-b": [
        (60, 0, 50, 8, 2, 40, 30, 12, 1600.0),
        (58, 0, 47, 9, 2, 39, 29, 11, 1560.0),
        (62, 0, 52, 8, 2, 41, 30, 13, 1640.0),
    ],
    "einbuergerung": [
        (30, 0, 25, 4, 1, 27, 25, 2, 270.0),
        (32, 0, 27, 4, 1, 29, 27, 2, 290.0),
        (28, 0, 24, 3, 1, 25, 23, 2, 250.0),
    ],
}
# The Tuesday cell of every team and week: 10 inside (8 answered, 6 within target), 2 outside.
TUESDAY_CELL = (10, 2, 9, 2, 1, 8, 6, 1, 160.0)

HEATMAP_A = tuple(
    tuple(
        {(0, 9): 12.5, (0, 10): 8.0, (1, 9): 6.0, (3, 14): 4.5}.get((weekday, hour), 0.0)
        for hour in range(24)
    )
    for weekday in range(7)
)
WINDOWS_A = (WindowHours(0, 9, 12), WindowHours(1, 9, 12), WindowHours(3, 14, 18))


def _cell(team: str, day: date, hour: int, numbers: tuple[float, ...]) -> HourCell:
    inside, outside, team_line, direct, switchboard, answered, within, abandoned, wait = numbers
    return HourCell(
        team=team,
        day=day,
        hour=hour,
        offered=int(inside + outside),
        inside=int(inside),
        outside=int(outside),
        team_line=int(team_line),
        direct_line=int(direct),
        switchboard=int(switchboard),
        answered_inside=int(answered),
        answered_within_target=int(within),
        abandoned_inside=int(abandoned),
        short_abandons_inside=0,
        announcements=int(outside),
        wait_total_seconds=float(wait),
        talk_total_seconds=float(answered) * 240.0,
    )


def cells() -> tuple[HourCell, ...]:
    result = []
    for team, weeks in MONDAY_CELLS.items():
        for monday, numbers in zip(WEEKS, weeks, strict=True):
            result.append(_cell(team, monday, 9, numbers))
            result.append(_cell(team, monday + timedelta(days=1), 14, TUESDAY_CELL))
    return tuple(result)


def period(team: str | None, **values: object) -> PeriodMetrics:
    base = PeriodMetrics(
        team=team,
        start=START,
        end=END,
        offered=0,
        inside=0,
        outside=0,
        team_line=0,
        direct_line=0,
        switchboard=0,
        share_outside=None,
        answer_rate_inside=None,
        service_level=None,
        abandonment_rate=None,
        wait_mean_seconds=None,
        wait_p90_seconds=None,
        talk_mean_seconds=None,
        unique_callers=0,
        calls_per_caller_7d=None,
        displaced_share=None,
        displaced_delay_median_hours=None,
        never_through_share=None,
        announcement_days=(),
        walk_ins=None,
    )
    return replace(base, **values)  # type: ignore[arg-type]


PERIOD_A = period(
    "auslaender-a",
    offered=216,
    inside=175,
    outside=41,
    team_line=172,
    direct_line=29,
    switchboard=15,
    share_outside=41 / 216,
    answer_rate_inside=149 / 175,
    service_level=128 / 175,
    abandonment_rate=14 / 175,
    wait_mean_seconds=2555 / 149,
    wait_p90_seconds=48.0,
    talk_mean_seconds=240.0,
    unique_callers=150,
    calls_per_caller_7d=1.44,
    displaced_share=0.62,
    displaced_delay_median_hours=19.5,
    never_through_share=0.18,
    announcement_days=(date(2026, 8, 14),),
    walk_ins=23,
)
PERIOD_B = period(
    "auslaender-b",
    offered=216,
    inside=210,
    outside=6,
    team_line=176,
    direct_line=31,
    switchboard=9,
    share_outside=6 / 216,
    answer_rate_inside=144 / 210,
    service_level=107 / 210,
    abandonment_rate=39 / 210,
    wait_mean_seconds=5280 / 144,
    wait_p90_seconds=95.0,
    talk_mean_seconds=240.0,
    unique_callers=120,
)
PERIOD_E = period(
    "einbuergerung",
    offered=126,
    inside=120,
    outside=6,
    share_outside=6 / 126,
    answer_rate_inside=105 / 120,
    service_level=93 / 120,
    abandonment_rate=9 / 120,
    wait_mean_seconds=10.0,
    wait_p90_seconds=21.0,
)

EFFECTS = (
    MetricEffect(
        metric=MetricKey.SHARE_OUTSIDE,
        pilot_before=0.38,
        pilot_during=0.21,
        controls_before=0.40,
        controls_during=0.39,
        before_after=Estimate(-0.17, -0.21, -0.12),
        did=Estimate(-0.16, -0.19, -0.11),
    ),
    MetricEffect(
        metric=MetricKey.ANSWER_RATE_INSIDE,
        pilot_before=0.70,
        pilot_during=0.86,
        controls_before=0.69,
        controls_during=0.70,
        before_after=Estimate(0.16, 0.10, 0.22),
        did=Estimate(0.15, 0.08, 0.21),
    ),
    MetricEffect(
        metric=MetricKey.CALLS_PER_DAY,
        pilot_before=120.0,
        pilot_during=118.0,
        controls_before=100.0,
        controls_during=101.0,
        before_after=Estimate(-0.02, -0.08, 0.05),
        did=Estimate(-0.03, -0.115, 0.055),
        relative=True,
    ),
)

WEEKLY = tuple(
    WeeklyPoint(week, group, MetricKey.SHARE_OUTSIDE, value)
    for week, group, value in (
        (WEEKS[0], "pilot", 0.40),
        (WEEKS[1], "pilot", 0.25),
        (WEEKS[2], "pilot", 0.18),
        (WEEKS[0], "controls", 0.41),
        (WEEKS[1], "controls", 0.39),
        (WEEKS[2], "controls", 0.40),
    )
) + tuple(
    WeeklyPoint(week, group, MetricKey.CALLS_PER_DAY, value)
    for week, group, value in (
        (WEEKS[0], "pilot", 121.0),
        (WEEKS[1], "pilot", None),
        (WEEKS[2], "pilot", 117.0),
        (WEEKS[0], "controls", 99.0),
        (WEEKS[1], "controls", 100.0),
        (WEEKS[2], "controls", 102.0),
    )
)

PILOT = PilotEvaluation(
    team="auslaender-a",
    start=PILOT_START,
    end=END,
    before_start=START,
    controls=("auslaender-b", "einbuergerung"),
    effects=EFFECTS,
    weekly=WEEKLY,
    # Chosen as if each period had 13 full weeks, so the fixture shows a verdict; the
    # "zu früh" page is tested with replace(PILOT, weeks_missing=…, verdict=…).
    weeks_before=13,
    weeks_during=13,
    weeks_missing=0,
    verdict=verdict(EFFECTS, (13, 13), 0, 2, Estimate(0.78, 0.74, 0.82), 0.75, 30),
    summary_de=(
        "Der Anteil der Anrufe außerhalb der Sprechzeiten sank von 38 % auf 21 % "
        "(Differenz-in-Differenzen −16 Prozentpunkte, 95-%-Intervall −19 bis −11)."
    ),
    summary_en=(
        "The share of calls outside the call hours fell from 38% to 21% "
        "(difference-in-differences −16 percentage points, 95% interval −19 to −11)."
    ),
)

SUGGESTION_A = WindowSuggestion(
    team="auslaender-a",
    hours_per_week=15,
    windows=(WindowHours(0, 8, 13), WindowHours(1, 8, 13), WindowHours(3, 13, 18)),
    coverage=0.80,
    curve=(
        CoveragePoint(20, 0.90),
        CoveragePoint(5, 0.40),
        CoveragePoint(10, 0.65),
        CoveragePoint(15, 0.80),
    ),
)

STAFFING_A = Staffing(
    team="auslaender-a",
    handling_seconds=240.0,
    target_service_level=0.75,
    threshold_seconds=30.0,
    patience_seconds=90.0,
    hours=(
        StaffingHour(1, 9, 20.0, 3, 0.78, 2),
        StaffingHour(0, 9, 30.0, 4, 0.81, 3),
        StaffingHour(0, 10, 24.5, 3, 0.76, 3),
    ),
)

ROLLOUT = (
    RolloutCandidate(
        team="einbuergerung",
        rank=1,
        windows_source="suggested",
        share_outside=0.31,
        peak_agents=3,
        mean_agents=2.2,
        expected_share_outside_after=0.15,
        reason_de="Wenig Nachfrage außerhalb, aber kleines Team.",
        reason_en="Little demand outside, but a small team.",
        unreached_share=0.06,
        unreached_low=0.03,
        unreached_high=0.09,
        p_first=0.35,
        tied=True,
    ),
    RolloutCandidate(
        team="auslaender-b",
        rank=1,
        windows_source="pilot",
        share_outside=0.24,
        peak_agents=5,
        mean_agents=3.5,
        expected_share_outside_after=0.08,
        reason_de="Nachfrage passt zu den Pilotzeiten.",
        reason_en="Demand fits the pilot's hours.",
        unreached_share=0.04,
        unreached_low=0.02,
        unreached_high=0.07,
        p_first=0.65,
        tied=True,
    ),
)


def build_report(
    *,
    names: dict[str, str] | None = None,
    note_de: str = "Synthetische Beispieldaten",
    note_en: str = "Synthetic example data",
) -> OfficeReport:
    """The fixture report; `names` replaces German and English team names (e.g. hostile ones)."""
    names = names or {}
    teams = (
        TeamInfo("auslaender-a", "Ausländerbehörde Team A", "Immigration office team A", True),
        TeamInfo("auslaender-b", "Ausländerbehörde Team B", "Immigration office team B", False),
        TeamInfo("einbuergerung", "Einbürgerung", "Naturalisation", False),
    )
    teams = tuple(
        replace(team, name_de=names[team.id], name_en=names[team.id]) if team.id in names else team
        for team in teams
    )
    totals = period(
        None,
        offered=558,
        inside=505,
        outside=53,
        share_outside=53 / 558,
        answer_rate_inside=398 / 505,
        service_level=328 / 505,
        wait_mean_seconds=20.0,
        wait_p90_seconds=60.0,
        unique_callers=380,
    )
    return OfficeReport(
        start=START,
        end=END,
        generated_note_de=note_de,
        generated_note_en=note_en,
        teams=teams,
        totals=totals,
        per_team=(PERIOD_A, PERIOD_B, PERIOD_E),
        cells=cells(),
        heatmaps=(DemandHeatmap("auslaender-a", HEATMAP_A, WINDOWS_A, weeks=3),),
        suggestions=(SUGGESTION_A,),
        staffing=(STAFFING_A,),
        pilots=(PILOT,),
        rollout=ROLLOUT,
    )
