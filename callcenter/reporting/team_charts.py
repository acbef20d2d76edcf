"""One team's charts: weekly calls, line kinds, rates with the target, wait, demand, staffing."""

from __future__ import annotations

import math
from typing import Any

from callcenter.evaluation.model import (
    DemandHeatmap,
    OfficeReport,
    PeriodMetrics,
    Staffing,
    WindowSuggestion,
)
from callcenter.reporting.chart_common import (
    Charts,
    axis,
    date_axis,
    iso,
    pct,
    percent_axis,
    report_weeks,
    target_line,
    target_service_level,
    team_label,
)
from callcenter.reporting.i18n import (
    WEEKDAYS,
    Lang,
    check_lang,
    fmt_number,
    fmt_percent,
    percent_suffix,
    text,
)
from callcenter.reporting.series import WeekTotals
from callcenter.reporting.style import (
    BLUE,
    GREEN,
    HEATMAP_SCALE,
    ORANGE,
    SKY,
    VERMILLION,
    Chart,
    make_chart,
)


def _week_axis(weeks: list[WeekTotals], lang: Lang) -> dict[str, Any]:
    return date_axis(lang, [week.week_start for week in weeks], text("week", lang))


def _stacked_weeks(
    report: OfficeReport,
    team_id: str,
    lang: Lang,
    title_key: str,
    series: tuple[tuple[str, str, str], ...],
) -> Chart:
    """Stacked weekly bars, one series per (label key, colour, WeekTotals attribute)."""
    weeks = report_weeks(report, team_id)
    x = iso([week.week_start for week in weeks])
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": text(key, lang),
            "x": x,
            "y": [week.count(attribute) for week in weeks],
            "marker": {"color": color},
        }
        for key, color, attribute in series
    ]
    return make_chart(
        traces,
        f"{text(title_key, lang)}<br><sup>{team_label(report, team_id, lang)}</sup>",
        lang,
        barmode="stack",
        xaxis=_week_axis(weeks, lang),
        yaxis=axis(text("calls", lang), tickformat=",d"),
    )


def calls_inside_outside_chart(report: OfficeReport, team_id: str, lang: Lang) -> Chart:
    series = (("inside", BLUE, "inside"), ("outside", ORANGE, "outside"))
    return _stacked_weeks(report, team_id, lang, "fig_calls_inside_outside", series)


def calls_by_line_chart(report: OfficeReport, team_id: str, lang: Lang) -> Chart:
    series = (
        ("team_line", BLUE, "team_line"),
        ("direct_line", ORANGE, "direct_line"),
        ("switchboard", GREEN, "switchboard"),
    )
    return _stacked_weeks(report, team_id, lang, "fig_calls_by_line", series)


def answer_rate_chart(report: OfficeReport, team_id: str | None, lang: Lang) -> Chart:
    weeks = report_weeks(report, team_id)
    x = iso([week.week_start for week in weeks])
    hover = f"%{{y:.1f}}{percent_suffix(lang)}"
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": text("answer_rate", lang),
            "x": x,
            "y": [pct(week.answer_rate) for week in weeks],
            "mode": "lines+markers",
            "line": {"color": BLUE, "width": 2},
            "marker": {"symbol": "circle"},
            "hovertemplate": hover,
        },
        {
            "type": "scatter",
            "name": text("service_level", lang),
            "x": x,
            "y": [pct(week.service_level) for week in weeks],
            "mode": "lines+markers",
            "line": {"color": GREEN, "width": 2, "dash": "dot"},
            "marker": {"symbol": "square"},
            "hovertemplate": hover,
        },
    ]
    who = team_label(report, team_id, lang) if team_id else text("totals", lang)
    shape, label = target_line(target_service_level(report, team_id), lang)
    return make_chart(
        traces,
        f"{text('fig_answer_rate', lang)}<br><sup>{who}</sup>",
        lang,
        shapes=[shape],
        annotations=[label],
        xaxis=_week_axis(weeks, lang),
        yaxis=percent_axis(lang, text("percent", lang), range=[0, 105]),
    )


def _period(report: OfficeReport, team_id: str) -> PeriodMetrics | None:
    return next((period for period in report.per_team if period.team == team_id), None)


def wait_chart(report: OfficeReport, team_id: str, lang: Lang) -> Chart:
    weeks = report_weeks(report, team_id)
    trace = {
        "type": "scatter",
        "name": text("wait_mean_week", lang),
        "x": iso([week.week_start for week in weeks]),
        "y": [week.wait_mean_seconds for week in weeks],
        "mode": "lines+markers",
        "line": {"color": BLUE, "width": 2},
        "hovertemplate": "%{y:.0f} s",
    }
    period = _period(report, team_id)
    references = (
        ("wait_mean_period", period.wait_mean_seconds if period else None, GREEN, "dot"),
        ("wait_p90_period", period.wait_p90_seconds if period else None, VERMILLION, "dash"),
    )
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for key, value, color, dash in references:
        if value is None:
            continue
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": value,
                "y1": value,
                "line": {"color": color, "width": 2, "dash": dash},
                "name": key,
            }
        )
        notes.append(
            {
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "yref": "y",
                "y": value,
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"{text(key, lang)}: {fmt_number(value, lang)} s",
                "font": {"color": color},
            }
        )
    return make_chart(
        [trace],
        f"{text('fig_wait', lang)}<br><sup>{team_label(report, team_id, lang)}</sup>",
        lang,
        shapes=shapes,
        annotations=notes,
        xaxis=_week_axis(weeks, lang),
        yaxis=axis(text("seconds", lang), rangemode="tozero"),
    )


def heatmap_chart(heatmap: DemandHeatmap, label: str, lang: Lang) -> Chart:
    days = WEEKDAYS[lang]
    rows = range(len(heatmap.mean_calls))
    unit = text("calls_per_hour", lang)
    hover_text = [
        [
            f"{days[weekday]} {hour:02d}–{(hour + 1) % 24:02d}: {fmt_number(value, lang, 1)} {unit}"
            for hour, value in enumerate(row)
        ]
        for weekday, row in enumerate(heatmap.mean_calls)
    ]
    trace = {
        "type": "heatmap",
        "z": [list(row) for row in heatmap.mean_calls],
        "x": list(range(len(heatmap.mean_calls[0]))),
        "y": list(rows),
        "colorscale": HEATMAP_SCALE,
        "colorbar": {"title": {"text": text("mean_calls_per_hour", lang)}},
        "text": hover_text,
        "hovertemplate": "%{text}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    # Heatmap cells are centred on their integer coordinates, so a window [9, 12) covers the
    # cells 9, 10, 11 from 8.5 to 11.5.
    windows = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": window.start_hour - 0.5,
            "x1": window.end_hour - 0.5,
            "y0": window.weekday - 0.5,
            "y1": window.weekday + 0.5,
            "line": {"color": VERMILLION, "width": 3},
            "fillcolor": "rgba(0,0,0,0)",
            "name": "window",
        }
        for window in heatmap.current_windows
    ]
    subtitle = f"{label} · {text('fig_heatmap_sub', lang)}"
    return make_chart(
        [trace],
        f"{text('fig_heatmap_short', lang)}<br><sup>{subtitle}</sup>",
        lang,
        height=400,
        shapes=windows,
        # The subtitle explains the frames; 24 upright hour labels still fit a printed page.
        xaxis=axis(
            text("hour", lang),
            tickmode="linear",
            dtick=1,
            tickangle=0,
            tickfont={"size": 10},
            showgrid=False,
        ),
        yaxis=axis(
            text("weekday", lang),
            tickmode="array",
            tickvals=list(rows),
            ticktext=[days[weekday] for weekday in rows],
            autorange="reversed",
            showgrid=False,
        ),
    )


def coverage_chart(suggestion: WindowSuggestion, label: str, lang: Lang) -> Chart:
    curve = sorted(suggestion.curve, key=lambda point: point.hours_per_week)
    hover = f"%{{x}} h: %{{y:.1f}}{percent_suffix(lang)}<extra></extra>"
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": text("coverage", lang),
            "x": [point.hours_per_week for point in curve],
            "y": [point.coverage * 100.0 for point in curve],
            "mode": "lines+markers",
            "line": {"color": BLUE, "width": 2},
            "hovertemplate": hover,
        },
        {
            "type": "scatter",
            "name": (
                f"{text('chosen', lang)}: {suggestion.hours_per_week} h, "
                f"{fmt_percent(suggestion.coverage, lang, 1)}"
            ),
            "x": [suggestion.hours_per_week],
            "y": [suggestion.coverage * 100.0],
            "mode": "markers",
            "marker": {"color": VERMILLION, "size": 14, "symbol": "diamond"},
            "hovertemplate": hover,
        },
    ]
    return make_chart(
        traces,
        f"{text('fig_coverage', lang)}<br><sup>{label}</sup>",
        lang,
        xaxis=axis(text("hours_per_week", lang), rangemode="tozero"),
        yaxis=percent_axis(lang, text("coverage", lang), range=[0, 105]),
    )


def staffing_chart(staffing: Staffing, label: str, lang: Lang) -> Chart:
    days = WEEKDAYS[lang]
    hours = sorted(staffing.hours, key=lambda item: (item.weekday, item.hour))
    x = [f"{days[item.weekday]} {item.hour:02d}" for item in hours]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": text("agents_erlang_c", lang),
            "x": x,
            "y": [item.agents_erlang_c for item in hours],
            "marker": {"color": BLUE},
            "customdata": [item.service_level_erlang_c * 100.0 for item in hours],
            "hovertemplate": (
                f"%{{x}}: %{{y}} {text('agents', lang)}, {text('service_level', lang)} "
                f"%{{customdata:.1f}}{percent_suffix(lang)}<extra></extra>"
            ),
        }
    ]
    if any(item.agents_erlang_a is not None for item in hours):
        traces.append(
            {
                "type": "bar",
                "name": text("agents_erlang_a", lang),
                "x": x,
                "y": [item.agents_erlang_a for item in hours],
                "marker": {"color": SKY, "pattern": {"shape": "/"}},
            }
        )
    traces.append(
        {
            "type": "scatter",
            "name": text("calls_per_hour", lang),
            "x": x,
            "y": [item.calls_per_hour for item in hours],
            "mode": "lines+markers",
            "line": {"color": ORANGE, "width": 2},
            "yaxis": "y2",
        }
    )
    subtitle = (
        f"{text('service_level', lang)} {fmt_percent(staffing.target_service_level, lang)} / "
        f"{fmt_number(staffing.threshold_seconds, lang)} s, "
        f"Ø {fmt_number(staffing.handling_seconds, lang)} s"
    )
    # Whole agents only: a tick at 1,5 Mitarbeitende would be meaningless.
    most = max((max(item.agents_erlang_c, item.agents_erlang_a or 0) for item in hours), default=1)
    return make_chart(
        traces,
        f"{text('fig_staffing', lang)}<br><sup>{label} · {subtitle}</sup>",
        lang,
        barmode="group",
        xaxis=axis(text("hour", lang), type="category"),
        yaxis=axis(
            text("agents", lang),
            rangemode="tozero",
            tickformat=",d",
            dtick=max(1, math.ceil(most / 8)),
        ),
        yaxis2=axis(
            text("calls_per_hour", lang),
            overlaying="y",
            side="right",
            rangemode="tozero",
            showgrid=False,
            tickformat=",.0f",
        ),
    )


def team_chart_list(report: OfficeReport, team_id: str, lang: str = "de") -> Charts:
    """All figures of one team's page: calls, line kinds, rates, wait, demand, windows, staff."""
    language = check_lang(lang)
    label = team_label(report, team_id, language)
    figures: Charts = [
        (
            text("fig_calls_inside_outside", language),
            calls_inside_outside_chart(report, team_id, language),
        ),
        (text("fig_calls_by_line", language), calls_by_line_chart(report, team_id, language)),
        (text("fig_answer_rate", language), answer_rate_chart(report, team_id, language)),
        (text("fig_wait", language), wait_chart(report, team_id, language)),
    ]
    heatmap = next((item for item in report.heatmaps if item.team == team_id), None)
    if heatmap is not None and heatmap.mean_calls:
        figures.append((text("fig_heatmap", language), heatmap_chart(heatmap, label, language)))
    suggestion = next((item for item in report.suggestions if item.team == team_id), None)
    if suggestion is not None and suggestion.curve:
        figures.append(
            (text("fig_coverage", language), coverage_chart(suggestion, label, language))
        )
    staffing = next((item for item in report.staffing if item.team == team_id), None)
    if staffing is not None and staffing.hours:
        figures.append((text("fig_staffing", language), staffing_chart(staffing, label, language)))
    return figures
