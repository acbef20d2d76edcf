"""German public holidays from the `holidays` package, as the domain's HolidayCalendar."""

from __future__ import annotations

from holidays.countries.germany import Germany

from callcenter.domain.errors import CallcenterError
from callcenter.domain.schedule import HolidayCalendar

GERMAN_STATES: dict[str, str] = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}


class UnknownHolidayState(CallcenterError, ValueError):
    code = "unknown_state"
    default_field = "state"

    def __init__(self, state: str) -> None:
        known = ", ".join(f"{code} ({name})" for code, name in GERMAN_STATES.items())
        super().__init__(
            f"unbekanntes Bundesland „{state}“ für Feiertage; erlaubt: {known}",
            f"unknown German state '{state}' for public holidays; allowed: {known}",
        )


def german_holidays(state: str) -> HolidayCalendar:
    """Holidays of Germany and the given state (e.g. 'HE'), names in German."""
    code = state.strip().upper()
    if code not in GERMAN_STATES:
        raise UnknownHolidayState(state)
    # The country class itself, not `holidays.country_holidays("DE")`: the registry behind
    # that imports every country's module, a tenth of a second of every CLI command.
    calendar: HolidayCalendar = Germany(subdiv=code, language="de")
    return calendar
