"""AMI actions of the simulated Asterisk: each returns the bytes Asterisk 22 answered.

Texts come from the traces (015 for DB*, Ping, Command, CoreShowChannels, unknown
actions; 002 QueuePause/Hangup; 012 BlindTransfer; 016 Redirect; 001 Originate).
Answers with no recording are marked SYNTHESISED (written from manager.c's texts).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from callcenter.simulator.devstate import HINTS_CONTEXT
from callcenter.simulator.engine import SimulatedPbx
from callcenter.simulator.wire import (
    Header,
    encode_frame,
    list_complete,
    list_item,
    list_start,
    message,
    response,
    stamp,
)

Fields = dict[str, str]
_CALLER_ID = re.compile(r'^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$')
_LOCAL_FROM_PSTN = re.compile(r"^Local/([^@]+)@from-pstn$")
_LOCAL_ANY = re.compile(r"^Local/([^@]+)@([A-Za-z0-9_-]+)$")


def _device_state_arg(variable: str) -> str | None:
    """`DEVICE_STATE(Custom:x)` -> `Custom:x`; None for any other variable."""
    if variable.startswith("DEVICE_STATE(") and variable.endswith(")"):
        return variable[len("DEVICE_STATE(") : -1]
    return None


def _extension_state_arg(variable: str) -> tuple[str, str] | None:
    """`EXTENSION_STATE(exten@context)` -> (exten, context); None for any other variable."""
    if variable.startswith("EXTENSION_STATE(") and variable.endswith(")"):
        exten, _, context = variable[len("EXTENSION_STATE(") : -1].partition("@")
        return exten, context or "default"
    return None


def _callout_fields(fields: Fields) -> tuple[str, str, float]:
    """(CallerID name, number, Timeout in seconds) of a callback Originate; a missing or
    unreadable Timeout is manager.c's default of 30000 ms."""
    caller = _CALLER_ID.match(fields.get("CallerID", ""))
    name, number = (caller.group(1), caller.group(2)) if caller else ("", "")
    try:
        timeout = int(fields.get("Timeout", "30000") or "30000") / 1000
    except ValueError:
        timeout = 30.0
    return name, number, timeout


def _duration(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class ActionHandler:
    """Answers one logged-in session's actions against the simulated PBX."""

    def __init__(self, pbx: SimulatedPbx, broadcast: Callable[[str, str, list[Header]], None]):
        self.pbx = pbx
        self.broadcast = broadcast  # (event name, privilege, fields) to every session
        # Work to do once the response is on the wire (Originate's events follow its answer).
        self.after_response: Callable[[], None] | None = None

    def handle(self, name: str, fields: Fields, action_id: str | None) -> bytes | None:
        self.after_response = None
        method = getattr(self, f"_{name.lower()}", None)
        if method is None:
            return None
        result: bytes | None = method(fields, action_id)
        return result

    # -- AstDB -----------------------------------------------------------------------------

    def _ping(self, _fields: Fields, aid: str | None) -> bytes:
        return response(
            aid, "Success", (("Ping", "Pong"), ("Timestamp", stamp(self.pbx.clock.time())))
        )

    def _dbput(self, fields: Fields, aid: str | None) -> bytes:
        family, key = fields.get("Family", ""), fields.get("Key", "")
        if not family or not key:
            return message(
                aid, "No family specified" if not family else "No key specified", "Error"
            )
        self.pbx.db.put(family, key, fields.get("Val", ""))
        return message(aid, "Updated database successfully")

    def _dbget(self, fields: Fields, aid: str | None) -> bytes:
        family, key = fields.get("Family", ""), fields.get("Key", "")
        value = self.pbx.db.get(family, key)
        if value is None:
            return message(aid, "Database entry not found", "Error")
        item: list[Header] = [("Event", "DBGetResponse"), ("Family", family), ("Key", key)]
        item.append(("Val", value))
        if aid is not None:
            item.append(("ActionID", aid))  # 015: ActionID comes last in the list item
        return (
            list_start(aid, "Result will follow")
            + encode_frame(item)
            + list_complete("DBGetComplete", aid, 1)
        )

    def _dbdel(self, fields: Fields, aid: str | None) -> bytes:
        if not self.pbx.db.delete(fields.get("Family", ""), fields.get("Key", "")):
            return message(aid, "Database entry not found", "Error")
        return message(aid, "Key deleted successfully")

    def _dbdeltree(self, fields: Fields, aid: str | None) -> bytes:
        # SYNTHESISED (manager.c action_dbdeltree).
        family = fields.get("Family", "")
        rows = self.pbx.db.tree(family)
        if not rows:
            return message(aid, "Database entry not found", "Error")
        for path, _value in rows:
            _, fam, key = path.split("/", 2)
            self.pbx.db.delete(fam, key)
        return message(aid, "Key tree deleted successfully")

    def _dbgettree(self, fields: Fields, aid: str | None) -> bytes:
        rows = self.pbx.db.tree(fields.get("Family", ""))
        if not rows:
            return message(aid, "Database entry not found", "Error")
        out = list_start(aid, "Result will follow")
        for path, value in rows:
            item: list[Header] = [("Event", "DBGetTreeResponse"), ("Key", path), ("Val", value)]
            if aid is not None:
                item.append(("ActionID", aid))
            out += encode_frame(item)
        return out + list_complete("DBGetTreeComplete", aid, len(rows))

    # -- CLI commands ------------------------------------------------------------------------

    def _command(self, fields: Fields, aid: str | None) -> bytes:
        words = fields.get("Command", "").split()
        if words[:2] == ["dialplan", "reload"]:
            self.pbx.reload_dialplan()
            out = ["Dialplan reloaded."]
            stale = str(int(self.pbx.model.stale_after))
            # 015: the reload re-sets the [globals], visible as a channel-less VarSet.
            self.broadcast(
                "VarSet",
                "dialplan,all",
                [
                    ("Channel", "none"),
                    ("Uniqueid", "none"),
                    ("Variable", "CALLHOURS_STALE"),
                    ("Value", stale),
                ],
            )
            return self._output(aid, out)
        if words[:2] == ["database", "show"]:
            family = "/".join(words[2:]) if len(words) > 2 else ""
            return self._output(aid, self.pbx.db.show(family))
        # SYNTHESISED: the CLI's answer to a command it does not know.
        text = " ".join(words)
        return self._output(
            aid, [f"No such command '{text}' (type 'core show help {text}' for other help)"]
        )

    def _output(self, aid: str | None, lines: list[str]) -> bytes:
        fields: list[Header] = [("Message", "Command output follows")]
        fields.extend(("Output", line) for line in lines)
        return response(aid, "Success", fields)

    # -- channels --------------------------------------------------------------------------

    def _coreshowchannels(self, _fields: Fields, aid: str | None) -> bytes:
        now = self.pbx.clock.time()
        channels = [c for c in self.pbx.channels() if not c.hung_up]
        out = list_start(aid, "Channels will follow")
        for ch in channels:
            out += list_item(
                "CoreShowChannel",
                aid,
                [
                    *ch.snapshot(),
                    ("Application", ch.app),
                    ("ApplicationData", ch.app_data),
                    ("Duration", _duration(now - ch.created)),
                    ("BridgeId", ch.bridge),
                ],
            )
        return out + list_complete("CoreShowChannelsComplete", aid, len(channels))

    def _originate(self, fields: Fields, aid: str | None) -> bytes:
        match = _LOCAL_FROM_PSTN.match(fields.get("Channel", ""))
        staff = _LOCAL_ANY.match(fields.get("Channel", ""))
        callback = fields.get("Context") == self.pbx.model.callback_context
        if match is None and staff is not None and callback:
            return self._originate_callback(staff.group(1), staff.group(2), fields, aid)
        outbound = staff is not None and staff.group(2) == self.pbx.model.outbound_context
        if match is None and staff is not None and outbound and "Application" in fields:
            return self._originate_customer(staff.group(1), staff.group(2), fields, aid)
        if match is None:
            # SYNTHESISED: the simulator only injects calls as the recordings did.
            return message(
                aid, "Originate failed: simulator dials only Local/<n>@from-pstn", "Error"
            )
        caller = _CALLER_ID.match(fields.get("CallerID", ""))
        name, number = (
            (caller.group(1), caller.group(2)) if caller else ("", fields.get("CallerID", ""))
        )
        pbx = self.pbx
        application = fields.get("Application", "Wait")
        data = fields.get("Data", "")
        script = None
        if "Application" not in fields and fields.get("Context"):
            script = (fields["Context"], fields.get("Exten", "s"))

        def start() -> None:
            pbx.originate(
                match.group(1),
                number or "<unknown>",
                name or "<unknown>",
                application=application,
                data=data,
                action_id=aid,
                caller_script=script,
            )

        self.after_response = start
        return message(aid, "Originate successfully queued")

    def _originate_callback(
        self, exten: str, context: str, fields: Fields, aid: str | None
    ) -> bytes:
        """022 part A: staff phone first, then the customer (see simulator/callback.py)."""
        name, number, timeout = _callout_fields(fields)
        customer = fields.get("Exten", "")
        pbx = self.pbx

        def start() -> None:
            pbx.originate_callback(
                exten, context, customer, (number or customer, name), aid, timeout
            )

        self.after_response = start
        return message(aid, "Originate successfully queued")

    def _originate_customer(
        self, exten: str, context: str, fields: Fields, aid: str | None
    ) -> bytes:
        """022 part B: the customer's line first, then the Originate's application."""
        name, number, timeout = _callout_fields(fields)
        application, data = fields.get("Application", "Wait"), fields.get("Data", "")
        pbx = self.pbx

        def start() -> None:
            pbx.originate_customer(
                exten, context, application, data, (number or "<unknown>", name), aid, timeout
            )

        self.after_response = start
        return message(aid, "Originate successfully queued")

    def _playdtmf(self, fields: Fields, aid: str | None) -> bytes:
        # SYNTHESISED answer (manager.c action_playdtmf); the events follow 020, where the
        # caller's `;1` sent the key (SendDTMF) and only `;2` reported it.
        if not self.pbx.send_dtmf(fields.get("Channel", ""), fields.get("Digit", "")):
            return message(aid, "No such channel", "Error")
        return message(aid, "DTMF successfully queued")

    def _hangup(self, fields: Fields, aid: str | None) -> bytes:
        try:
            cause = int(fields.get("Cause", "16") or "16")
        except ValueError:
            cause = 16
        if not self.pbx.hangup(fields.get("Channel", ""), cause):
            return message(aid, "No such channel", "Error")
        return message(aid, "Channel Hungup")

    def _blindtransfer(self, fields: Fields, aid: str | None) -> bytes:
        ok = self.pbx.blind_transfer(
            fields.get("Channel", ""), fields.get("Context", "from-pstn"), fields.get("Exten", "")
        )
        return (
            message(aid, "Transfer succeeded") if ok else message(aid, "Transfer invalid", "Error")
        )

    def _redirect(self, fields: Fields, aid: str | None) -> bytes:
        ok = self.pbx.redirect(
            fields.get("Channel", ""), fields.get("Context", "from-pstn"), fields.get("Exten", "")
        )
        # SYNTHESISED error text (manager.c action_redirect).
        return (
            message(aid, "Redirect successful") if ok else message(aid, "Redirect failed", "Error")
        )

    def _queuepause(self, fields: Fields, aid: str | None) -> bytes:
        paused = fields.get("Paused", "").lower() in ("true", "yes", "1", "on")
        ok = self.pbx.queue_pause(
            fields.get("Queue", ""), fields.get("Interface", ""), paused, fields.get("Reason", "")
        )
        if not ok:
            return message(aid, "Interface not found", "Error")  # SYNTHESISED
        return message(aid, f"Interface {'paused' if paused else 'unpaused'} successfully")

    # -- custom device states (025) -------------------------------------------------------

    def _setvar(self, fields: Fields, aid: str | None) -> bytes | None:
        device = _device_state_arg(fields.get("Variable", ""))
        if device is None:
            return None  # channel variables: not simulated
        change = self.pbx.devstates.set(device, fields.get("Value", ""))
        if change is None:
            return message(aid, "Variable not set", "Error")
        events = change.events

        def emit() -> None:
            for name, headers in events:
                self.broadcast(name, "call,all", list(headers))

        self.after_response = emit
        return message(aid, "Variable Set")

    def _getvar(self, fields: Fields, aid: str | None) -> bytes | None:
        variable = fields.get("Variable", "")
        device = _device_state_arg(variable)
        if device is not None:
            value = self.pbx.devstates.get(device)
        elif (hint := _extension_state_arg(variable)) is not None:
            found = self.pbx.devstates.extension_state(*hint)
            if found is None:
                return None  # no hint there: not recorded
            value = found
        else:
            return None  # channel variables: not simulated
        return response(aid, "Success", (("Variable", variable), ("Value", value)))

    def _extensionstate(self, fields: Fields, aid: str | None) -> bytes:
        exten, context = fields.get("Exten", ""), fields.get("Context", "default")
        hint, status, text = self.pbx.devstates.hint_status(exten, context)
        return response(
            aid,
            "Success",
            (
                ("Message", "Extension Status"),
                ("Exten", exten),
                ("Context", context),
                ("Hint", hint),
                ("Status", str(status)),
                ("StatusText", text),
            ),
        )

    def _extensionstatelist(self, _fields: Fields, aid: str | None) -> bytes:
        """025/025b: one `ExtensionStatus` list item per hint (no Privilege/Timestamp)."""
        devstates = self.pbx.devstates
        out = list_start(aid, "Extension Statuses will follow")
        for device, exten in devstates.hints.items():
            status, text = devstates.device_status(device)
            out += list_item(
                "ExtensionStatus",
                aid,
                (
                    ("Exten", exten),
                    ("Context", HINTS_CONTEXT),
                    ("Hint", device),
                    ("Status", str(status)),
                    ("StatusText", text),
                ),
            )
        return out + list_complete("ExtensionStateListComplete", aid, len(devstates.hints))

    def _devicestatelist(self, _fields: Fields, aid: str | None) -> bytes:
        """025b: the device-state cache: app_queue's `Queue:` pseudo-devices and the custom
        devices set so far (order in Asterisk is a hash order, here by queue, then custom).
        `Queue:<q>_avail` reads INUSE and `Queue:<q>_pause_<member>` NOT_INUSE (INUSE when
        paused) as recorded with idle Local members."""
        pbx = self.pbx
        devices: list[tuple[str, str]] = []
        for name, queue in pbx.model.queues.items():
            devices.append((f"Queue:{name}_avail", "INUSE"))
            for member in queue.members:
                paused = pbx.rt.member(name, member.interface).paused
                state = "INUSE" if paused else "NOT_INUSE"
                devices.append((f"Queue:{name}_pause_{member.interface}", state))
        devices += pbx.devstates.custom_devices()
        out = list_start(aid, "Device State Changes will follow")
        for device, state in devices:
            out += list_item("DeviceStateChange", aid, (("Device", device), ("State", state)))
        return out + list_complete("DeviceStateListComplete", aid, len(devices))

    def _userevent(self, fields: Fields, aid: str | None) -> bytes:
        # SYNTHESISED (manager.c action_userevent): every header except Action/ActionID.
        name = fields.get("UserEvent", "")
        extra = [(k, v) for k, v in fields.items() if k != "UserEvent"]
        self.broadcast("UserEvent", "user,all", [("UserEvent", name), *extra])
        return response(aid, "Success")
