"""What the CLI's start-up imports, checked in a fresh interpreter (not timed).

`callcenter --help` answered in 1.2 s while it imported the web app, the storage with
SQLAlchemy and the plotting stack to list the commands; these tests keep the lazily loaded
start-up from growing back, and keep the command list complete while it is written by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from callcenter.cli import COMMANDS, SUMMARIES, cli

HEAVY = ("sqlalchemy", "plotly", "aiohttp", "alembic", "numpy", "pydantic", "jinja2")


def _modules_after(argv: list[str]) -> set[str]:
    """Top-level packages loaded by running `callcenter ARGV` in a new interpreter (through
    the installed entry point, which first looks for a control socket)."""
    script = (
        "import json, sys\n"
        "from callcenter.launcher import main\n"
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


# What `state` and `closure add` must not load: none of it is needed to read or change the
# schedule. `holidays.countries` is the package file that imports all ~250 countries (only
# Germany is needed); the evaluation, web, plotting and migration stacks belong to other
# commands. SQLAlchemy, pydantic and `holidays` itself are needed and allowed.
NOT_FOR_SCHEDULE_COMMANDS = (
    "plotly",
    "numpy",
    "scipy",
    "aiohttp",
    "jinja2",
    "alembic",
    "callcenter.evaluation",
    "callcenter.web",
    "callcenter.service",
)
# Not its modules (Germany's is needed), the package file that imports all of them.
ALL_COUNTRIES = "holidays.countries"


def _loaded_by(argv: list[str], data_dir: Path) -> set[str]:
    """Every module name loaded by `callcenter ARGV` in a new interpreter."""
    script = (
        "import json, sys\n"
        "from callcenter.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as ended:\n"
        "    assert not ended.code, ended.code\n"
        "sys.stderr.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    environment = {**os.environ, "CALLCENTER_DATA_DIR": str(data_dir)}
    environment.pop("CALLCENTER_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=environment,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _forbidden(loaded: set[str]) -> list[str]:
    return sorted(
        name
        for name in loaded
        if name == ALL_COUNTRIES
        or any(name == heavy or name.startswith(heavy + ".") for heavy in NOT_FOR_SCHEDULE_COMMANDS)
    )


def test_state_and_closure_add_load_only_what_the_schedule_needs(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    # The first command creates and migrates the database (Alembic): not what is measured.
    _loaded_by(["state"], data_dir)
    state = _loaded_by(["state"], data_dir)
    closure = _loaded_by(
        ["closure", "add", "--team", "auslaender-a", "--from", "2030-01-07", "--note", "Test"],
        data_dir,
    )
    for loaded in (state, closure):
        # The probe sees the modules the commands do need, holidays' Germany among them.
        assert {"sqlalchemy", "callcenter.storage.store", "holidays.countries.germany"} <= loaded
        assert _forbidden(loaded) == []
    assert "callcenter.usecases.prompts" in closure  # closure add re-rendered the prompts
