"""The chart template written as plain JSON is exactly what plotly makes of it (not timed).

The site writes the template from a plain dict so that `callcenter report` does not load
plotly's validators at start-up; the validated Figures build the same template lazily.
"""

from __future__ import annotations

import json
import subprocess
import sys

import plotly.graph_objects as go

from callcenter.reporting import style


def test_plain_template_json_is_plotlys_own_serialisation_byte_for_byte() -> None:
    validated = go.layout.Template(layout=style._TEMPLATE_LAYOUT).to_plotly_json()
    assert json.dumps(style._TEMPLATE_JSON) == json.dumps(validated)
    assert style._TEMPLATE_JSON["layout"]["colorway"] == style.COLORWAY


def test_validated_figure_carries_the_template() -> None:
    chart = style.make_chart([{"type": "bar", "x": [1], "y": [2]}], "Titel", "de")
    figure = chart.figure()
    assert figure.layout.template.layout.font.family == style.FONT
    assert json.loads(chart.json()[1])["template"] == style._TEMPLATE_JSON


def test_importing_the_site_writer_loads_no_plotly_validators() -> None:
    probe = (
        "import sys, callcenter.reporting.site\n"
        "print('_plotly_utils.basevalidators' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"
