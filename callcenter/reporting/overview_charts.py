"""Charts across teams: the overview comparison and the rollout ranking."""

from __future__ import annotations

from typing import Any

from callcenter.evaluation.model import (
    OfficeReport,
    PeriodMetrics,
    RolloutCandidate,
)
from callcenter.reporting.chart_common import (
    Charts,
    axis,
    date_axis,
    esc,
    iso,
    pct,
    percent_axis,
    report_weeks,
    table_chart,
    target_line,
    target_service_level,
    team_info,
    team_label,
)
from callcenter.reporting.i18n import (
    Lang,
    check_lang,
    fmt_number,
    fmt_percent,
    percent_suffix,
    team_name,
    text,
)
from callcenter.reporting.style import BLUE, COLORWAY, GREEN, ORANGE, Chart, make_chart


def _team_periods(report: OfficeReport) -> list[tuple[str, PeriodMetrics]]:
    order = {team.id: index for index, team in enumerate(report.teams)}
    periods = [period for period in report.per_team if period.team is not None]
    periods.sort(key=lambda period: order.get(period.team or "", len(order)))
    return [(period.team or "", period) for period in periods]


def team_calls_chart(report: OfficeReport, lang: Lang) -> Chart:
    periods = _team_periods(report)
    names = [team_label(report, team_id, lang) for team_id, _ in periods]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": text("inside", lang),
            "y": names,
            "x": [period.inside for _, period in periods],
            "orientation": "h",
            "marker": {"color": BLUE},
        },
        {
            "type": "bar",
            "name": text("outside", lang),
            "y": names,
            "x": [period.outside for _, period in periods],
            "orientation": "h",
            "marker": {"color": ORANGE},
            "customdata": [pct(period.share_outside) for _, period in periods],
            "hovertemplate": (f"%{{x}} (%{{customdata:.1f}}{percent_suffix(lang)})<extra></extra>"),
        },
    ]
    return make_chart(
        traces,
        text("fig_team_calls", lang),
        lang,
        height=140 + 50 * max(len(periods), 1),
        barmode="stack",
        xaxis=axis(text("calls", lang), tickformat=",d"),
        yaxis={"autorange": "reversed"},
    )


def team_rates_chart(report: OfficeReport, lang: Lang) -> Chart:
    periods = _team_periods(report)
    names = [team_label(report, team_id, lang) for team_id, _ in periods]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": text("answer_rate", lang),
            "x": names,
            "y": [pct(period.answer_rate_inside) for _, period in periods],
            "marker": {"color": BLUE},
        },
        {
            "type": "bar",
            "name": text("service_level", lang),
            "x": names,
            "y": [pct(period.service_level) for _, period in periods],
            "marker": {"color": GREEN, "pattern": {"shape": "/"}},
        },
    ]
    shape, label = target_line(target_service_level(report, None), lang)
    return make_chart(
        traces,
        text("fig_team_rates", lang),
        lang,
        barmode="group",
        shapes=[shape],
        annotations=[label],
        yaxis=percent_axis(lang, text("percent", lang), range=[0, 105]),
    )


def weekly_all_teams_chart(report: OfficeReport, lang: Lang) -> Chart:
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    traces: list[dict[str, Any]] = []
    for index, (team_id, _) in enumerate(_team_periods(report)):
        weeks = report_weeks(report, team_id)
        traces.append(
            {
                "type": "scatter",
                "name": team_label(report, team_id, lang),
                "x": iso([week.week_start for week in weeks]),
                "y": [week.count("offered") for week in weeks],
                "mode": "lines+markers",
                "line": {
                    "color": COLORWAY[index % len(COLORWAY)],
                    "width": 2,
                    "dash": dashes[index % len(dashes)],
                },
            }
        )
    mondays = [week.week_start for week in report_weeks(report, None)]
    return make_chart(
        traces,
        text("fig_weekly_all", lang),
        lang,
        xaxis=date_axis(lang, mondays, text("week", lang)),
        yaxis=axis(text("calls_per_week", lang), tickformat=",d", rangemode="tozero"),
    )


def overview_chart_list(report: OfficeReport, lang: str = "de") -> Charts:
    """Comparison of all teams: calls inside/outside, answer rate and service level, weeks."""
    language = check_lang(lang)
    if not report.per_team:
        return []
    return [
        (text("fig_team_calls", language), team_calls_chart(report, language)),
        (text("fig_team_rates", language), team_rates_chart(report, language)),
        (text("fig_weekly_all", language), weekly_all_teams_chart(report, language)),
    ]


ROLLOUT_HEADER = (
    "rank",
    "team",
    "windows_source",
    "share_outside_now",
    "share_outside_after",
    "peak_agents",
    "mean_agents",
    "unreached",
    "p_first",
    "reason",
)


def ranked_rollout(report: OfficeReport) -> list[RolloutCandidate]:
    """By rank, tied teams by their expected share of callers not reached."""
    return sorted(
        report.rollout,
        key=lambda item: (item.rank, item.unreached_share or 0.0, item.team),
    )


def _interval(low: float | None, high: float | None, lang: Lang) -> str:
    if low is None or high is None:
        return "–"
    return f"{fmt_percent(low, lang)} … {fmt_percent(high, lang)}"


def rollout_stability(report: OfficeReport, lang: Lang) -> str:
    """How sure the top of the ranking is: the first team's share of resamples, and ties."""
    ranked = ranked_rollout(report)
    if not ranked or ranked[0].p_first is None:
        return ""
    first = ranked[0]
    name = team_name(team_info(report, first.team), first.team, lang)
    tied = [
        team_name(team_info(report, item.team), item.team, lang)
        for item in ranked[1:]
        if item.tied and item.rank == first.rank
    ]
    share = fmt_percent(first.p_first, lang)
    if lang == "en":
        sentence = f"{name} comes first in {share} of the week resamples"
        sentence += f"; tied with {', '.join(tied)}." if tied else "."
    else:
        sentence = f"{name} liegt in {share} der Wochen-Stichproben vorn"
        sentence += f"; gleichauf mit {', '.join(tied)}." if tied else "."
    return sentence


def rollout_rows(report: OfficeReport, lang: Lang) -> list[list[str]]:
    """Rows of the ranked rollout table as plain text (the HTML page escapes, plotly gets esc)."""
    rows = []
    for candidate in ranked_rollout(report):
        source_key = "source_pilot" if candidate.windows_source == "pilot" else "source_suggested"
        rank = str(candidate.rank)
        if candidate.tied:
            rank += f" ({text('tied', lang)})"
        rows.append(
            [
                rank,
                team_name(team_info(report, candidate.team), candidate.team, lang),
                text(source_key, lang),
                fmt_percent(candidate.share_outside, lang, 1),
                fmt_percent(candidate.expected_share_outside_after, lang, 1),
                fmt_number(candidate.peak_agents, lang),
                fmt_number(candidate.mean_agents, lang, 1),
                (
                    f"{fmt_percent(candidate.unreached_share, lang)} "
                    f"({_interval(candidate.unreached_low, candidate.unreached_high, lang)})"
                    if candidate.unreached_share is not None
                    else "–"
                ),
                fmt_percent(candidate.p_first, lang),
                candidate.reason_en if lang == "en" else candidate.reason_de,
            ]
        )
    return rows


def rollout_table_chart(report: OfficeReport, lang: Lang) -> Chart:
    rows = rollout_rows(report, lang)
    columns = [[esc(cell) for cell in column] for column in zip(*rows, strict=True)] if rows else []
    fig = table_chart(
        [text(key, lang) for key in ROLLOUT_HEADER],
        columns,
        text("fig_rollout_table", lang),
        lang,
        # Rows as tall as their longest text (about 40 characters a line in the reason
        # column): a fixed height cut the last rows off.
        height=sum(28 + 18 * (len(row[-1]) // 40) for row in rows) + 160,
    )
    fig.data[0]["columnwidth"] = [95, 140, 105, 85, 85, 75, 75, 120, 105, 320]
    return fig


def rollout_share_chart(report: OfficeReport, lang: Lang) -> Chart:
    ranked = ranked_rollout(report)
    names = [f"{item.rank}. {team_label(report, item.team, lang)}" for item in ranked]
    hover = f"%{{y:.1f}}{percent_suffix(lang)}"
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": text("share_outside_now", lang),
            "x": names,
            "y": [item.share_outside * 100.0 for item in ranked],
            "marker": {"color": ORANGE},
            "hovertemplate": hover,
        },
        {
            "type": "bar",
            "name": text("share_outside_after", lang),
            "x": names,
            "y": [pct(item.expected_share_outside_after) for item in ranked],
            "marker": {"color": BLUE, "pattern": {"shape": "/"}},
            "hovertemplate": hover,
        },
    ]
    return make_chart(
        traces,
        text("fig_rollout_share", lang),
        lang,
        barmode="group",
        yaxis=percent_axis(lang, text("share_outside_now", lang)),
    )


def rollout_chart_list(report: OfficeReport, lang: str = "de") -> Charts:
    """The ranked rollout table and the outside share now vs expected per candidate."""
    language = check_lang(lang)
    if not report.rollout:
        return []
    return [
        (text("fig_rollout_table", language), rollout_table_chart(report, language)),
        (text("fig_rollout_share", language), rollout_share_chart(report, language)),
    ]
