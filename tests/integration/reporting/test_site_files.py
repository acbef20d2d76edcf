"""The written site as files: pages in both languages, shipped plotly.js, no outside references."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import plotly
import pytest
from unit.reporting.report_fixture import HOSTILE_NAME, build_report

from callcenter.evaluation.callbacks import CallbackFigures, CallerFigures
from callcenter.reporting.i18n import NBSP
from callcenter.reporting.site import SiteProgress, write_site

PAGES = (
    "index.html",
    "team-auslaender-a.html",
    "team-auslaender-b.html",
    "team-einbuergerung.html",
    "pilot.html",
    "rollout.html",
)


class References(HTMLParser):
    """Every src/href of a page, and the text of its <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.references.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(path: Path) -> References:
    parser = References()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(build_report(), out)
    return out


def test_every_page_is_written_in_both_languages_with_the_assets(site: Path) -> None:
    for page in PAGES:
        assert (site / page).is_file(), page
        assert (site / "en" / page).is_file(), page
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert sha256(site / "assets" / "plotly.min.js") == sha256(shipped)
    assert "@media print" in (site / "assets" / "report.css").read_text(encoding="utf-8")
    assert '<html lang="de">' in (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (site / "en" / "index.html").read_text(encoding="utf-8")


def test_pages_refer_only_to_files_of_the_site(site: Path) -> None:
    pages = [site / page for page in PAGES] + [site / "en" / page for page in PAGES]
    for page in pages:
        parsed = parse(page)
        assert parsed.references, page
        for reference in parsed.references:
            target = reference.split("#")[0]
            assert "://" not in reference, (page, reference)
            assert not reference.startswith("//"), (page, reference)
            if target:
                assert (page.parent / target).resolve().is_file(), (page, reference)
        # plotly's inline calls only: nothing that could fetch (no CDN loader, no fetch()).
        for script in parsed.scripts:
            assert "cdn" not in script.lower(), page
            assert "fetch(" not in script, page


def test_each_page_links_to_its_twin_in_the_other_language(site: Path) -> None:
    assert "en/pilot.html" in parse(site / "pilot.html").references
    assert "../pilot.html" in parse(site / "en" / "pilot.html").references
    assert "../assets/plotly.min.js" in parse(site / "en" / "index.html").references


def test_index_shows_totals_and_team_cards_formatted_per_language(site: Path) -> None:
    german = (site / "index.html").read_text(encoding="utf-8")
    english = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert f"78,8{NBSP}%" in german  # answer rate 398 / 505
    assert "78.8%" in english
    assert "Ausländerbehörde Team A" in german
    assert "Immigration office team A" in english
    assert 'href="team-einbuergerung.html"' in german
    assert german.count('class="chart"') == 3  # the overview figures
    assert "Synthetische Beispieldaten" in german
    assert 'class="banner"' in german


def test_pilot_page_has_summary_uncertainty_and_the_effects_table(site: Path) -> None:
    page = (site / "pilot.html").read_text(encoding="utf-8")
    assert "Der Anteil der Anrufe außerhalb der Sprechzeiten sank von 38 % auf 21 %" in page
    assert "Intervalle über Kalenderwochen" in page
    assert f"−16,0{NBSP}Pp." in page
    assert "unsicher (Intervall enthält 0)" in page
    assert page.count('class="chart"') == 3  # forest plot + two weekly series
    english = (site / "en" / "pilot.html").read_text(encoding="utf-8")
    assert "The share of calls outside the call hours fell" in english


def test_pilot_page_opens_with_the_verdict(site: Path) -> None:
    page = (site / "pilot.html").read_text(encoding="utf-8")
    box = page[page.index('<section class="verdict') : page.index("</section>")]
    assert page.index('<section class="verdict') < page.index('<table class="effects"')
    # The answer rate (the primary metric) rose clearly: "better", coloured as such.
    assert '<section class="verdict better"' in box
    assert "Besser als vorher: Annahmequote (innerhalb) +15 Prozentpunkte" in box
    assert 'lang="en">Better than before' in box
    assert '<li class="better">Anteil außerhalb der Sprechzeiten' in box
    assert "Ziel 75 % binnen 30 s erreicht" not in box  # 74–82 % contains the target
    assert "noch nicht sicher, ob erreicht" in box
    assert "Datenquelle: synthetische Beispieldaten" in box
    assert "<details" in box
    assert "Innerhalb angenommen binnen 30 s" in box


def test_team_page_carries_its_figures(site: Path) -> None:
    page = (site / "team-auslaender-a.html").read_text(encoding="utf-8")
    assert page.count('class="chart"') == 7
    assert page.count("Plotly.newPlot(") == 7
    assert 'href="pilot.html#pilot-auslaender-a"' in page


def test_hostile_team_names_are_escaped_everywhere(tmp_path: Path) -> None:
    write_site(build_report(names={"auslaender-b": HOSTILE_NAME}), tmp_path)
    for page in sorted(tmp_path.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in text, page
        assert "<img src=x" not in text, page
        assert "</script><script>" not in text, page
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in index


def test_no_banner_for_real_data_and_english_as_the_default(tmp_path: Path) -> None:
    steps: list[SiteProgress] = []
    result = write_site(
        build_report(note_de="", note_en=""), tmp_path, lang_default="en", on_progress=steps.append
    )
    index = result.index.read_text(encoding="utf-8")
    assert result.index == tmp_path / "index.html"
    assert '<html lang="en">' in index
    assert 'class="banner"' not in index
    assert (tmp_path / "de" / "index.html").is_file()
    assert [(step.page, step.lang) for step in steps[:3]] == [
        ("assets", "en"),
        ("index", "en"),
        ("auslaender-a", "en"),
    ]
    assert len(steps) == 1 + 2 * len(PAGES)
    assert set(result.pages) == {step.path for step in steps if step.page != "assets"}


def test_a_rerun_into_the_same_folder_drops_pages_of_teams_no_longer_reported(
    tmp_path: Path,
) -> None:
    write_site(build_report(), tmp_path)
    (tmp_path / "notes.html").write_text("kept", encoding="utf-8")
    smaller = build_report()
    smaller = replace(
        smaller,
        teams=smaller.teams[:2],
        per_team=smaller.per_team[:2],
        rollout=smaller.rollout[1:],
    )
    write_site(smaller, tmp_path)
    assert not (tmp_path / "team-einbuergerung.html").exists()
    assert not (tmp_path / "en" / "team-einbuergerung.html").exists()
    assert (tmp_path / "team-auslaender-b.html").is_file()
    assert (tmp_path / "notes.html").read_text(encoding="utf-8") == "kept"


def test_callback_language_and_overflow_figures_on_index_and_pilot_page(tmp_path: Path) -> None:
    figures = CallerFigures(
        callbacks=(CallbackFigures("auslaender-a", 4, 3, 1, 2, 1, 0, 5, 1, 4),),
        languages=(("auslaender-a", "hours", "en", 7),),
        overflow=(
            ("auslaender-b", "zentrale", "answered", 2),
            ("auslaender-b", "team:auslaender-a", "timeout", 1),
            ("auslaender-b", "elsewhere", "answered", 1),
        ),
    )
    write_site(replace(build_report(), callers=figures), tmp_path)
    index = (tmp_path / "index.html").read_text("utf-8")
    assert "Rückrufe, Sprachwahl, Überlauf" in index
    assert f'davon binnen 24 h erfüllt (115)</td><td class="num">25{NBSP}%' in index
    assert "Sprachwahl (außerhalb der Sprechzeiten): Englisch" in index
    assert "Überlauf nach Zentrale: angenommen" in index
    # another team by its name; a code the labels do not know yet stays visible as it is
    assert "Überlauf nach Ausländerbehörde Team A: Warteschlange abgelaufen" in index
    assert "Überlauf nach elsewhere: angenommen" in index
    english = (tmp_path / "en" / "index.html").read_text(
        "utf-8"
    )  # 5 ÷ 4 = 1.25, the formatter rounds half to even
    assert 'Call attempts per request</td><td class="num">1.2' in english
    assert "Language choice (outside the call hours): English" in english
    assert "Overflow to switchboard: answered" in english
    # The pilot page shows only the pilot team's rows (team A), not team B's overflow.
    pilot = (tmp_path / "pilot.html").read_text("utf-8")
    assert "Sprachwahl (außerhalb der Sprechzeiten): Englisch" in pilot
    assert "Überlauf nach" not in pilot
