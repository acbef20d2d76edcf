"""The standalone evaluation site: static HTML pages plus plotly.js beside them.

Office intranets have no internet, so the site loads nothing from outside: plotly.min.js is
copied from the installed plotly package into assets/, and the pages refer to it relatively,
which also works from file://. Both languages are written: the default one at the top level,
the other one in a sub-folder named after it (e.g. en/index.html), each page linking to its twin.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import plotly
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from callcenter.domain.errors import CallcenterError
from callcenter.evaluation.model import OfficeReport
from callcenter.reporting.chart_common import Charts, esc
from callcenter.reporting.folder import FolderFiles
from callcenter.reporting.i18n import LANGS, TEXTS, Lang, check_lang, fmt_date, metric_name, text
from callcenter.reporting.overview_charts import (
    ROLLOUT_HEADER,
    overview_chart_list,
    rollout_rows,
    rollout_share_chart,
    rollout_stability,
)
from callcenter.reporting.pages import (
    TeamCard,
    caller_rows,
    display_name,
    is_synthetic,
    key_numbers,
    page_slug,
    pilot_section,
    team_cards,
    team_pages,
)
from callcenter.reporting.pilot_charts import find_pilot, forest_chart, weekly_metric_chart
from callcenter.reporting.style import Chart
from callcenter.reporting.team_charts import team_chart_list

PLOTLY_JS = "plotly.min.js"
CSS = "report.css"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
TEAM_PAGES = "team-*.html"


@dataclass(frozen=True)
class SiteProgress:
    """One step of writing the site, for progress lines ("Schreibe Seite auslaender-a …")."""

    page: str  # "index", a team id, "pilot", "rollout" or "assets"
    lang: str
    path: Path


@dataclass(frozen=True)
class SiteResult:
    index: Path  # the default language's index.html
    pages: tuple[Path, ...]


class SiteError(CallcenterError):
    """The site cannot be written (message in German and English)."""

    kind = "unavailable"


def plotly_js_source() -> Path:
    """plotly.min.js as shipped inside the installed plotly package."""
    path = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if not path.is_file():
        raise SiteError(
            f"{path} fehlt: das Paket plotly ist unvollständig installiert",
            f"{path} is missing: the plotly package is incompletely installed",
        )
    return path


@cache
def _environment() -> Environment:
    """One per process: the service renders a report for each request over the control
    socket, and compiling the templates anew took a third of writing the site. Rendering
    from one Environment in several threads is safe (jinja2 keeps no per-render state on it)."""
    return Environment(
        loader=PackageLoader("callcenter.reporting", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def chart_html(chart: Chart, div_id: str) -> str:
    """The chart's div and the script drawing it (JSON escaped for <script>, see Chart.json)."""
    data, layout = chart.json()
    height = int(chart.layout.get("height") or 420)
    return (
        f'<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;">'
        f"</div>\n<script>Plotly.newPlot({json.dumps(div_id)}, {data}, {layout}, "
        f"{json.dumps(PLOTLY_CONFIG)});</script>"
    )


class _Writer:
    def __init__(
        self,
        report: OfficeReport,
        out_dir: Path,
        lang_default: Lang,
        on_progress: Callable[[SiteProgress], None] | None,
    ) -> None:
        self.report = report
        self.out_dir = out_dir
        self.lang_default = lang_default
        self.on_progress = on_progress
        self.env = _environment()
        self.pages = team_pages(report)
        self.files: dict[str, bytes] = {}
        self._figure_count = 0
        self._team_cards: dict[Lang, tuple[TeamCard, ...]] = {}

    def folder(self, lang: Lang) -> str:
        """The language's folder inside the site: "" for the default language."""
        return "" if lang == self.lang_default else f"{lang}/"

    def _charts(self, figures: Charts) -> list[tuple[str, Any]]:
        rendered = []
        for title, chart in figures:
            self._figure_count += 1
            html = chart_html(chart, f"chart-{self._figure_count}")
            # Markup: our own div and script around JSON escaped for <script> (chart_html).
            rendered.append((title, Markup(html)))
        return rendered

    def _common(self, lang: Lang, current: str, page_title: str) -> dict[str, Any]:
        other: Lang = "en" if lang == "de" else "de"
        if lang == self.lang_default:
            root, other_href = "", f"{other}/{current}"
        else:
            root, other_href = "../", f"../{current}"
        report = self.report
        note = report.generated_note_en if lang == "en" else report.generated_note_de
        return {
            "lang": lang,
            "t": {key: (en if lang == "en" else de) for key, (de, en) in TEXTS.items()},
            "root": root,
            "other_lang": other,
            "other_href": other_href,
            "current": current,
            "page_title": page_title,
            "period": f"{fmt_date(report.start, lang)} – {fmt_date(report.end, lang)}",
            "synthetic": is_synthetic(report),
            "note": note,
            "cards": self._cards(lang),
        }

    def _cards(self, lang: Lang) -> tuple[TeamCard, ...]:
        # The same on every page of a language: a state's 240 pages made them 240 times.
        if lang not in self._team_cards:
            self._team_cards[lang] = team_cards(self.report, lang)
        return self._team_cards[lang]

    def _write(self, template: str, name: str, page: str, context: dict[str, Any]) -> None:
        lang: Lang = context["lang"]
        name = self.folder(lang) + name
        if self.on_progress is not None:
            self.on_progress(SiteProgress(page, lang, self.out_dir / name))
        html = self.env.get_template(template).render(**context)
        self.files[name] = html.encode("utf-8")

    def assets(self) -> tuple[tuple[str, str], ...]:
        """The stylesheet among the files; plotly.js as a copy of the installed one (4.8 MB:
        copied only when the one already in the folder differs)."""
        if self.on_progress is not None:
            self.on_progress(SiteProgress("assets", self.lang_default, self.out_dir / "assets"))
        css = resources.files("callcenter.reporting").joinpath("templates", CSS).read_bytes()
        self.files[f"assets/{CSS}"] = css
        return ((f"assets/{PLOTLY_JS}", str(plotly_js_source())),)

    def index(self, lang: Lang) -> None:
        self._write(
            "index.html",
            "index.html",
            "index",
            {
                **self._common(lang, "index.html", text("site_title", lang)),
                "totals": key_numbers(self.report.totals, lang),
                "caller_rows": caller_rows(self.report, lang),
                "figures": self._charts(overview_chart_list(self.report, lang)),
            },
        )

    def team(self, lang: Lang, team_id: str, page_name: str) -> None:
        report = self.report
        info = next((team for team in report.teams if team.id == team_id), None)
        period = next((item for item in report.per_team if item.team == team_id), None)
        self._write(
            "team.html",
            page_name,
            team_id,
            {
                **self._common(lang, page_name, display_name(report, team_id, lang)),
                "on_call_hours": bool(info and info.on_call_hours),
                "numbers": key_numbers(period, lang) if period else (),
                "has_pilot": find_pilot(report, team_id) is not None,
                "team_anchor": page_slug(team_id),
                "figures": self._charts(team_chart_list(report, team_id, lang)),
            },
        )

    def pilot(self, lang: Lang) -> None:
        report = self.report
        sections = []
        for evaluation in report.pilots:
            label = esc(display_name(report, evaluation.team, lang))
            figures: Charts = []
            if any(effect.did or effect.before_after for effect in evaluation.effects):
                figures.append((text("fig_forest", lang), forest_chart(evaluation, label, lang)))
            metrics = list(dict.fromkeys(point.metric for point in evaluation.weekly))
            figures += [
                (
                    f"{text('fig_weekly', lang)}: {metric_name(metric, lang)}",
                    weekly_metric_chart(evaluation, metric, label, lang),
                )
                for metric in metrics
            ]
            sections.append(
                {
                    "anchor": page_slug(evaluation.team),
                    "pilot": pilot_section(report, evaluation, lang),
                    "figures": self._charts(figures),
                }
            )
        title = text("pilot_page", lang)
        self._write(
            "pilot.html",
            "pilot.html",
            "pilot",
            {
                **self._common(lang, "pilot.html", title),
                "sections": sections,
                # The pilot teams' callback and overflow figures beside their comparison.
                "caller_rows": caller_rows(self.report, lang, tuple(p.team for p in report.pilots)),
            },
        )

    def rollout(self, lang: Lang) -> None:
        report = self.report
        figures: Charts = []
        if report.rollout:
            figures.append((text("fig_rollout_share", lang), rollout_share_chart(report, lang)))
        title = text("rollout_page", lang)
        self._write(
            "rollout.html",
            "rollout.html",
            "rollout",
            {
                **self._common(lang, "rollout.html", title),
                "header": [text(key, lang) for key in ROLLOUT_HEADER],
                "rows": rollout_rows(report, lang),
                "stability": rollout_stability(report, lang),
                "figures": self._charts(figures),
            },
        )


def render_site(
    report: OfficeReport,
    lang_default: str = "de",
    on_progress: Callable[[SiteProgress], None] | None = None,
    out_dir: Path | str = ".",
) -> FolderFiles:
    """Index, one page per team, pilot and rollout pages in both languages, plus assets, as
    files not yet written (`out_dir` only names them in the progress steps)."""
    default = check_lang(lang_default)
    writer = _Writer(report, Path(out_dir), default, on_progress)
    copies = writer.assets()
    for lang in [default] + [lang for lang in LANGS if lang != default]:
        writer.index(lang)
        for team_id, page_name in writer.pages.items():
            writer.team(lang, team_id, page_name)
        writer.pilot(lang)
        writer.rollout(lang)
    # A re-run into the same folder must not leave pages of teams no longer reported.
    return FolderFiles(tuple(writer.files.items()), copies, stale=(TEAM_PAGES,))


def write_site(
    report: OfficeReport,
    out_dir: Path | str,
    lang_default: str = "de",
    on_progress: Callable[[SiteProgress], None] | None = None,
) -> SiteResult:
    """Write index, one page per team, pilot and rollout pages in both languages, plus assets."""
    out = Path(out_dir)
    written = render_site(report, lang_default, on_progress, out).write_into(out)
    pages = tuple(path for path in written if path.suffix == ".html")
    return SiteResult(index=out / "index.html", pages=pages)
