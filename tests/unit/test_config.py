"""Configuration: the example loads, and every error names file, key path and problem."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callcenter.config import ConfigError, load_settings, parse_settings
from callcenter.domain.schedule import Reason, State, state_at
from callcenter.holiday_calendar import german_holidays

BERLIN = ZoneInfo("Europe/Berlin")
MINIMAL = """
[[teams]]
id = "team-a"
name_de = "Team A"
hours = ["Mo-Fr 09:00-12:00"]
"""


def test_example_config_loads_with_the_recorded_team_and_three_more() -> None:
    settings = load_settings(None, environ={})
    ids = [team.id for team in settings.teams]
    assert ids[0] == "auslaender-a"
    assert len(ids) == 4
    team_a = settings.teams[0]
    assert team_a.team_lines == ("06151100",)
    assert team_a.direct_lines == ("_0615110XX",)
    assert team_a.queue == "auslaender-a"
    assert settings.switchboard.numbers == ("06151000",)
    assert settings.switchboard.queue == "zentrale"
    assert settings.office.holiday_state == "HE"
    assert settings.ami_secret is None


def test_example_seed_closes_christmas_eve_by_closure_not_by_holiday() -> None:
    settings = load_settings(None, environ={})
    office = settings.office_seed(german_holidays("HE"))
    assert german_holidays("HE").get(date(2026, 12, 24)) is None
    at = datetime(2026, 12, 24, 10, tzinfo=BERLIN)
    for team in office.team_ids:
        current = state_at(office.schedule_for(team), at)
        assert (current.state, current.reason) == (State.CLOSED, Reason.CLOSURE)


def test_secret_comes_from_the_named_environment_variable() -> None:
    text = MINIMAL + '\n[ami]\nsecret_env = "MY_SECRET"\n'
    settings = parse_settings(text, Path("office.toml"), environ={"MY_SECRET": "s3cret"})
    assert settings.ami_secret is not None
    assert settings.ami_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


def test_secret_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "ami.secret"
    secret.write_text("from-file\n")
    text = MINIMAL + f'\n[ami]\nsecret_file = "{secret}"\n'
    settings = parse_settings(text, Path("office.toml"), environ={})
    assert settings.ami_secret is not None
    assert settings.ami_secret.get_secret_value() == "from-file"


def test_secret_in_toml_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"office\.toml: ami\.secret: das AMI-Passwort"):
        parse_settings(MINIMAL + '\n[ami]\nsecret = "x"\n', Path("office.toml"), environ={})


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('[office]\ntimezone = "Mars/Olympus"\n', r"office\.timezone: unbekannte Zeitzone"),
        ('[office]\nholiday_state = "XX"\n', r"office\.holiday_state: unbekanntes Bundesland"),
        ("[ami]\nport = 70000\n", r"ami\.port: "),
        ('[office]\ncolour = "blue"\n', r"office\.colour: unbekannter Schlüssel"),
    ],
    ids=["timezone", "holiday-state", "port", "typo"],
)
def test_invalid_values_name_file_key_and_problem(extra: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=r"^office\.toml: " + expected):
        parse_settings(extra + MINIMAL, Path("office.toml"), environ={})


def test_invalid_team_id_names_the_team_entry() -> None:
    text = '[[teams]]\nid = "Team A!"\nname_de = "A"\n'
    with pytest.raises(ConfigError, match=r"office\.toml: teams\[0\] \(Team A!\)\.id: "):
        parse_settings(text, Path("office.toml"), environ={})


def test_missing_team_name_is_reported() -> None:
    with pytest.raises(ConfigError, match=r"teams\[0\] \(x\)\.name_de: Pflichtangabe fehlt"):
        parse_settings('[[teams]]\nid = "x"\n', Path("office.toml"), environ={})


def test_broken_toml_names_the_file() -> None:
    with pytest.raises(ConfigError, match=r"^office\.toml: kein gültiges TOML"):
        parse_settings("[[teams]\n", Path("office.toml"), environ={})


def test_schedule_errors_in_the_seed_name_the_key_path() -> None:
    text = MINIMAL.replace('"Mo-Fr 09:00-12:00"', '"Mo-Fr 09:00-12:00", "Mi 11:00-13:00"')
    settings = parse_settings(text, Path("office.toml"), environ={})
    with pytest.raises(
        ConfigError,
        match=r"office\.toml: Team „team-a“, Mittwoch: Fenster "
        r"09:00–12:00 und 11:00–13:00 überschneiden sich",
    ):
        settings.office_seed(german_holidays("HE"))


def test_bad_time_in_hours_names_the_entry() -> None:
    text = MINIMAL.replace('"Mo-Fr 09:00-12:00"', '"Mo-Fr 9-12"')
    settings = parse_settings(text, Path("office.toml"), environ={})
    with pytest.raises(
        ConfigError,
        match=r"teams\[0\] \(team-a\)\.hours\[0\]: „9“ ist keine "
        r"Uhrzeit",
    ):
        settings.office_seed(german_holidays("HE"))


def test_data_dir_override_and_default_sqlite_url(tmp_path: Path) -> None:
    settings = parse_settings(MINIMAL, Path("office.toml"), environ={}, data_dir=tmp_path)
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'callcenter.sqlite3'}"
    assert settings.key_file == tmp_path / "pseudonym.key"


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nicht lesbar"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_the_old_name_of_the_reason_switch_is_still_read() -> None:
    old = parse_settings(
        MINIMAL + "\n[prompts]\ninclude_closure_note = false\n", Path("office.toml"), environ={}
    )
    assert old.prompts.speak_public_reason is False
    new = parse_settings(MINIMAL, Path("office.toml"), environ={})
    assert new.prompts.speak_public_reason is True


def test_a_seeded_closure_keeps_its_public_reason_apart_from_its_note() -> None:
    text = MINIMAL + (
        '\n[[closures]]\nfirst_day = 2026-12-24\nnote = "Frau X krank"\n'
        'public_reason = "organisational"\n'
    )
    settings = parse_settings(text, Path("office.toml"), environ={})
    (closure,) = settings.office_seed(german_holidays("HE")).closures
    assert (closure.note, closure.public_reason) == ("Frau X krank", "organisational")
