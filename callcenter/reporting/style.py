"""Colours and the common layout of every figure.

Okabe–Ito colours: distinguishable with the common colour-vision deficiencies; yellow is left
out because it lacks contrast on white. The heatmap uses a single-hue sequential scale (light to
dark blue) so that lightness alone carries the value, and the call-hour windows are outlined in
vermillion, which stands out against every blue of it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from callcenter.reporting.i18n import Lang, plotly_separators

BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#595959"  # 7:1 on white: text and reference lines

COLORWAY = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK]
# ColorBrewer "Blues", light to dark, as explicit stops: plotly.js's own scale of that name
# runs the other way round, and the site hands plotly.js the chart without plotly.py.
_BLUES = (
    "rgb(247,251,255)",
    "rgb(222,235,247)",
    "rgb(198,219,239)",
    "rgb(158,202,225)",
    "rgb(107,174,214)",
    "rgb(66,146,198)",
    "rgb(33,113,181)",
    "rgb(8,81,156)",
    "rgb(8,48,107)",
)
HEATMAP_SCALE = [[index / (len(_BLUES) - 1), colour] for index, colour in enumerate(_BLUES)]
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

# The template as plain plotly JSON. A `go.layout.Template` object is built only for the
# validated Figures (`Chart.figure`): constructing it loads plotly's validators, ≈0.15–0.2 s
# of every `callcenter report` start, while the site needs nothing but this JSON.
_TEMPLATE_LAYOUT: dict[str, Any] = {
    "colorway": COLORWAY,
    "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "xaxis": {
        "gridcolor": "#d9d9d9",
        "linecolor": GREY,
        "zerolinecolor": GREY,
        "automargin": True,
    },
    "yaxis": {
        "gridcolor": "#d9d9d9",
        "linecolor": GREY,
        "zerolinecolor": GREY,
        "automargin": True,
    },
    "hoverlabel": {"align": "left"},
    # At the bottom of the whole figure, not of the plot: rotated date ticks and the axis
    # title of a narrow (printed) chart then push the plot up instead of running into it.
    "legend": {
        "orientation": "h",
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "x": 0,
    },
    "margin": {"l": 70, "r": 30, "t": 80, "b": 40},
}


def _keys_sorted(value: Any) -> Any:
    """plotly's own JSON order (keys sorted), so that pages come out byte for byte the same."""
    if isinstance(value, dict):
        return {key: _keys_sorted(value[key]) for key in sorted(value)}
    return value


_TEMPLATE_JSON: dict[str, Any] = _keys_sorted({"layout": _TEMPLATE_LAYOUT})


@functools.cache
def _template() -> go.layout.Template:
    return go.layout.Template(layout=_TEMPLATE_LAYOUT)


# Inside a <script> element "</script>" or "<!--" in a string would end or confuse it; the
# JSON escapes keep names from the data inert (plotly's own to_json does the same).
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("/", "\\u002f"))


def _script_safe(text: str) -> str:
    # str.replace, not str.translate with a table: the escapes contain none of the four
    # characters, so one replace after the other gives the same text, and translate looked
    # up every character of a state's 2,000 charts in Python (0.4 s).
    for character, escape in _SCRIPT_SAFE:
        text = text.replace(character, escape)
    return text


@dataclass(frozen=True)
class Chart:
    """A figure as plain plotly data: cheap to build and to write into a page.

    plotly's Figure validates every property, which costs tens of milliseconds per figure;
    the site writes some sixty of them, so it serialises charts directly, while the public
    figure functions (and with them the tests and the web app) get validated Figures."""

    data: list[dict[str, Any]]
    layout: dict[str, Any]

    def figure(self) -> go.Figure:
        return go.Figure(data=self.data, layout={**self.layout, "template": _template()})

    def json(self) -> tuple[str, str]:
        """(data, layout) as JSON that is safe inside a <script> element."""
        layout = {**self.layout, "template": _TEMPLATE_JSON}
        return (
            _script_safe(json.dumps(self.data, ensure_ascii=False)),
            _script_safe(json.dumps(layout, ensure_ascii=False)),
        )


def make_chart(
    traces: Sequence[dict[str, Any]],
    title: str,
    lang: Lang,
    *,
    height: int = 420,
    shapes: Sequence[dict[str, Any]] = (),
    annotations: Sequence[dict[str, Any]] = (),
    **layout: Any,
) -> Chart:
    """A chart from plain trace and layout dicts, with the title, language and template."""
    return Chart(
        data=list(traces),
        layout={
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
            "separators": plotly_separators(lang),
            "height": height,
            "shapes": list(shapes),
            "annotations": list(annotations),
            **layout,
        },
    )
