"""What the CLI's start-up imports, checked in a fresh interpreter (not timed).

`callcenter --help` answered in 1.2 s while it imported the web app, the storage with
SQLAlchemy and the plotting stack to list the commands; these tests keep the lazily loaded
start-up from growing back, and keep the command list complete while it is written by hand.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import click
import pytest

from callcenter.cli import COMMANDS, SUMMARIES, cli

HEAVY = ("sqlalchemy", "plotly", "aiohttp", "alembic", "numpy", "pydantic", "jinja2")


def _modules_after(argv: list[str]) -> set[str]:
    """Top-level packages loaded by running `callcenter ARGV` in a new interpreter."""
    script = (
        "import json, sys\n"
        "from callcenter.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Commands" in done.stdout or "Usage" in done.stdout
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_database_web_or_plotting_library() -> None:
    loaded = _modules_after(["--help"])
    assert "click" in loaded  # the probe sees what was imported
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_every_command_has_a_german_then_english_summary_matching_its_own_help() -> None:
    assert list(SUMMARIES) == list(COMMANDS)
    context = click.Context(cli)
    for name, summary in SUMMARIES.items():
        german, _, english = summary.partition(" / ")
        assert german, name
        assert english, name
        command = cli.get_command(context, name)
        assert command is not None
        assert command.help
        # The hand-written summary names what the command's own help starts with.
        first_word = command.help.split()[0].rstrip(":,.")
        assert summary.startswith(first_word), (name, first_word, summary)


def test_help_output_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with contextlib.suppress(SystemExit):
        cli.main(args=["--help"], prog_name="callcenter")
    out = " ".join(capsys.readouterr().out.split())
    for name, summary in SUMMARIES.items():
        assert f"{name} {summary}" in out, name
