"""Per-team figures: every trace, value and shape against the hand-built fixture's numbers."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from report_fixture import HEATMAP_A, HOSTILE_NAME, build_report

from callcenter.reporting.figures import (
    overview_figures,
    pilot_figures,
    rollout_figures,
    team_figures,
)
from callcenter.reporting.i18n import NBSP

WEEK_X = ("2026-08-03", "2026-08-10", "2026-08-17")


def figures_by_title(lang: str = "de") -> dict[str, go.Figure]:
    return dict(team_figures(build_report(), "auslaender-a", lang))


def trace(fig: go.Figure, name: str) -> go.BaseTraceType:
    matches = [item for item in fig.data if item.name == name]
    assert len(matches) == 1, [item.name for item in fig.data]
    return matches[0]


def shapes(fig: go.Figure, name: str) -> list[go.layout.Shape]:
    return [shape for shape in fig.layout.shapes if shape.name == name]


def data_values(item: go.BaseTraceType) -> list[object]:
    """The values a trace draws: table cells, heatmap cells or the numbers on its axes."""
    if isinstance(item, go.Table):
        return [cell for column in item.cells.values for cell in column]
    if isinstance(item, go.Heatmap):
        return [value for row in item.z for value in row]
    drawn = (item.x or ()) + (item.y or ())
    return [value for value in drawn if isinstance(value, int | float)]


def test_the_team_page_has_all_seven_figures_in_reading_order() -> None:
    titles = [title for title, _ in team_figures(build_report(), "auslaender-a", "de")]
    assert titles == [
        "Anrufe je Woche innerhalb und außerhalb der Sprechzeiten",
        "Anrufe je Woche nach Leitungsart",
        "Annahmequote und Servicelevel je Woche (innerhalb der Sprechzeiten)",
        "Wartezeit angenommener Anrufe",
        "Nachfrage nach Wochentag und Stunde (mittlere Anrufe je Stunde) mit den Sprechzeiten",
        "Abgedeckte Nachfrage je Anzahl Sprechstunden pro Woche",
        "Personalbedarf je Stunde (Erlang C / Erlang A)",
    ]


def test_a_team_without_heatmap_suggestion_and_staffing_gets_the_four_weekly_figures() -> None:
    titles = [title for title, _ in team_figures(build_report(), "auslaender-b", "en")]
    assert titles == [
        "Calls per week inside and outside the call hours",
        "Calls per week by line kind",
        "Answer rate and service level per week (inside the call hours)",
        "Wait of answered calls",
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_figure_of_every_page_is_a_plotly_figure_with_data(lang: str) -> None:
    report = build_report()
    every = (
        team_figures(report, "auslaender-a", lang)
        + team_figures(report, "einbuergerung", lang)
        + pilot_figures(report, "auslaender-a", lang)
        + overview_figures(report, lang)
        + rollout_figures(report, lang)
    )
    assert len(every) == 7 + 4 + 4 + 3 + 2
    for title, fig in every:
        assert isinstance(fig, go.Figure), title
        assert fig.data, title
        for item in fig.data:
            assert data_values(item), (title, item.name)
        assert fig.layout.title.text, title
        assert fig.layout.separators == (",." if lang == "de" else ".,")
        fig.to_json()  # serialisable, as the site and the web app need it


def test_calls_inside_and_outside_are_stacked_per_week() -> None:
    fig = figures_by_title()["Anrufe je Woche innerhalb und außerhalb der Sprechzeiten"]
    assert fig.layout.barmode == "stack"
    inside = trace(fig, "innerhalb der Sprechzeiten")
    outside = trace(fig, "außerhalb der Sprechzeiten")
    assert inside.x == WEEK_X
    # Monday cell + Tuesday cell (10 inside, 2 outside) of each week.
    assert inside.y == (50, 60, 65)
    assert outside.y == (22, 12, 7)
    assert "Ausländerbehörde Team A" in fig.layout.title.text
    assert fig.layout.xaxis.dtick == 7 * 24 * 3600 * 1000
    assert fig.layout.xaxis.tickformat == "%d.%m.%y"


def test_calls_by_line_kind() -> None:
    fig = figures_by_title()["Anrufe je Woche nach Leitungsart"]
    assert trace(fig, "Teamrufnummer").y == (54, 57, 61)
    assert trace(fig, "Durchwahl").y == (12, 10, 7)
    assert trace(fig, "über die Zentrale").y == (6, 5, 4)


def test_answer_rate_and_service_level_per_week_with_the_75_percent_target() -> None:
    fig = figures_by_title()["Annahmequote und Servicelevel je Woche (innerhalb der Sprechzeiten)"]
    assert trace(fig, "Annahmequote").y == pytest.approx((76.0, 53 / 60 * 100, 58 / 65 * 100))
    assert trace(fig, "Servicelevel").y == pytest.approx((60.0, 46 / 60 * 100, 80.0))
    (target,) = shapes(fig, "target")
    assert (target.y0, target.y1, target.xref) == (75.0, 75.0, "paper")
    assert [note.text for note in fig.layout.annotations] == [f"Ziel 75{NBSP}%"]
    assert fig.layout.yaxis.ticksuffix == f"{NBSP}%"


def test_english_labels_and_number_format() -> None:
    fig = figures_by_title("en")["Answer rate and service level per week (inside the call hours)"]
    assert {item.name for item in fig.data} == {"Answer rate", "Service level"}
    assert [note.text for note in fig.layout.annotations] == ["Target 75%"]
    assert fig.layout.yaxis.ticksuffix == "%"
    assert fig.layout.xaxis.tickformat == "%Y-%m-%d"
    assert "Immigration office team A" in fig.layout.title.text


def test_wait_per_week_with_the_period_mean_and_90th_percentile() -> None:
    fig = figures_by_title()["Wartezeit angenommener Anrufe"]
    assert fig.data[0].y == pytest.approx((1060 / 38, 835 / 53, 660 / 58))
    (mean,) = shapes(fig, "wait_mean_period")
    (p90,) = shapes(fig, "wait_p90_period")
    assert mean.y0 == pytest.approx(2555 / 149)
    assert p90.y0 == 48.0
    assert "90.-Perzentil Zeitraum: 48 s" in [note.text for note in fig.layout.annotations]


def test_demand_heatmap_with_the_current_windows_drawn_as_rectangles() -> None:
    fig = figures_by_title()[
        "Nachfrage nach Wochentag und Stunde (mittlere Anrufe je Stunde) mit den Sprechzeiten"
    ]
    (heat,) = fig.data
    assert isinstance(heat, go.Heatmap)
    assert [list(row) for row in heat.z] == [list(row) for row in HEATMAP_A]
    assert heat.z[0][9] == 12.5
    # Explicit light-to-dark stops: plotly.js's named "Blues" would run dark to light.
    assert heat.colorscale[0] == (0.0, "rgb(247,251,255)")
    assert heat.colorscale[-1] == (1.0, "rgb(8,48,107)")
    assert tuple(heat.x) == tuple(range(24))
    assert fig.layout.yaxis.ticktext == ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
    assert fig.layout.yaxis.autorange == "reversed"  # Monday on top
    rects = [(s.x0, s.x1, s.y0, s.y1) for s in shapes(fig, "window")]
    # Mo 9–12, Di 9–12, Do 14–18: cells are centred on whole hours and weekdays.
    assert rects == [(8.5, 11.5, -0.5, 0.5), (8.5, 11.5, 0.5, 1.5), (13.5, 17.5, 2.5, 3.5)]
    assert heat.text[0][9] == "Mo 09–10: 12,5 Anrufe je Stunde"
    english = figures_by_title("en")[
        "Demand by weekday and hour (mean calls per hour) with the call hours"
    ]
    assert english.layout.yaxis.ticktext[0] == "Mon"
    assert english.data[0].text[0][9] == "Mon 09–10: 12.5 Calls per hour"


def test_coverage_curve_sorted_with_the_chosen_point() -> None:
    fig = figures_by_title()["Abgedeckte Nachfrage je Anzahl Sprechstunden pro Woche"]
    curve = trace(fig, "abgedeckte Nachfrage")
    assert curve.x == (5, 10, 15, 20)
    assert curve.y == pytest.approx((40.0, 65.0, 90.0 - 10.0, 90.0))
    chosen = fig.data[1]
    assert chosen.name == f"Vorschlag: 15 h, 80,0{NBSP}%"
    assert (chosen.x, chosen.y) == ((15,), (80.0,))


def test_staffing_per_hour_with_erlang_c_erlang_a_and_calls() -> None:
    fig = figures_by_title()["Personalbedarf je Stunde (Erlang C / Erlang A)"]
    erlang_c = trace(fig, "Mitarbeitende (Erlang C)")
    assert erlang_c.x == ("Mo 09", "Mo 10", "Di 09")
    assert erlang_c.y == (4, 3, 3)
    assert erlang_c.customdata == pytest.approx((81.0, 76.0, 78.0))
    assert trace(fig, "Mitarbeitende (Erlang A)").y == (3, 3, 2)
    calls = trace(fig, "Anrufe je Stunde")
    assert calls.y == (30.0, 24.5, 20.0)
    assert calls.yaxis == "y2"


def test_hostile_team_names_reach_plotly_escaped() -> None:
    report = build_report(names={"auslaender-a": HOSTILE_NAME})
    for _, fig in team_figures(report, "auslaender-a", "de") + overview_figures(report, "de"):
        serialised = fig.to_json()
        assert "<script>" not in serialised
        assert "<img" not in serialised
    title = team_figures(report, "auslaender-a", "de")[0][1].layout.title.text
    assert "&lt;/script&gt;&lt;script&gt;" in title
