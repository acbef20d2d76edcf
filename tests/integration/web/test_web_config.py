"""The [web] section of the configuration: defaults, validation naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.config import ConfigError, example_config_text, parse_settings


def test_the_example_web_section_is_valid_and_documented() -> None:
    settings = parse_settings(example_config_text(), Path("x.toml"), environ={})
    assert settings.web.login_attempts == 5
    assert settings.web.login_window_minutes == 15
    assert settings.web.base_url == ""
    assert "Weboberfläche" in example_config_text()


@pytest.mark.parametrize(
    ("line", "key", "problem"),
    [
        ('base_url = "sprechzeiten.behoerde.de"', "web.base_url", "http:// oder https://"),
        ("session_minutes = 1", "web.session_minutes", "greater than or equal to 5"),
        ("login_attempts = 0", "web.login_attempts", "greater than or equal to 1"),
        ('secure_cookies = "sometimes"', "web.secure_cookies", ""),
        ("colour = 1", "web.colour", "unbekannter Schlüssel"),
    ],
)
def test_bad_web_settings_name_the_key(line: str, key: str, problem: str) -> None:
    # The example sets these keys already; a second assignment would be a TOML error.
    name = line.split(" = ")[0]
    text = example_config_text()
    lines = [x for x in text.splitlines() if not x.startswith(f"{name} = ")]
    text = "\n".join(lines).replace("[web]\n", f"[web]\n{line}\n", 1)
    with pytest.raises(ConfigError) as raised:
        parse_settings(text, Path("office.toml"), environ={})
    assert f"office.toml: {key}" in str(raised.value)
    assert problem in str(raised.value)


def test_secure_cookies_may_be_forced() -> None:
    text = example_config_text().replace('secure_cookies = "auto"', "secure_cookies = true")
    settings = parse_settings(text, Path("x.toml"), environ={})
    assert settings.web.secure_cookies is True
    base = example_config_text().replace('base_url = ""', 'base_url = "https://x.example/"')
    assert parse_settings(base, Path("x.toml"), environ={}).web.base_url == "https://x.example"
