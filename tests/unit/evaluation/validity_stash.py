"""Where the validity test leaves its results for the terminal summary (conftest.py)."""

from __future__ import annotations

import pytest

from callcenter.evaluation.validity import ScenarioResult

VALIDITY_TABLE = pytest.StashKey[list[ScenarioResult]]()
