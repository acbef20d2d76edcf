"""Shared by the chart modules: escaping, axes in the right language, target line, tables."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

from callcenter.evaluation.model import OfficeReport, TeamInfo
from callcenter.reporting.i18n import (
    Lang,
    fmt_percent,
    percent_suffix,
    team_name,
    text,
)
from callcenter.reporting.series import WeekTotals, weekly_by_team, weekly_totals
from callcenter.reporting.style import VERMILLION, Chart, make_chart

Charts = list[tuple[str, Chart]]

DEFAULT_TARGET = 0.75  # the public 115 service promise: 75 % within 30 s
TABLE_HEADER_FILL = "#dbe9f6"
TABLE_CELL_FILL = "white"
WEEK_MS = 7 * 24 * 3600 * 1000
MAX_WEEK_TICKS = 14


def esc(value: str) -> str:
    """User text for plotly, whose labels understand a little HTML."""
    return html.escape(value, quote=False)


def team_info(report: OfficeReport, team_id: str) -> TeamInfo | None:
    return next((team for team in report.teams if team.id == team_id), None)


def team_label(report: OfficeReport, team_id: str, lang: Lang) -> str:
    return esc(team_name(team_info(report, team_id), team_id, lang))


def date_axis(lang: Lang, weeks: Sequence[date] = (), title: str = "") -> dict[str, Any]:
    """Numeric German dates; with weekly data one tick per Monday (or every n-th Monday)."""
    axis: dict[str, Any] = (
        {"tickformat": "%d.%m.%y", "hoverformat": "%d.%m.%Y"}
        if lang == "de"
        else {"tickformat": "%Y-%m-%d", "hoverformat": "%Y-%m-%d"}
    )
    if title:
        axis["title"] = {"text": title}
    if weeks:
        step = max(1, -(-len(weeks) // MAX_WEEK_TICKS))
        axis.update(tick0=min(weeks).isoformat(), dtick=WEEK_MS * step)
    return axis


def percent_axis(lang: Lang, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "ticksuffix": percent_suffix(lang),
        "rangemode": "tozero",
        **extra,
    }


def axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, **extra}


def pct(value: float | None) -> float | None:
    return None if value is None else value * 100.0


def iso(days: Sequence[date]) -> list[str]:
    return [day.isoformat() for day in days]


def target_service_level(report: OfficeReport, team_id: str | None) -> float:
    """The team's staffing target, else the first configured one, else 75 %."""
    for staffing in report.staffing:
        if team_id is None or staffing.team == team_id:
            return staffing.target_service_level
    return DEFAULT_TARGET


def target_line(target: float, lang: Lang) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dashed service-level target across the plot (shape) and its label (annotation)."""
    shape = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": target * 100.0,
        "y1": target * 100.0,
        "line": {"color": VERMILLION, "width": 2, "dash": "dash"},
        "name": "target",
    }
    label = {
        "xref": "paper",
        "x": 1,
        "xanchor": "right",
        "yref": "y",
        "y": target * 100.0,
        "yanchor": "bottom",
        "text": f"{text('target', lang)} {fmt_percent(target, lang)}",
        "showarrow": False,
        "font": {"color": VERMILLION},
    }
    return shape, label


_last_weeks: tuple[OfficeReport, dict[str | None, list[WeekTotals]]] | None = None


def report_weeks(report: OfficeReport, team_id: str | None) -> list[WeekTotals]:
    """A team's weekly sums (all teams: None). A report's pages draw some forty weekly series
    from the same cells, so the sums of the last report are computed once and kept."""
    global _last_weeks
    last = _last_weeks
    if last is None or last[0] is not report:
        teams = {cell.team for cell in report.cells}
        last = (
            report,
            weekly_by_team(report.cells, report.start, report.end, teams, report.settings),
        )
        _last_weeks = last
    weeks = last[1].get(team_id)
    if weeks is None:  # a team without any cell: its empty weeks
        weeks = weekly_totals((), report.start, report.end, team_id, report.settings)
    return weeks


def table_chart(
    header: list[str], columns: list[list[str]], title: str, lang: Lang, height: int
) -> Chart:
    table = {
        "type": "table",
        "header": {
            "values": [f"<b>{cell}</b>" for cell in header],
            "fill": {"color": TABLE_HEADER_FILL},
            "align": "left",
            "font": {"color": "#1a1a1a", "size": 13},
        },
        "cells": {
            "values": columns,
            "fill": {"color": TABLE_CELL_FILL},
            "align": "left",
            "line": {"color": "#bfbfbf"},
            "font": {"color": "#1a1a1a", "size": 12},
            "height": 28,
        },
    }
    return make_chart(
        [table], title, lang, height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10}
    )
