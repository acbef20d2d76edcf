"""German holidays loaded without the `holidays` package's all-countries module (not timed).

`german_holidays` executes `holidays/countries/germany.py` on its own so that a CLI command
does not import ~250 countries; these checks run in a fresh interpreter, where nothing else
has imported `holidays.countries` yet.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from datetime import date
from callcenter.holiday_calendar import german_holidays

calendar = german_holidays("BY")
alone = "holidays.countries" in sys.modules
for year in (2026, 2027):
    date(year, 1, 1) in calendar
ours = {d.isoformat(): n for d, n in calendar.items() if d.year in (2026, 2027)}

import holidays
import holidays.countries

reference = holidays.country_holidays("DE", subdiv="BY", language="de", years=[2026, 2027])
print(json.dumps({
    "loaded_all_countries": alone,
    "same": ours == {d.isoformat(): n for d, n in reference.items()},
    "count": len(ours),
    "same_class": holidays.countries.Germany is type(calendar),
    "again_same_class": type(german_holidays("HE")) is type(calendar),
}))
"""


def test_german_holidays_match_the_registry_and_stay_one_class() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "loaded_all_countries": False,
        "same": True,
        "count": result["count"],
        "same_class": True,
        "again_same_class": True,
    }
    # Not an empty comparison: Bavaria has a dozen state-wide holidays a year.
    assert result["count"] >= 2 * 10
