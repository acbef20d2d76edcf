"""German public holidays from the `holidays` package, as the domain's HolidayCalendar."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType

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
    calendar: HolidayCalendar = _germany_module().Germany(subdiv=code, language="de")
    return calendar


_GERMANY = "holidays.countries.germany"
_loading = threading.Lock()


def _germany_module() -> ModuleType:
    """`holidays.countries.germany` without running `holidays/countries/__init__.py`.

    That package file imports all ~250 countries: ≈50–100 ms of every CLI command that
    computes a state. The module itself imports only `holidays`' shared parts, so it is
    executed here under its own name and registered in sys.modules: a later ordinary import
    of `holidays.countries` finds it there and reuses the same module and class. Where the
    package's layout differs from that, the ordinary import is used.
    """
    with _loading:  # web handlers call this from worker threads: execute the module once
        loaded = sys.modules.get(_GERMANY)
        if loaded is not None:
            return loaded
        import holidays  # the package root (calendars, base classes), not the countries

        path = Path(holidays.__path__[0]) / "countries" / "germany.py"
        spec = importlib.util.spec_from_file_location(_GERMANY, path)
        if (
            spec is None
            or spec.loader is None
            or not path.is_file()
            or "holidays.countries" in sys.modules
        ):
            return importlib.import_module(_GERMANY)
        module = importlib.util.module_from_spec(spec)
        sys.modules[_GERMANY] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[_GERMANY]
            raise
        return module
