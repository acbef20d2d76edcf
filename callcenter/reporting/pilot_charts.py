"""The pilot evaluation's charts: forest plot of the effects, weekly series, before/during table."""

from __future__ import annotations

from typing import Any

from callcenter.evaluation.model import (
    MetricKey,
    OfficeReport,
    PilotEvaluation,
)
from callcenter.reporting.chart_common import (
    Charts,
    axis,
    date_axis,
    esc,
    iso,
    percent_axis,
    table_chart,
    team_label,
)
from callcenter.reporting.i18n import (
    RATE_METRICS,
    Lang,
    check_lang,
    fmt_date,
    fmt_effect,
    fmt_metric,
    metric_name,
    percent_suffix,
    text,
)
from callcenter.reporting.style import BLACK, BLUE, GREY, ORANGE, Chart, make_chart


def find_pilot(report: OfficeReport, team_id: str | None = None) -> PilotEvaluation | None:
    """The team's pilot evaluation, or the first one when no team is named."""
    return next(
        (pilot for pilot in report.pilots if team_id is None or pilot.team == team_id), None
    )


def _scale(metric: MetricKey, value: float | None) -> float | None:
    if value is None:
        return None
    return value * 100.0 if metric in RATE_METRICS else value


def _axis_name(kind: str, row: int) -> str:
    """plotly's names: "xaxis" for the first subplot, then "xaxis2", "xaxis3" …"""
    return kind if row == 1 else f"{kind}{row}"


def forest_chart(pilot: PilotEvaluation, label: str, lang: Lang) -> Chart:
    """One row per metric (own x axis and unit), each estimate with its 95 % interval."""
    effects = [effect for effect in pilot.effects if effect.did or effect.before_after]
    rows = max(len(effects), 1)
    gap = min(0.12, 0.6 / rows)
    band = (1.0 - gap * (rows - 1)) / rows
    series = (
        ("did", BLUE, "diamond"),
        ("before_after", ORANGE, "circle-open"),
    )
    suffix = " Pp." if lang == "de" else " pp"
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    axes: dict[str, Any] = {}
    for row, effect in enumerate(effects, start=1):
        x_ref, y_ref = ("x", "y") if row == 1 else (f"x{row}", f"y{row}")
        top = 1.0 - (row - 1) * (band + gap)
        factor = 100.0 if effect.metric in RATE_METRICS or effect.relative else 1.0
        for key, color, symbol in series:
            estimate = getattr(effect, key)
            if estimate is None:
                continue
            value = estimate.value * factor
            traces.append(
                {
                    "type": "scatter",
                    "name": text(key, lang),
                    "legendgroup": key,
                    "showlegend": row == 1,
                    "x": [value],
                    "y": [text(key, lang)],
                    "xaxis": x_ref,
                    "yaxis": y_ref,
                    "mode": "markers",
                    "marker": {
                        "color": color,
                        "size": 12,
                        "symbol": symbol,
                        "line": {"color": color, "width": 2},
                    },
                    "error_x": {
                        "type": "data",
                        "symmetric": False,
                        "array": [estimate.high * factor - value],
                        "arrayminus": [value - estimate.low * factor],
                        "color": color,
                        "thickness": 2,
                        "width": 6,
                    },
                    "hovertemplate": (
                        f"{fmt_effect(effect.metric, estimate.value, lang)} "
                        f"({text('interval', lang)} {fmt_effect(effect.metric, estimate.low, lang)}"
                        f" … {fmt_effect(effect.metric, estimate.high, lang)})<extra></extra>"
                    ),
                }
            )
        axes[_axis_name("xaxis", row)] = {
            "anchor": y_ref,
            "ticksuffix": (
                suffix
                if effect.metric in RATE_METRICS
                else (percent_suffix(lang) if effect.relative else "")
            ),
            "zeroline": True,
        }
        axes[_axis_name("yaxis", row)] = {
            "anchor": x_ref,
            "domain": [max(top - band, 0.0), top],
            "showgrid": False,
        }
        shapes.append(
            {
                "type": "line",
                "xref": x_ref,
                "x0": 0,
                "x1": 0,
                "yref": f"{y_ref} domain",
                "y0": 0,
                "y1": 1,
                "line": {"color": GREY, "width": 1},
            }
        )
        notes.append(
            {
                "xref": "paper",
                "x": 0.5,
                "xanchor": "center",
                "yref": "paper",
                "y": top,
                "yanchor": "bottom",
                "showarrow": False,
                "text": esc(metric_name(effect.metric, lang)),
                "font": {"size": 14},
            }
        )
    return make_chart(
        traces,
        f"{text('fig_forest', lang)}<br><sup>{label}</sup>",
        lang,
        height=150 * rows + 160,
        shapes=shapes,
        annotations=notes,
        **axes,
    )


def weekly_metric_chart(pilot: PilotEvaluation, metric: MetricKey, label: str, lang: Lang) -> Chart:
    groups = (("pilot", BLUE, "solid", "circle"), ("controls", ORANGE, "dash", "square"))
    traces: list[dict[str, Any]] = []
    for group, color, dash, symbol in groups:
        points = sorted(
            (p for p in pilot.weekly if p.metric == metric and p.group == group),
            key=lambda p: p.week_start,
        )
        traces.append(
            {
                "type": "scatter",
                "name": text(group, lang),
                "x": iso([point.week_start for point in points]),
                "y": [_scale(metric, point.value) for point in points],
                "mode": "lines+markers",
                "line": {"color": color, "width": 2, "dash": dash},
                "marker": {"symbol": symbol},
            }
        )
    start = pilot.start.isoformat()
    marker = {
        "type": "line",
        "xref": "x",
        "x0": start,
        "x1": start,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": BLACK, "width": 2, "dash": "dot"},
        "name": "pilot_start",
    }
    note = {
        "xref": "x",
        "x": start,
        "yref": "paper",
        "y": 1,
        "yanchor": "bottom",
        "xanchor": "left",
        "showarrow": False,
        "text": f"{text('pilot_start', lang)} {fmt_date(pilot.start, lang)}",
    }
    name = esc(metric_name(metric, lang))
    weeks = sorted({point.week_start for point in pilot.weekly if point.metric == metric})
    return make_chart(
        traces,
        f"{name}<br><sup>{text('fig_weekly', lang)} · {label}</sup>",
        lang,
        height=380,
        shapes=[marker],
        annotations=[note],
        xaxis=date_axis(lang, weeks, text("week", lang)),
        yaxis=(
            percent_axis(lang, name) if metric in RATE_METRICS else axis(name, rangemode="tozero")
        ),
    )


def before_during_rows(pilot: PilotEvaluation, lang: Lang) -> list[list[str]]:
    """Rows of the before/during table as plain text."""
    rows = []
    for effect in pilot.effects:
        did = effect.did
        rows.append(
            [
                metric_name(effect.metric, lang),
                fmt_metric(effect.metric, effect.pilot_before, lang),
                fmt_metric(effect.metric, effect.pilot_during, lang),
                fmt_metric(effect.metric, effect.controls_before, lang),
                fmt_metric(effect.metric, effect.controls_during, lang),
                fmt_effect(effect.metric, did.value if did else None, lang),
                (
                    f"{fmt_effect(effect.metric, did.low, lang)} … "
                    f"{fmt_effect(effect.metric, did.high, lang)}"
                    if did
                    else "–"
                ),
            ]
        )
    return rows


BEFORE_DURING_HEADER = (
    "metric",
    "pilot_before",
    "pilot_during",
    "controls_before",
    "controls_during",
    "did",
    "interval",
)


def before_during_chart(pilot: PilotEvaluation, label: str, lang: Lang) -> Chart:
    rows = before_during_rows(pilot, lang)
    columns = [[esc(cell) for cell in column] for column in zip(*rows, strict=True)] if rows else []
    return table_chart(
        [text(key, lang) for key in BEFORE_DURING_HEADER],
        columns,
        f"{text('fig_before_during', lang)}<br><sup>{label}</sup>",
        lang,
        height=28 * len(rows) + 140,
    )


def pilot_chart_list(report: OfficeReport, team_id: str | None, lang: str = "de") -> Charts:
    """Forest plot of the effects, before/during table, weekly series pilot vs controls."""
    language = check_lang(lang)
    pilot = find_pilot(report, team_id)
    if pilot is None:
        return []
    label = team_label(report, pilot.team, language)
    figures: Charts = []
    if any(effect.did or effect.before_after for effect in pilot.effects):
        figures.append((text("fig_forest", language), forest_chart(pilot, label, language)))
    if pilot.effects:
        figures.append(
            (text("fig_before_during", language), before_during_chart(pilot, label, language))
        )
    metrics = list(dict.fromkeys(point.metric for point in pilot.weekly))
    for metric in metrics:
        figures.append(
            (
                f"{text('fig_weekly', language)}: {metric_name(metric, language)}",
                weekly_metric_chart(pilot, metric, label, language),
            )
        )
    return figures
