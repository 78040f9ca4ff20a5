"""Mastodon: our application registered on the instance the administrator names, then OAuth.

https://docs.joinmastodon.org/methods/apps/#create (POST /api/v1/apps gives a client id and
secret for that instance), https://docs.joinmastodon.org/methods/oauth/ (authorize, token
with PKCE since Mastodon 4.3, revoke). Tokens do not expire; revoking one ends the grant.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels import http
from channels.models import Channel
from desk.connect import oauth
from desk.connect.oauth import OAuthClient, TokenSet
from desk.connect.platforms.base import Account, Connector, Grant

APP_NAME = "socialdesk"


class MastodonConnector(Connector):
    kind = "mastodon"

    def register_app(self, instance_url: str) -> dict[str, str]:
        """Register socialdesk on the instance; the context the OAuth flow carries."""
        answer = http.request(
            "POST",
            f"{instance_url}/api/v1/apps",
            data={
                "client_name": APP_NAME,
                "redirect_uris": oauth.redirect_uri(self.kind),
                "scopes": " ".join(self.needed_scopes),
                "website": "https://github.com/socialdesk/socialdesk",
            },
            retry_unsafe=False,
        ).json()
        return {
            "instance_url": instance_url,
            "client_id": str(answer["client_id"]),
            "client_secret": str(answer["client_secret"]),
        }

    def client(self, context: dict[str, Any]) -> OAuthClient:
        instance = context["instance_url"]
        return OAuthClient(
            authorize_url=f"{instance}/oauth/authorize",
            token_url=f"{instance}/oauth/token",
            revoke_url=f"{instance}/oauth/revoke",
            client_id=context["client_id"],
            client_secret=context["client_secret"],
            scopes=tuple(self.needed_scopes),
            pkce=True,
        )

    def grant(self, *, tokens: TokenSet, context: dict[str, Any]) -> Grant:
        instance = context["instance_url"]
        account = http.request(
            "GET",
            f"{instance}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        ).json()
        host = urlsplit(instance).hostname or instance
        connected = Account(
            id=f"{host}:{account['id']}",
            name=f"@{account['acct']}@{host}",
            config={"instance_url": instance},
            credentials={
                "access_token": tokens.access_token,
                "client_id": context["client_id"],
                "client_secret": context["client_secret"],
            },
        )
        return Grant(accounts=[connected], granted=tokens.scopes or ())

    def revoke(self, channel: Channel) -> None:
        credentials = channel.credentials or {}
        context = {
            "instance_url": channel.config["instance_url"],
            "client_id": credentials.get("client_id", ""),
            "client_secret": credentials.get("client_secret", ""),
        }
        oauth.revoke(client=self.client(context), token=credentials.get("access_token", ""))
