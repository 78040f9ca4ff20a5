"""X: OAuth 2.0 with PKCE, then the X Activity API subscriptions for the account.

https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code — user tokens
live two hours and come with a refresh token (scope offline.access) that X rotates on use.
Revocation: POST /2/oauth2/revoke. The webhook is the app's: one registered URL (found on
another X channel, in X_WEBHOOK_ID, or registered here) receives every account's events.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from channels import http
from channels.models import Channel
from desk.connect import oauth
from desk.connect.oauth import OAuthClient, TokenSet
from desk.connect.platforms.base import Account, Connector, Grant


class XConnector(Connector):
    kind = "x"
    endpoints = {"authorize": "https://x.com/i/oauth2/authorize", "api": "https://api.x.com"}
    env_names = ("X_CLIENT_ID", "X_CLIENT_SECRET", "X_CONSUMER_SECRET", "X_APP_BEARER_TOKEN")

    def configured(self) -> bool:
        return bool(settings.X_CLIENT_ID)

    def client(self, context: dict[str, Any]) -> OAuthClient:
        api = self.endpoint("api")
        return OAuthClient(
            authorize_url=self.endpoint("authorize"),
            token_url=f"{api}/2/oauth2/token",
            revoke_url=f"{api}/2/oauth2/revoke",
            client_id=settings.X_CLIENT_ID,
            client_secret=settings.X_CLIENT_SECRET,
            scopes=tuple(self.needed_scopes),
            pkce=True,
            # A confidential client authenticates with HTTP Basic; a public one sends its id.
            client_auth="basic",
        )

    def grant(self, *, tokens: TokenSet, context: dict[str, Any]) -> Grant:
        me = http.request(
            "GET",
            f"{self.endpoint('api')}/2/users/me",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        ).json()["data"]
        account = Account(
            id=str(me["id"]),
            name=f"@{me['username']}",
            config={
                "account_id": str(me["id"]),
                "handle": str(me["username"]),
                "api_url": self.endpoint("api"),
                "client_id": settings.X_CLIENT_ID,
                "token_expires_at": tokens.expires_at_iso(),
            },
            credentials={
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "client_secret": settings.X_CLIENT_SECRET,
                "consumer_secret": settings.X_CONSUMER_SECRET,
                "app_bearer_token": settings.X_APP_BEARER_TOKEN,
            },
        )
        return Grant(accounts=[account], granted=tokens.scopes or ())

    def subscribe(self, channel: Channel) -> str:
        adapter = channel.adapter()
        webhook_id = str(channel.config.get("webhook_id") or "") or self._known_webhook(channel)
        registered = False
        if not webhook_id:
            webhook_id = adapter.register_webhook()
            registered = True
        channel.config = {**channel.config, "webhook_id": webhook_id}
        Channel.objects.filter(pk=channel.pk).update(config=channel.config)
        added = adapter.subscribe_activity(webhook_id=webhook_id)
        head = f"webhook {webhook_id} " + ("registered" if registered else "reused")
        return f"{head}; subscribed to {', '.join(added) or 'nothing new'}"

    def _known_webhook(self, channel: Channel) -> str:
        for other in Channel.objects.filter(kind=self.kind).exclude(pk=channel.pk):
            if other.config.get("webhook_id"):
                return str(other.config["webhook_id"])
        return str(settings.X_WEBHOOK_ID)

    def revoke(self, channel: Channel) -> None:
        client = self.client({})
        credentials = channel.credentials or {}
        if credentials.get("refresh_token"):
            oauth.revoke(client=client, token=credentials["refresh_token"], hint="refresh_token")
        oauth.revoke(client=client, token=credentials.get("access_token", ""), hint="access_token")
