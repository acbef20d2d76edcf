"""Custom device states behind BLF hints, as Asterisk 22 keeps them (recordings 025/025b).

`Setvar DEVICE_STATE(Custom:<name>)` stores the value raw in AstDB `CustomDevstate/<name>`
and, only when the state changes (surprise 1), emits `ExtensionStatus` for a hint on the
device (bitmask `Status`, surprise 3) and `DeviceStateChange`. `UNKNOWN`, an empty or an
unknown value and any non-`Custom:` device are refused with `Variable not set`; Getvar
answers `UNKNOWN` for a never-set custom device and `INVALID` for a non-custom one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callcenter.simulator.astdb import AstDb

FAMILY = "CustomDevstate"
HINTS_CONTEXT = "callhours-hints"
# Device-state word -> ExtensionStatus (Status, StatusText), README-025's table.
EXTENSION_STATUS: dict[str, tuple[int, str]] = {
    "NOT_INUSE": (0, "Idle"),
    "INUSE": (1, "InUse"),
    "BUSY": (2, "Busy"),
    "UNAVAILABLE": (4, "Unavailable"),
    "INVALID": (4, "Unavailable"),
    "RINGING": (8, "Ringing"),
    "RINGINUSE": (9, "InUse&Ringing"),
    "ONHOLD": (16, "Hold"),
}
_PREFIX = "Custom:"

Header = tuple[str, str]


@dataclass(frozen=True)
class Change:
    """What one Setvar emits, in the order Asterisk mostly sent it (surprise 2)."""

    events: tuple[tuple[str, tuple[Header, ...]], ...]


class DeviceStates:
    def __init__(self, db: AstDb, hinted_teams: Iterable[str]) -> None:
        self._db = db
        # device -> hint extension (`team-<team>` in [callhours-hints])
        self.hints = {f"{_PREFIX}callhours-{team}": f"team-{team}" for team in hinted_teams}
        self._hint_devices = {exten: device for device, exten in self.hints.items()}

    def get(self, device: str) -> str:
        if not device.startswith(_PREFIX):
            return "INVALID"
        name = device.removeprefix(_PREFIX)
        value = self._db.get(FAMILY, name) if name else None
        return value.upper() if value else "UNKNOWN"

    def _hint_device(self, exten: str, context: str) -> str | None:
        """The device behind the hint `exten@context`, None if there is no such hint."""
        return self._hint_devices.get(exten) if context == HINTS_CONTEXT else None

    def hint_status(self, exten: str, context: str) -> tuple[str, int, str]:
        """(hint device, Status, StatusText) of AMI `ExtensionState`; a missing hint is
        `Success` with an empty Hint, -1, `Unknown` (README-025 surprise 8)."""
        device = self._hint_device(exten, context)
        if device is None:
            return "", -1, "Unknown"
        return device, *self.device_status(device)

    def device_status(self, device: str) -> tuple[int, str]:
        """(Status, StatusText) of a hint on `device`."""
        return EXTENSION_STATUS.get(self.get(device), (0, "Idle"))  # never set: Idle (surprise 7)

    def custom_devices(self) -> list[tuple[str, str]]:
        """(device, state) of every custom device set so far: AstDB `CustomDevstate`, which
        Asterisk re-reads at start, so the states survive a restart (surprise 12)."""
        out = []
        for path, value in self._db.tree(FAMILY):
            out.append((f"{_PREFIX}{path.rsplit('/', 1)[1]}", value.upper()))
        return out

    def extension_state(self, exten: str, context: str) -> str | None:
        """`EXTENSION_STATE()` of a hint in device-state words (025: `NOT_INUSE`, not
        `Idle`); a never-set device reads as idle there. None: no such hint."""
        device = self._hint_device(exten, context)
        if device is None:
            return None
        state = self.get(device)
        return {"UNKNOWN": "NOT_INUSE", "INVALID": "UNAVAILABLE"}.get(state, state)

    def set(self, device: str, value: str) -> Change | None:
        """None: refused (`Variable not set`); otherwise the events to send (maybe none)."""
        name = device.removeprefix(_PREFIX)
        state = value.upper()
        if not device.startswith(_PREFIX) or not name or state not in EXTENSION_STATUS:
            return None
        before = self.get(device)
        self._db.put(FAMILY, name, value)  # stored raw: `inuse` stays `inuse` (surprise 6)
        if before == state:
            return Change(())
        events: list[tuple[str, tuple[Header, ...]]] = []
        exten = self.hints.get(device)
        if exten is not None:
            status, text = EXTENSION_STATUS[state]
            events.append(
                (
                    "ExtensionStatus",
                    (
                        ("Exten", exten),
                        ("Context", HINTS_CONTEXT),
                        ("Hint", device),
                        ("Status", str(status)),
                        ("StatusText", text),
                    ),
                )
            )
        events.append(("DeviceStateChange", (("Device", device), ("State", state))))
        return Change(tuple(events))
