"""The dashboards' plotly figures, built from an OfficeReport (German first, English switch).

Each public function returns (title, figure) pairs in reading order; the standalone site and the
web app show the same figures. Rates are drawn as percent (value × 100) with the language's
percent suffix; German figures use the decimal comma (layout.separators) and numeric dates,
because plotly.js would otherwise print English month names. Names that come from users (team
names, reasons) are HTML-escaped before they reach plotly, whose text fields accept markup.

The chart modules build plain `Chart`s; these functions turn them into validated
plotly Figures. The site writes the Charts directly (see style.Chart).
"""

from __future__ import annotations

import plotly.graph_objects as go

from callcenter.evaluation.model import OfficeReport
from callcenter.reporting.chart_common import Charts
from callcenter.reporting.overview_charts import overview_chart_list, rollout_chart_list
from callcenter.reporting.pilot_charts import pilot_chart_list
from callcenter.reporting.team_charts import team_chart_list

Titled = list[tuple[str, go.Figure]]


def _figures(charts: Charts) -> Titled:
    return [(title, chart.figure()) for title, chart in charts]


def team_figures(report: OfficeReport, team_id: str, lang: str = "de") -> Titled:
    """One team: weekly calls inside/outside and by line kind, answer rate and service level
    with the target, wait, demand heatmap with the windows, coverage curve, staffing."""
    return _figures(team_chart_list(report, team_id, lang))


def pilot_figures(report: OfficeReport, team_id: str | None, lang: str = "de") -> Titled:
    """The team's pilot (the first one when team_id is None): forest plot of the effects,
    before/during table, weekly series pilot vs controls with the start marked."""
    return _figures(pilot_chart_list(report, team_id, lang))


def overview_figures(report: OfficeReport, lang: str = "de") -> Titled:
    """All teams compared: calls inside/outside, answer rate and service level, weekly calls."""
    return _figures(overview_chart_list(report, lang))


def rollout_figures(report: OfficeReport, lang: str = "de") -> Titled:
    """The ranked rollout table and the outside share now vs expected per candidate."""
    return _figures(rollout_chart_list(report, lang))
