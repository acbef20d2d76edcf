"""The [evaluation] section: defaults as the metrics reference, bounds, and errors that name
the file and the field."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from callcenter.config import ConfigError, EvaluationConfig, load_settings, parse_settings
from callcenter.evaluation.inputs import EvaluationSettings

MINIMAL = """
[[teams]]
id = "team-a"
name_de = "Team A"
hours = ["Mo-Fr 09:00-12:00"]
"""
SOURCE = Path("/etc/callcenter/office.toml")


def _parse(section: str) -> EvaluationSettings:
    settings = parse_settings(MINIMAL + "\n[evaluation]\n" + section, SOURCE)
    return settings.evaluation.to_settings()


def _refused(section: str) -> str:
    with pytest.raises(ConfigError) as refused:
        _parse(section)
    return str(refused.value)


def test_without_the_section_the_evaluation_keeps_its_documented_defaults() -> None:
    settings = parse_settings(MINIMAL, SOURCE)
    assert settings.evaluation.to_settings() == EvaluationSettings()


def test_every_config_field_is_an_evaluation_setting_with_the_same_default() -> None:
    defaults = asdict(EvaluationSettings())
    for name, value in EvaluationConfig().model_dump().items():
        assert defaults[name] == value, name


def test_the_shipped_example_spells_out_the_defaults() -> None:
    settings = load_settings(None, environ={})
    assert "evaluation" in settings.model_fields_set
    assert settings.evaluation.model_fields_set == set(EvaluationConfig.model_fields)
    assert settings.evaluation.to_settings() == EvaluationSettings()


def test_a_section_overrides_only_what_it_names() -> None:
    chosen = _parse(
        "service_level_seconds = 20\n"
        "target_service_level = 0.8\n"
        "exclude_short_abandons = false\n"
        "earliest_window_hour = 8\n"
        "latest_window_hour = 16\n"
        "bootstrap_samples = 200\n"
    )
    expected = EvaluationSettings(
        service_level_seconds=20.0,
        target_service_level=0.8,
        exclude_short_abandons=False,
        earliest_window_hour=8,
        latest_window_hour=16,
        bootstrap_samples=200,
    )
    assert chosen == expected
    assert isinstance(chosen.service_level_seconds, float)


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("service_level_seconds = 0", "service_level_seconds", "greater than 0"),
        ("service_level_seconds = 601", "service_level_seconds", "600"),
        ("short_abandon_seconds = -1", "short_abandon_seconds", "greater than or equal to 0"),
        ("repeat_window_days = 0", "repeat_window_days", "greater than or equal to 1"),
        ("displaced_horizon_days = 91", "displaced_horizon_days", "90"),
        ("wrap_up_seconds = -5", "wrap_up_seconds", "greater than or equal to 0"),
        ("earliest_window_hour = 24", "earliest_window_hour", "23"),
        ("latest_window_hour = 25", "latest_window_hour", "24"),
        ("min_window_hours = 0", "min_window_hours", "greater than or equal to 1"),
        ("bootstrap_samples = 10", "bootstrap_samples", "50"),
        ("target_service_level = 75", "target_service_level", "0.75 für 75 %"),
        ("target_service_level = 1", "target_service_level", "nicht zwischen 0 und 1"),
        ("target_service_level = 0", "target_service_level", "nicht zwischen 0 und 1"),
        ('target_service_level = "75 %"', "target_service_level", "„75 %“: als Anteil"),
        ('target_service_level = "hoch"', "target_service_level", "keine Zahl"),
        ("exclude_short_abandons = 3", "exclude_short_abandons", "boolean"),
        ("service_level = 30", "service_level", "unbekannter Schlüssel"),
    ],
)
def test_a_bad_value_names_file_field_and_problem(line: str, field: str, words: str) -> None:
    message = _refused(line + "\n")
    assert message.startswith(f"{SOURCE}: evaluation.{field}: ")
    assert words in message


def test_earliest_after_latest_names_the_later_field() -> None:
    message = _refused("earliest_window_hour = 18\nlatest_window_hour = 9\n")
    assert message == (
        f"{SOURCE}: evaluation.latest_window_hour: 9 Uhr liegt nicht nach "
        "earliest_window_hour (18 Uhr); das späteste Fensterende muss nach dem frühesten "
        "Beginn liegen"
    )
    # Equal is just as empty a range.
    assert "evaluation.latest_window_hour" in _refused("latest_window_hour = 7\n")


def test_a_minimum_window_longer_than_the_allowed_day_names_its_field() -> None:
    message = _refused("earliest_window_hour = 9\nlatest_window_hour = 12\nmin_window_hours = 4\n")
    assert message == (
        f"{SOURCE}: evaluation.min_window_hours: 4 Stunden passen nicht zwischen "
        "earliest_window_hour (9 Uhr) und latest_window_hour (12 Uhr)"
    )
    assert _parse("earliest_window_hour = 9\nlatest_window_hour = 12\nmin_window_hours = 3\n")


def test_every_problem_of_the_section_is_listed() -> None:
    message = _refused("service_level_seconds = -1\nbootstrap_samples = 1\n")
    lines = message.splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "evaluation.service_level_seconds",
        "evaluation.bootstrap_samples",
    ]
