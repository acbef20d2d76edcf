"""The repository stands alone: no file of the project refers to a path outside it.

A clone on someone else's machine has nothing beside it, so a reference to a sibling folder
(such as the one the recordings came from) or to this machine's layout would break its tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The recordings are unmodified bytes; their own notes name the folder they were copied from.
VERBATIM = REPO / "tests" / "fixtures" / "asterisk22"
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "node_modules",
    "build",
    ".callcenter-data",
    "data",
}
TEXT_SUFFIXES = {
    ".py",
    ".toml",
    ".md",
    ".txt",
    ".cfg",
    ".ini",
    ".sh",
    ".html",
    ".js",
    ".css",
    ".conf",
    ".mako",
    ".yml",
    ".yaml",
    ".json",
    ".csv",
    "",
}
# Spelled in parts so that this file does not itself match what it looks for.
SIBLING = "shared"
OUTSIDE = re.compile(
    rf"\.\./{SIBLING}|{SIBLING}/ami-traces|/work/(main|{SIBLING})"
    rf"|\.parent\s*/\s*[\"']{SIBLING}[\"']"
)


def project_files() -> list[Path]:
    found: list[Path] = []
    for path in REPO.rglob("*"):
        relative = path.relative_to(REPO)
        if any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in relative.parts):
            continue
        if path.is_relative_to(VERBATIM) or not path.is_file():
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in {"Makefile", "run"}:
            found.append(path)
    return found


def test_the_scan_sees_the_project() -> None:
    names = {path.relative_to(REPO).as_posix() for path in project_files()}
    assert {"Makefile", "README.md", "pyproject.toml", ".ci/run"} <= names
    assert "tests/unit/ami/ami_traces.py" in names


def test_the_scan_catches_a_reference_outside() -> None:
    assert OUTSIDE.search(f'TRACES = REPO.parent / "{SIBLING}" / "ami-traces"')
    assert OUTSIDE.search(f"see ../{SIBLING}/docs")
    assert not OUTSIDE.search("tests/fixtures/asterisk22/traces")


@pytest.mark.parametrize("path", project_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_reference_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    hits = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not hits, f"{path.relative_to(REPO)} refers outside the repository:\n" + "\n".join(hits)


def test_the_recordings_are_inside() -> None:
    assert (VERBATIM / "PROVENANCE.md").is_file()
    assert len(list((VERBATIM / "traces").glob("*.ami"))) >= 25
