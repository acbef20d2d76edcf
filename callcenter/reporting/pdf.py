"""The printable PDF of a site page, made by Debian's headless chromium.

Chromium renders the page exactly as a browser does, plotly charts included, and applies the
print stylesheet; a separate PDF layout would drift from the site. The charts are drawn by
scripts after the page loads, so chromium gets a virtual-time budget to finish them before it
prints. A throwaway profile directory keeps runs independent of each other and of any user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from callcenter.domain.errors import CallcenterError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120.0
SCRIPT_BUDGET_MS = 20_000


class PdfError(CallcenterError):
    """The PDF could not be made (message in German and English)."""

    kind = "unavailable"


def find_chromium(explicit: str | None = None) -> str:
    """The chromium executable: the given path, else the first of CHROMIUM_NAMES on PATH."""
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise PdfError(
            f"{explicit}: kein ausführbares chromium",
            f"{explicit}: not an executable chromium",
        )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(
        "chromium fehlt – für das PDF `apt-get install chromium` (oder `make install`); "
        "ohne PDF: --no-pdf",
        "chromium is missing – install it for the PDF with `apt-get install chromium` "
        "(or `make install`); without a PDF: --no-pdf",
    )


def chromium_command(chromium: str, html_path: Path, pdf_path: Path, profile: Path) -> list[str]:
    return [
        chromium,
        "--headless",
        "--no-sandbox",  # root and containers have no user namespaces for the sandbox
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        # A4 minus the print margins is about 700 CSS pixels: charts sized for it fit the page.
        "--window-size=700,1000",
        # The site is offline by design; refusing every host name makes that hold for the PDF.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]


def write_pdf(
    html_path: Path | str,
    pdf_path: Path | str,
    *,
    chromium: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Path:
    """Print `html_path` (a page of the written site) to `pdf_path`; returns the PDF's path."""
    page = Path(html_path)
    target = Path(pdf_path)
    if not page.is_file():
        raise PdfError(f"{page}: Seite fehlt", f"{page}: page is missing")
    executable = find_chromium(chromium)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="callcenter-chromium-") as profile:
        command = chromium_command(executable, page, partial, Path(profile))
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PdfError(
                f"{target}: chromium hat nach {timeout:.0f} s kein PDF erzeugt",
                f"{target}: chromium produced no PDF within {timeout:.0f} s",
            ) from None
    if result.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        detail = _last_line(result.stderr) or f"exit {result.returncode}"
        raise PdfError(
            f"{target}: chromium konnte kein PDF erzeugen ({detail})",
            f"{target}: chromium could not produce the PDF ({detail})",
        )
    # Written under a temporary name and renamed, so a reader never sees half a PDF.
    partial.replace(target)
    return target


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
