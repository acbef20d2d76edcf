"""The pilot evaluation printed to PDF by Debian's headless chromium."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from unit.reporting.report_fixture import build_report

from callcenter.reporting.pdf import PdfError, find_chromium, write_pdf
from callcenter.reporting.site import write_site


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def drawing_operators(data: bytes) -> int:
    """Line and fill operators in the PDF's content streams: charts are vector drawings."""
    count = 0
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        count += len(re.findall(rb"\s(?:l|re|c)\s", content))
    return count


def test_pilot_page_becomes_a_pdf_with_pages_and_drawn_charts(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(build_report(), site)
    target = write_pdf(site / "pilot.html", tmp_path / "out" / "pilot.pdf")
    data = target.read_bytes()
    assert target == tmp_path / "out" / "pilot.pdf"
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) >= 1
    # A page without its charts has a few dozen lines (table rules); the charts add hundreds.
    assert drawing_operators(data) > 300
    assert not (tmp_path / "out" / "pilot.pdf.part").exists()


def test_a_missing_page_and_a_missing_chromium_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PdfError, match="Seite fehlt"):
        write_pdf(tmp_path / "nowhere.html", tmp_path / "x.pdf")
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(PdfError, match="kein ausführbares chromium") as explicit:
        write_pdf(page, tmp_path / "x.pdf", chromium=str(tmp_path / "no-chromium"))
    assert "not an executable chromium" in explicit.value.en
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without any chromium
    with pytest.raises(PdfError) as missing:
        find_chromium()
    assert "chromium fehlt" in missing.value.de
    assert "apt-get install chromium" in missing.value.de
    assert "--no-pdf" in missing.value.en
    assert not (tmp_path / "x.pdf").exists()


def test_a_chromium_that_fails_leaves_no_half_pdf(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    with pytest.raises(PdfError, match="cannot open display"):
        write_pdf(page, tmp_path / "x.pdf", chromium=str(fake))
    assert list(tmp_path.glob("x.pdf*")) == []
