"""The real example office (Hessen holidays, Europe/Berlin) and its announcement templates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.config import Settings, load_settings
from callcenter.domain.schedule import Office
from callcenter.holiday_calendar import german_holidays
from callcenter.prompts.template import PromptTemplate
from callcenter.prompts.templates import load_templates
from callcenter.prompts.text import Contact

TZ = ZoneInfo("Europe/Berlin")
# A Saturday: every team is closed; team A opens next on Monday at 9.
NOW = datetime(2026, 3, 14, 10, 0, tzinfo=TZ)
TEAM = "auslaender-a"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(None, environ={})


@pytest.fixture(scope="session")
def office(settings: Settings) -> Office:
    return settings.office_seed(german_holidays("HE"))


@pytest.fixture(scope="session")
def contact(settings: Settings) -> Contact:
    return Contact(settings.office.appointment_url, settings.office.contact_email)


@pytest.fixture(scope="session")
def templates() -> dict[str, PromptTemplate]:
    return load_templates()
