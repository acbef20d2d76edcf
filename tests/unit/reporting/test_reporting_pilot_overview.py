"""Pilot, overview and rollout figures and the page data, against the fixture's numbers."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from report_fixture import HOSTILE_NAME, build_report

from callcenter.reporting.figures import overview_figures, pilot_figures, rollout_figures
from callcenter.reporting.i18n import NBSP
from callcenter.reporting.overview_charts import (
    overview_chart_list,
    rollout_chart_list,
    rollout_stability,
)
from callcenter.reporting.pages import (
    effect_rows,
    is_synthetic,
    key_numbers,
    page_slug,
    pilot_section,
    team_cards,
    team_pages,
)
from callcenter.reporting.pilot_charts import pilot_chart_list
from callcenter.reporting.team_charts import team_chart_list

WEEK_X = ("2026-08-03", "2026-08-10", "2026-08-17")


def pilot_by_title(lang: str = "de") -> dict[str, go.Figure]:
    return dict(pilot_figures(build_report(), "auslaender-a", lang))


def test_pilot_figures_in_order_and_none_for_a_team_without_pilot() -> None:
    assert list(pilot_by_title()) == [
        "Wirkung der Sprechzeiten: Differenz-in-Differenzen mit 95-%-Intervall",
        "Vorher und während des Pilots",
        "Wochenverlauf Pilotteam und Kontrollteams: Anteil außerhalb der Sprechzeiten",
        "Wochenverlauf Pilotteam und Kontrollteams: Anrufe je Arbeitstag",
    ]
    assert pilot_figures(build_report(), "auslaender-b", "de") == []
    # No team named: the first pilot.
    assert len(pilot_figures(build_report(), None, "en")) == 4


def test_forest_plot_has_each_estimate_with_its_95_percent_interval() -> None:
    fig = pilot_by_title()["Wirkung der Sprechzeiten: Differenz-in-Differenzen mit 95-%-Intervall"]
    did = [item for item in fig.data if item.name == "Differenz-in-Differenzen"]
    before_after = [item for item in fig.data if item.name == "vorher/nachher Pilotteam"]
    assert len(did) == len(before_after) == 3  # one row per metric
    # Rates in percentage points: DiD −16 (−19 … −11) for the share outside.
    share = did[0]
    assert share.x == (-16.0,)
    assert share.error_x.arrayminus == pytest.approx((3.0,))
    assert share.error_x.array == pytest.approx((5.0,))
    assert did[1].x == pytest.approx((15.0,))
    # Volumes are relative changes in %: calls per day −3 % (−11.5 % … +5.5 %).
    assert did[2].x == pytest.approx((-3.0,))
    assert did[2].error_x.arrayminus == pytest.approx((8.5,))
    assert did[2].error_x.array == pytest.approx((8.5,))
    assert before_after[0].x == pytest.approx((-17.0,))
    # Every metric in its own row, each with the zero line.
    assert [item.xaxis for item in did] == ["x", "x2", "x3"]
    zero_lines = [shape for shape in fig.layout.shapes if shape.x0 == 0 and shape.x1 == 0]
    assert len(zero_lines) == 3
    assert fig.layout.xaxis.ticksuffix == " Pp."
    assert fig.layout.xaxis3.ticksuffix == f"{NBSP}%"
    titles = [note.text for note in fig.layout.annotations]
    assert titles == [
        "Anteil außerhalb der Sprechzeiten",
        "Annahmequote (innerhalb)",
        "Anrufe je Arbeitstag",
    ]


def test_weekly_series_marks_the_pilot_start() -> None:
    fig = pilot_by_title()[
        "Wochenverlauf Pilotteam und Kontrollteams: Anteil außerhalb der Sprechzeiten"
    ]
    pilot, controls = fig.data
    assert (pilot.name, controls.name) == ("Pilotteam", "Kontrollteams")
    assert pilot.x == WEEK_X
    assert pilot.y == pytest.approx((40.0, 25.0, 18.0))
    assert controls.y == pytest.approx((41.0, 39.0, 40.0))
    (start,) = [shape for shape in fig.layout.shapes if shape.name == "pilot_start"]
    assert (start.x0, start.x1, start.yref) == ("2026-08-10", "2026-08-10", "paper")
    (note,) = fig.layout.annotations
    assert (note.x, note.text) == ("2026-08-10", "Pilotbeginn 10.08.2026")
    english = pilot_by_title("en")["Weekly series pilot vs controls: Share outside the call hours"]
    assert english.layout.annotations[0].text == "Pilot start 2026-08-10"


def test_weekly_series_keeps_a_gap_for_a_missing_week() -> None:
    fig = pilot_by_title()["Wochenverlauf Pilotteam und Kontrollteams: Anrufe je Arbeitstag"]
    assert fig.data[0].y == (121.0, None, 117.0)
    assert fig.data[1].y == (99.0, 100.0, 102.0)


def test_before_during_table() -> None:
    fig = pilot_by_title()["Vorher und während des Pilots"]
    (table,) = fig.data
    assert isinstance(table, go.Table)
    header = table.header.values
    assert header[0] == "<b>Kennzahl</b>"
    columns = [tuple(column) for column in table.cells.values]
    assert columns[0] == (
        "Anteil außerhalb der Sprechzeiten",
        "Annahmequote (innerhalb)",
        "Anrufe je Arbeitstag",
    )
    assert columns[1][0] == f"38,0{NBSP}%"
    assert columns[2][0] == f"21,0{NBSP}%"
    assert columns[5] == (f"−16,0{NBSP}Pp.", f"+15,0{NBSP}Pp.", f"−3,0{NBSP}%")
    assert columns[6][2] == f"−11,5{NBSP}% … +5,5{NBSP}%"


def test_effect_rows_say_whether_the_interval_excludes_zero() -> None:
    rows = effect_rows(build_report().pilots[0], "de")
    assert [row.significant for row in rows] == [True, True, False]
    assert rows[2].assessment == "unsicher (Intervall enthält 0)"
    section = pilot_section(build_report(), build_report().pilots[0], "en")
    assert section.period == "2026-08-10 – 2026-08-23"
    assert section.before == "2026-08-03 – 2026-08-09"
    assert section.controls == "Immigration office team B, Naturalisation"
    assert "calendar weeks" in section.uncertainty
    assert section.summary.startswith("The share of calls outside")


def test_overview_compares_the_teams() -> None:
    figures = dict(overview_figures(build_report(), "de"))
    calls = figures["Anrufe je Team innerhalb und außerhalb der Sprechzeiten"]
    inside, outside = calls.data
    assert inside.orientation == "h"
    assert inside.y == ("Ausländerbehörde Team A", "Ausländerbehörde Team B", "Einbürgerung")
    assert inside.x == (175, 210, 120)
    assert outside.x == (41, 6, 6)
    assert outside.customdata == pytest.approx((41 / 216 * 100, 6 / 216 * 100, 6 / 126 * 100))
    rates = figures["Annahmequote und Servicelevel je Team"]
    assert rates.data[0].y == pytest.approx((149 / 175 * 100, 144 / 210 * 100, 105 / 120 * 100))
    assert rates.data[1].y == pytest.approx((128 / 175 * 100, 107 / 210 * 100, 93 / 120 * 100))
    assert [shape.y0 for shape in rates.layout.shapes] == [75.0]
    weekly = figures["Anrufe je Woche und Team"]
    assert [item.y for item in weekly.data] == [(72, 72, 72), (72, 70, 74), (42, 44, 40)]


def test_rollout_table_is_ranked_and_the_share_chart_matches() -> None:
    figures = dict(rollout_figures(build_report(), "de"))
    (table,) = figures["Rangfolge für die Einführung"].data
    columns = [tuple(column) for column in table.cells.values]
    # Overlapping intervals: both first, shown as tied, with their chances of being first.
    assert columns[0] == ("1 (gleichauf)", "1 (gleichauf)")
    assert columns[1] == ("Ausländerbehörde Team B", "Einbürgerung")
    assert columns[2] == ("wie Pilot", "Vorschlag")
    assert columns[3] == (f"24,0{NBSP}%", f"31,0{NBSP}%")
    assert columns[4] == (f"8,0{NBSP}%", f"15,0{NBSP}%")
    assert columns[5] == ("5", "3")
    assert columns[6] == ("3,5", "2,2")
    assert columns[7] == (f"4{NBSP}% (2{NBSP}% … 7{NBSP}%)", f"6{NBSP}% (3{NBSP}% … 9{NBSP}%)")
    assert columns[8] == (f"65{NBSP}%", f"35{NBSP}%")
    share = figures["Anteil außerhalb der Sprechzeiten: jetzt und erwartet"]
    now, after = share.data
    assert now.x == ("1. Ausländerbehörde Team B", "1. Einbürgerung")
    assert now.y == pytest.approx((24.0, 31.0))
    assert after.y == pytest.approx((8.0, 15.0))
    english = dict(rollout_figures(build_report(), "en"))
    (table_en,) = english["Rollout ranking"].data
    assert table_en.cells.values[9][0] == "Demand fits the pilot's hours."
    assert rollout_stability(build_report(), "de") == (
        f"Ausländerbehörde Team B liegt in 65{NBSP}% der Wochen-Stichproben vorn; "
        "gleichauf mit Einbürgerung."
    )


def test_hostile_names_and_reasons_are_escaped_in_tables() -> None:
    report = build_report(names={"auslaender-b": HOSTILE_NAME})
    (table,) = dict(rollout_figures(report, "de"))["Rangfolge für die Einführung"].data
    assert table.cells.values[1][0].startswith("&lt;/script&gt;")


def test_page_data_key_numbers_cards_and_file_names() -> None:
    report = build_report()
    numbers = {item.label: item.value for item in key_numbers(report.per_team[0], "de")}
    assert numbers["Anrufe"] == "216"
    assert numbers["Anteil außerhalb der Sprechzeiten"] == f"19,0{NBSP}%"
    assert numbers["Wartezeit Ø / 90 %"] == f"17{NBSP}s / 48{NBSP}s"
    assert numbers["Vorsprachen ohne Termin"] == "23"
    assert numbers["… nach (Median)"] == "19,5 Std."
    assert numbers["Schließtage (Ansage ganztägig)"] == "1"
    english = {item.label: item.value for item in key_numbers(report.per_team[1], "en")}
    assert english["Walk-ins without appointment"] == "not entered"
    cards = team_cards(report, "de")
    assert [(card.href, card.on_call_hours) for card in cards] == [
        ("team-auslaender-a.html", True),
        ("team-auslaender-b.html", False),
        ("team-einbuergerung.html", False),
    ]
    assert page_slug("../../etc/passwd") == "etc-passwd"
    assert page_slug("Ä") == "team"
    assert is_synthetic(report)
    assert not is_synthetic(build_report(note_de="", note_en=""))


def test_team_page_names_stay_unique() -> None:
    report = build_report()
    teams = (*report.teams[:1], report.teams[0].__class__("Auslaender-A", "X", "X", False))
    pages = team_pages(report.__class__(**{**report.__dict__, "teams": teams}))
    assert pages == {
        "auslaender-a": "team-auslaender-a.html",
        "Auslaender-A": "team-auslaender-a-2.html",
        "auslaender-b": "team-auslaender-b.html",
        "einbuergerung": "team-einbuergerung.html",
    }


def test_charts_serialise_for_a_script_element_without_changing_values() -> None:
    report = build_report(names={"auslaender-a": HOSTILE_NAME})
    charts = (
        team_chart_list(report, "auslaender-a", "de")
        + pilot_chart_list(report, "auslaender-a", "de")
        + overview_chart_list(report, "de")
        + rollout_chart_list(report, "de")
    )
    assert len(charts) == 7 + 4 + 3 + 2
    for title, chart in charts:
        data, layout = chart.json()
        for serialised in (data, layout):
            assert not {"<", ">", "&"} & set(serialised), title
        assert json.loads(data) == json.loads(json.dumps(chart.data)), title
        assert json.loads(layout)["separators"] == ",.", title
        # The same chart as a validated plotly Figure: what the web app embeds.
        assert chart.figure().layout.title.text == chart.layout["title"]["text"], title
