"""The CLI run in-process as an admin, on a fresh data directory per test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from callcenter.cli import main
from callcenter.cli.context import CliContext


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli_now() -> datetime | None:
    """The CLI's `now`; None: the real clock. A test module overrides it to pin the time."""
    return None


@pytest.fixture
def cli(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    cli_now: datetime | None,
) -> Callable[..., Run]:
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))
    if cli_now is not None:
        monkeypatch.setattr(CliContext, "now", lambda self: cli_now)

    def run(*args: str) -> Run:
        with pytest.raises(SystemExit) as ended:
            main(["--actor", "test:admin", *args])
        captured = capsys.readouterr()
        code = ended.value.code if isinstance(ended.value.code, int) else 0
        return Run(code, captured.out, captured.err)

    return run
