"""Where the control socket lies, worked out without pydantic (the client's whole point).

The same precedence as `callcenter.config` and the CLI options: `--data-dir`, then
`CALLCENTER_DATA_DIR`, then `office.data_dir` of the configuration (`--config`,
`CALLCENTER_CONFIG`, else the packaged example); the socket is `[service] control_socket`,
relative to the data directory. A test holds this to the full configuration's answer.
The request names the configuration file too (`config_identity`): the data directory finds
the service, but only the same file makes it the service for this command.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "callcenter.example.toml"
# As callcenter.config.OfficeSettings.data_dir and ServiceSettings.control_socket default.
DEFAULT_DATA_DIR = "~/.local/share/callcenter"
DEFAULT_SOCKET = "control.sock"


def socket_file(data_dir: Path, setting: str) -> Path | None:
    """The socket for a data directory and `[service] control_socket`; None: turned off."""
    if not setting.strip():
        return None
    path = Path(setting).expanduser()
    if not path.is_absolute():
        path = data_dir.expanduser() / path
    return path


def _given(value: str | None) -> str | None:
    # click ignores an empty environment variable; so does this.
    return value or None


def given_config(config: str | None, environ: Mapping[str, str]) -> str | None:
    """The configuration file for `--config` and the environment, as click decides it;
    None: the packaged example."""
    return _given(config) or _given(environ.get("CALLCENTER_CONFIG"))


def config_identity(config: str | None) -> str | None:
    """How a request names its configuration file and the service compares it with its own:
    resolved, since caller and service have working directories of their own; None: the
    packaged example."""
    return str(Path(config).resolve()) if config else None


def resolve_socket(
    config: str | None, data_dir: str | None, environ: Mapping[str, str]
) -> Path | None:
    """The socket the service for these options listens on; None if the configuration
    cannot be read here (the direct path then reports the problem)."""
    config_path = given_config(config, environ)
    try:
        text = Path(config_path or EXAMPLE_CONFIG).read_text("utf-8")
        raw = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    office, service = raw.get("office", {}), raw.get("service", {})
    if not isinstance(office, dict) or not isinstance(service, dict):
        return None
    directory = (
        _given(data_dir)
        or _given(environ.get("CALLCENTER_DATA_DIR"))
        or office.get("data_dir", DEFAULT_DATA_DIR)
    )
    setting = service.get("control_socket", DEFAULT_SOCKET)
    if not isinstance(directory, str) or not isinstance(setting, str):
        return None
    return socket_file(Path(directory), setting)
