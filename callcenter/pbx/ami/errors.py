"""AMI errors, named for what the caller must decide (retry, fix config, give up)."""

from __future__ import annotations

from callcenter.pbx.ami.messages import AmiResponse


class AmiError(Exception):
    """Base of every error raised by the AMI client."""


class NotAsterisk(AmiError):
    """The peer did not greet with `Asterisk Call Manager/...`: wrong host or port."""


class LoginRefused(AmiError):
    """Asterisk rejected the credentials. Retrying cannot help, so the client stops."""

    def __init__(self, username: str, message: str) -> None:
        self.username = username
        self.message = message
        super().__init__(f"AMI login as {username!r} refused: {message}")


class AmiConnectionError(AmiError):
    """Base of connection-state errors."""


class NotConnected(AmiConnectionError):
    """No logged-in connection right now; the action was not sent."""


class ConnectionLost(AmiConnectionError):
    """The connection dropped while the action was in flight.

    Asterisk may or may not have executed it; the client never re-sends it (an
    Originate sent twice rings a phone twice), so the caller decides.
    """


class ActionTimeout(AmiError, TimeoutError):
    """No (complete) response within the action's timeout; the connection stays up."""

    def __init__(self, action: str, action_id: str, timeout: float) -> None:
        self.action = action
        self.action_id = action_id
        self.timeout = timeout
        super().__init__(f"AMI action {action} ({action_id}) got no answer within {timeout:g} s")


class ActionFailed(AmiError):
    """Asterisk answered `Response: Error` to an action whose convenience method needs success."""

    def __init__(self, action: str, response: AmiResponse) -> None:
        self.action = action
        self.response = response
        super().__init__(f"AMI action {action} failed: {response.message or response.status}")
