"""What a platform's connector does between the consent screen and a working channel.

A connector knows the platform's OAuth endpoints and our application there (client ids and
secrets from the environment, endpoints overridable in settings.CONNECT_ENDPOINTS so tests
reach fake servers on 127.0.0.1), lists the accounts a grant reaches, and after the channel
exists registers its webhook or subscription, and revokes the grant when it is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.utils.functional import Promise

from channels.errors import AdapterError
from channels.models import Channel
from channels.registry import adapter_class
from desk.connect.oauth import OAuthClient, TokenSet


@dataclass(frozen=True)
class Account:
    """One account a grant reaches, and the channel settings that serve it."""

    id: str
    name: str
    config: dict[str, Any]
    credentials: dict[str, Any]
    detail: str = ""


@dataclass(frozen=True)
class Grant:
    accounts: list[Account]
    granted: tuple[str, ...]
    # Accounts are picked by the administrator when a grant may reach several (pages).
    choose: bool = False
    notes: list[str] = field(default_factory=list)


class Connector:
    kind: ClassVar[str]
    # Whether the administrator goes through an OAuth consent screen (not Bluesky's form).
    uses_oauth: ClassVar[bool] = True
    # Defaults of the platform's addresses; settings.CONNECT_ENDPOINTS[kind] overrides them.
    endpoints: ClassVar[dict[str, str]] = {}
    # Which environment variables name our application on the platform (for the index page).
    env_names: ClassVar[tuple[str, ...]] = ()

    @property
    def label(self) -> str | Promise:
        return adapter_class(self.kind).label

    @property
    def needed_scopes(self) -> dict[str, str | Promise]:
        return adapter_class(self.kind).needed_scopes

    def endpoint(self, name: str) -> str:
        overrides = getattr(settings, "CONNECT_ENDPOINTS", {}).get(self.kind, {})
        return str(overrides.get(name) or self.endpoints[name]).rstrip("/")

    def configured(self) -> bool:
        """Whether our application on the platform is set up (its client id is known)."""
        return True

    def client(self, context: dict[str, Any]) -> OAuthClient:
        raise NotImplementedError

    def exchange(self, *, client: OAuthClient, tokens: TokenSet) -> TokenSet:
        """Turn the code's tokens into the ones kept (Meta trades for a long-lived token)."""
        return tokens

    def grant(self, *, tokens: TokenSet, context: dict[str, Any]) -> Grant:
        raise NotImplementedError

    def subscribe(self, channel: Channel) -> str:
        """Register the channel's webhook or subscription; say what was done. AdapterError."""
        return "polled: nothing to subscribe"

    def revoke(self, channel: Channel) -> None:
        """End the platform's grant to us; raise AdapterError if the platform refuses."""
        raise AdapterError("This platform offers no way to revoke the grant.", permanent=True)
