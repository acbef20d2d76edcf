"""FolderFiles: the site as files in memory, written by the CLI or sent by the service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callcenter.reporting.folder import FolderError, FolderFiles, safe_name

SITE = FolderFiles(
    (("index.html", b"<p>\xc3\xa4</p>"), ("en/team-a.html", b"\x00\xff binary is fine")),
    stale=("team-*.html",),
)


def test_files_survive_the_trip_through_json() -> None:
    sent = json.loads(json.dumps(SITE.to_json()))
    assert FolderFiles.from_json(sent) == SITE


@pytest.mark.parametrize(
    "name", ["", "/etc/passwd", "../up.html", "a/../../up.html", "a//b.html", "./a.html", "a\\b"]
)
def test_a_name_that_could_leave_the_folder_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="file name"):
        safe_name(name)
    with pytest.raises(ValueError, match="file name"):
        FolderFiles.from_json({"files": [[name, ""]]})


@pytest.mark.parametrize("pattern", ["*", "*.html", "../team-*.html", "team-*"])
def test_only_page_patterns_may_remove_files(pattern: str) -> None:
    with pytest.raises(ValueError, match="stale"):
        FolderFiles.from_json({"files": [], "stale": [pattern]})


def test_a_copy_needs_an_absolute_source() -> None:
    with pytest.raises(ValueError, match="absolute"):
        FolderFiles.from_json({"copies": [["assets/plotly.min.js", "plotly.min.js"]]})


def test_stale_pages_go_only_where_pages_are_written(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "en" / "team-gone.html").write_text("old", "utf-8")
    (tmp_path / "en" / "team-a.html").write_text("old", "utf-8")
    (tmp_path / "other" / "team-x.html").write_text("not the site's folder", "utf-8")
    (tmp_path / "en" / "notes.txt").write_text("the user's", "utf-8")
    written = SITE.write_into(tmp_path)
    assert written == [tmp_path / "index.html", tmp_path / "en" / "team-a.html"]
    assert (tmp_path / "en" / "team-a.html").read_bytes() == b"\x00\xff binary is fine"
    assert not (tmp_path / "en" / "team-gone.html").exists()
    assert (tmp_path / "other" / "team-x.html").exists()
    assert (tmp_path / "en" / "notes.txt").exists()


def test_a_large_asset_is_copied_only_when_it_differs(tmp_path: Path) -> None:
    source = tmp_path / "plotly.min.js"
    source.write_bytes(b"x" * 100)
    site = FolderFiles((), (("assets/plotly.min.js", str(source)),))
    out = tmp_path / "site"
    site.write_into(out)
    copied = out / "assets" / "plotly.min.js"
    assert copied.read_bytes() == b"x" * 100
    copied.write_bytes(b"y" * 100)  # same size: taken as the same file, left alone
    site.write_into(out)
    assert copied.read_bytes() == b"y" * 100
    source.write_bytes(b"z" * 120)  # another plotly version: copied again
    site.write_into(out)
    assert copied.read_bytes() == b"z" * 120


def test_a_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    with pytest.raises(FolderError, match="kann nicht angelegt werden") as failed:
        SITE.write_into(blocker / "site")
    assert "cannot create the directory" in failed.value.en
    assert str(blocker / "site") in failed.value.de
