"""What can go wrong talking to a platform, shared by the adapters and the one HTTP client
(channels.http), which sits below them."""

from __future__ import annotations


class AdapterError(Exception):
    """A platform call failed. Permanent errors disable the channel; transient ones retry."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        # Set when no request on this channel can succeed until someone fixes it.
        self.disables_channel = False


class AuthError(AdapterError):
    """The platform rejected our credentials: the channel is disabled until they are fixed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
        self.disables_channel = True


class RateLimited(AdapterError):
    """The platform asked us to wait longer than a request may block; try after retry_after."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, permanent=False)
        self.retry_after = retry_after


class SignatureError(Exception):
    """A webhook request that is not from the platform: answered 403, never stored."""


class InvalidPayload(Exception):
    """A delivery that is not in the platform's shape: answered 400, never stored."""
