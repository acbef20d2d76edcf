"""The CLI finds the control socket with tomllib alone; it must find the one the service
(with the full pydantic configuration) listens on, or the fast path silently never runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.config import example_config_text, load_settings
from callcenter.control.socket_path import resolve_socket, socket_file


def _served(config: Path | None, environ: dict[str, str], flag: str | None) -> Path | None:
    """Where `serve` with these options listens (as the CLI options reach load_settings)."""
    given = flag or environ.get("CALLCENTER_DATA_DIR") or None
    settings = load_settings(config, environ=environ, data_dir=Path(given) if given else None)
    return socket_file(settings.data_dir, settings.service.control_socket)


def _config(tmp_path: Path, office: str, service: str) -> Path:
    text = example_config_text()
    text = text.replace('data_dir = "~/.local/share/callcenter"', office)
    text = text.replace('control_socket = "control.sock"', service)
    path = tmp_path / "office.toml"
    path.write_text(text, "utf-8")
    return path


CASES = [
    # (office.data_dir line, [service] line, CALLCENTER_DATA_DIR, --data-dir)
    ('data_dir = "~/.local/share/callcenter"', 'control_socket = "control.sock"', None, None),
    ('data_dir = "/srv/callcenter"', 'control_socket = "control.sock"', None, None),
    ('data_dir = "/srv/callcenter"', 'control_socket = "run/ctl.sock"', "/var/lib/cc", None),
    ('data_dir = "/srv/callcenter"', 'control_socket = "/run/callcenter.sock"', None, "/x"),
    ('data_dir = "/srv/callcenter"', 'control_socket = ""', None, None),
    ("# no data_dir", "# no control_socket", None, None),
    ('data_dir = "relative/data"', 'control_socket = "~/cc.sock"', "/env", "/flag"),
]


@pytest.mark.parametrize(("office", "service", "env_dir", "flag"), CASES)
def test_the_cli_finds_the_socket_the_configured_service_listens_on(
    tmp_path: Path, office: str, service: str, env_dir: str | None, flag: str | None
) -> None:
    config = _config(tmp_path, office, service)
    environ = {"CALLCENTER_DATA_DIR": env_dir} if env_dir else {}
    assert resolve_socket(str(config), flag, environ) == _served(config, environ, flag)


@pytest.mark.parametrize(
    ("environ", "flag"),
    [
        ({}, None),
        ({"CALLCENTER_DATA_DIR": "/env/dir"}, None),
        ({"CALLCENTER_DATA_DIR": "/e"}, "/f"),
    ],
)
def test_the_packaged_example_with_environment_and_flag_overrides(
    environ: dict[str, str], flag: str | None
) -> None:
    found = resolve_socket(None, flag, environ)
    assert found == _served(None, environ, flag)
    assert found is not None
    assert found.name == "control.sock"


def test_the_config_named_in_the_environment_is_read(tmp_path: Path) -> None:
    config = _config(tmp_path, 'data_dir = "/srv/from-env"', 'control_socket = "c.sock"')
    found = resolve_socket(None, None, {"CALLCENTER_CONFIG": str(config)})
    assert found == Path("/srv/from-env/c.sock")


def test_an_unreadable_configuration_leaves_it_to_the_direct_path(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[office\n", "utf-8")
    assert resolve_socket(str(broken), None, {}) is None
    assert resolve_socket(str(tmp_path / "missing.toml"), None, {}) is None
