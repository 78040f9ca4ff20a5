"""YouTube through Google's OAuth 2.0 for web server applications.

https://developers.google.com/identity/protocols/oauth2/web-server — `access_type=offline`
and `prompt=consent` so Google returns a refresh token (the adapter renews its one-hour
access tokens with it); PKCE is supported. Revocation: POST https://oauth2.googleapis.com/revoke.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from channels import http
from channels.errors import AdapterError
from channels.models import Channel
from desk.connect import oauth
from desk.connect.oauth import OAuthClient, TokenSet
from desk.connect.platforms.base import Account, Connector, Grant


class YouTubeConnector(Connector):
    kind = "youtube"
    endpoints = {
        "authorize": "https://accounts.google.com/o/oauth2/v2/auth",
        "exchange": "https://oauth2.googleapis.com/token",
        "revoke": "https://oauth2.googleapis.com/revoke",
        "api": "https://www.googleapis.com",
    }
    env_names = ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")

    def configured(self) -> bool:
        return bool(settings.GOOGLE_CLIENT_ID)

    def client(self, context: dict[str, Any]) -> OAuthClient:
        return OAuthClient(
            authorize_url=self.endpoint("authorize"),
            token_url=self.endpoint("exchange"),
            revoke_url=self.endpoint("revoke"),
            client_id=settings.GOOGLE_CLIENT_ID,
            client_secret=settings.GOOGLE_CLIENT_SECRET,
            scopes=tuple(self.needed_scopes),
            pkce=True,
            extra_params={"access_type": "offline", "prompt": "consent"},
        )

    def grant(self, *, tokens: TokenSet, context: dict[str, Any]) -> Grant:
        if not tokens.refresh_token:
            raise AdapterError("Google sent no refresh token (offline access was not granted).")
        found = http.request(
            "GET",
            f"{self.endpoint('api')}/youtube/v3/channels",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
            params={"part": "snippet", "mine": "true"},
        ).json()
        accounts = [
            Account(
                id=str(item["id"]),
                name=str((item.get("snippet") or {}).get("title") or item["id"]),
                config={
                    "channel_id": str(item["id"]),
                    "api_url": self.endpoint("api"),
                    "token_url": self.endpoint("exchange"),
                    "client_id": settings.GOOGLE_CLIENT_ID,
                },
                credentials={
                    "client_secret": settings.GOOGLE_CLIENT_SECRET,
                    "refresh_token": tokens.refresh_token,
                },
            )
            for item in found.get("items") or []
        ]
        return Grant(accounts=accounts, granted=tokens.scopes or (), choose=len(accounts) > 1)

    def revoke(self, channel: Channel) -> None:
        token = str((channel.credentials or {}).get("refresh_token", ""))
        # Revoking the refresh token ends the whole grant, access tokens included.
        oauth.revoke(client=self.client({}), token=token)
