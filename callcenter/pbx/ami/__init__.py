"""Our own asyncio AMI client (why not panoramisk or asterisk-ami: see the README's design section).

Only these names are meant for the rest of `pbx/`; nothing outside `pbx/` should need them.
"""

from callcenter.pbx.ami.client import AmiClient, ReconnectCallback
from callcenter.pbx.ami.errors import (
    ActionFailed,
    ActionTimeout,
    AmiConnectionError,
    AmiError,
    ConnectionLost,
    LoginRefused,
    NotAsterisk,
    NotConnected,
)
from callcenter.pbx.ami.messages import (
    ActionResult,
    AmiBanner,
    AmiEvent,
    AmiMessage,
    AmiResponse,
    SessionInfo,
)
from callcenter.pbx.ami.protocol import FrameParser, ParserStats, encode_action
from callcenter.pbx.ami.settings import AmiSettings
from callcenter.pbx.ami.subscription import EventSubscription

__all__ = [
    "ActionFailed",
    "ActionResult",
    "ActionTimeout",
    "AmiBanner",
    "AmiClient",
    "AmiConnectionError",
    "AmiError",
    "AmiEvent",
    "AmiMessage",
    "AmiResponse",
    "AmiSettings",
    "ConnectionLost",
    "EventSubscription",
    "FrameParser",
    "LoginRefused",
    "NotAsterisk",
    "NotConnected",
    "ParserStats",
    "ReconnectCallback",
    "SessionInfo",
    "encode_action",
]
