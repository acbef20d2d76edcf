"""`callcenter report`: the evaluation as a standalone offline site (+ PDF of the pilot page)."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from callcenter.cli.context import CliContext, CliFailure, echo, pass_cli
from callcenter.storage.store import Store
from callcenter.usecases.calls import any_calls
from callcenter.usecases.evaluation import compute_office_report

if TYPE_CHECKING:
    from callcenter.reporting.site import SiteProgress

DEFAULT_OUT = "dashboards"
PDF_NAME = "pilot.pdf"
# What the report needs only after the database has answered: numpy and the statistics,
# jinja2 and the pages. Imported before the queries, they added ~0.3 s to every report.
AFTER_THE_QUERIES = (
    "callcenter.evaluation.report",
    "callcenter.reporting.site",
    "callcenter.reporting.pdf",
)


def _import_meanwhile(modules: Sequence[str]) -> None:
    """Import `modules` in a thread while the main thread waits for the database (sqlite3
    and psycopg release the GIL while a query runs). A failure is left to the main thread's
    own import, which then raises it where it is handled."""

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the import that needs it raises it again
                return

    threading.Thread(target=load, name="report-imports", daemon=True).start()


def _say(lang: str, de: str, en: str) -> None:
    echo(en if lang == "en" else de)


def _any_calls(store: Store) -> bool:
    # Not count(): over 10M calls PostgreSQL reads the whole table for it.
    return any_calls(store.session)


def _progress(lang: str) -> Callable[[SiteProgress], None]:
    def show(step: SiteProgress) -> None:
        if step.page == "assets":
            _say(lang, "Kopiere plotly.js und CSS …", "Copying plotly.js and CSS …")
            return
        suffix = "" if step.lang == lang else f" ({step.lang})"
        _say(lang, f"Schreibe Seite {step.page}{suffix} …", f"Writing page {step.page}{suffix} …")

    return show


@click.command(
    help="Auswertung als eigenständige Website (offline lesbar) und PDF der Pilotauswertung.\n\n"
    "The evaluation as a standalone site (opens offline) and a PDF of the pilot evaluation.\n\n"
    "\b\nBeispiele / examples:\n"
    "  callcenter report\n"
    "  callcenter report --from 2026-05-18 --to 2026-11-15 --out /srv/intranet/sprechzeiten\n"
    "  callcenter report --team auslaender-a --team auslaender-b --no-pdf --lang en"
)
@click.option("--from", "start_text", metavar="DATUM", help="Erster Tag (JJJJ-MM-TT) / first day.")
@click.option("--to", "end_text", metavar="DATUM", help="Letzter Tag (JJJJ-MM-TT) / last day.")
@click.option(
    "--team",
    "teams",
    multiple=True,
    help="Nur diese Teams (mehrfach möglich) / only these teams (repeatable).",
)
@click.option(
    "--out",
    "out_dir",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Zielverzeichnis / output directory.",
)
@click.option(
    "--pdf/--no-pdf",
    default=True,
    show_default=True,
    help="PDF der Pilotauswertung mit chromium / PDF of the pilot evaluation via chromium.",
)
@click.option(
    "--lang",
    "site_lang",
    type=click.Choice(["de", "en"]),
    default=None,
    help="Hauptsprache der Website (die andere liegt im Unterordner) "
    "/ main language of the site (the other one goes into a sub-folder).",
)
@pass_cli
def report(
    cli: CliContext,
    start_text: str | None,
    end_text: str | None,
    teams: tuple[str, ...],
    out_dir: Path,
    pdf: bool,
    site_lang: str | None,
) -> None:
    _import_meanwhile(AFTER_THE_QUERIES)
    lang = site_lang or cli.lang
    start: date | None = cli.parse_day(start_text) if start_text else None
    end: date | None = cli.parse_day(end_text) if end_text else None
    if start and end and end < start:
        raise click.BadParameter("--to liegt vor --from / --to is before --from")
    store = cli.store
    if teams:
        office = store.office()
        for team in teams:
            office.team(team)  # UnknownTeam names the known teams
    if not _any_calls(store):
        raise CliFailure(
            "Die Datenbank enthält keine Anrufe – Beispieldaten laden mit "
            "`callcenter pilot-data load` / the database has no calls – load the example data "
            "with `callcenter pilot-data load`"
        )
    began = time.monotonic()
    _say(lang, "Berechne Kennzahlen …", "Computing metrics …")
    office_report = compute_office_report(store, start, end, list(teams) or None, now=cli.now())
    # jinja2 and the pages load here (if the thread has not yet): other commands stay quick.
    from callcenter.reporting.folder import FolderError
    from callcenter.reporting.pdf import PdfError, write_pdf
    from callcenter.reporting.site import SiteError, render_site

    if office_report.totals.offered == 0:
        _say(
            lang,
            "Hinweis: im gewählten Zeitraum gibt es keine Anrufe.",
            "Note: there are no calls in the chosen period.",
        )
    target = cli.local_path(out_dir)
    index = target / "index.html"
    try:
        site = render_site(office_report, lang, _progress(lang), target)
        with cli.written_folder(target, site, adding=pdf) as folder:
            if pdf:
                _say(
                    lang,
                    f"Erzeuge PDF {out_dir / PDF_NAME} …",
                    f"Printing PDF {out_dir / PDF_NAME} …",
                )
                try:
                    write_pdf(folder / "pilot.html", folder / PDF_NAME)
                except PdfError as exc:
                    message = exc.en if lang == "en" else exc.de
                    note = (
                        f"the site is written: {index}"
                        if lang == "en"
                        else f"Website ist geschrieben: {index}"
                    )
                    raise CliFailure(f"{message} ({note})") from None
    except (SiteError, FolderError) as exc:
        raise CliFailure(exc.en if lang == "en" else exc.de) from None
    took = time.monotonic() - began
    _say(lang, f"Fertig in {took:.1f} s: {index}", f"Done in {took:.1f} s: {index}")
