"""Prints the validity table at the end of any run that computed it (with or without -s)."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    from validity_stash import VALIDITY_TABLE

    from callcenter.evaluation.validity import table

    results = config.stash.get(VALIDITY_TABLE, None)
    if results:
        terminalreporter.section("validity of the pilot intervals (coverage / clear, %)")
        terminalreporter.write_line(table(results))
