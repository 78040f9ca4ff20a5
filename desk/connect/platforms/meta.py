"""Facebook Login for Business: the pages an administrator manages, each its own channel.

https://developers.facebook.com/docs/facebook-login/facebook-login-for-business — the code
is traded for a user token, that for a long-lived one, whose page tokens never expire
(https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
Pages and their Instagram business accounts come from /me/accounts; each chosen page is
subscribed to the app with POST /{page-id}/subscribed_apps, and the app's webhook callback
is registered once with POST /{app-id}/subscriptions (Meta verifies it with a GET first).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from django.conf import settings

from channels import http
from channels.errors import AdapterError
from channels.models import Channel
from desk.connect.oauth import OAuthClient, TokenSet
from desk.connect.platforms.base import Account, Connector, Grant

PAGE_FIELDS = "feed,messages,mention"
INSTAGRAM_FIELDS = "comments,mentions,messages"


def _pairs(raw: str) -> dict[str, str]:
    found = {}
    for item in (raw or "").split(","):
        key, sep, value = item.strip().partition(":")
        if sep and key and value:
            found[key] = value
    return found


class MetaConnector(Connector):
    kind = "meta"
    endpoints = {
        "authorize": "https://www.facebook.com/v23.0/dialog/oauth",
        "graph": "https://graph.facebook.com",
    }
    env_names = ("META_APP_ID", "META_APP_SECRET", "META_LOGIN_CONFIG_ID")
    version = "v23.0"

    def configured(self) -> bool:
        return bool(settings.META_APP_ID and settings.META_APP_SECRET)

    def _graph(self, path: str) -> str:
        return f"{self.endpoint('graph')}/{self.version}{path}"

    def client(self, context: dict[str, Any]) -> OAuthClient:
        # Login for Business names its permissions in a configuration made in the app
        # dashboard; without one, the classic scope list asks for the same permissions.
        config_id = settings.META_LOGIN_CONFIG_ID
        return OAuthClient(
            authorize_url=self.endpoint("authorize"),
            token_url=self._graph("/oauth/access_token"),
            client_id=settings.META_APP_ID,
            client_secret=settings.META_APP_SECRET,
            scopes=() if config_id else tuple(self.needed_scopes),
            scope_separator=",",
            # Facebook Login's web flow has no PKCE; the app secret stays on our server.
            pkce=False,
            extra_params={"config_id": config_id} if config_id else {},
        )

    def exchange(self, *, client: OAuthClient, tokens: TokenSet) -> TokenSet:
        answer = http.request(
            "GET",
            client.token_url,
            params={
                "grant_type": "fb_exchange_token",
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "fb_exchange_token": tokens.access_token,
            },
        ).json()
        return TokenSet(access_token=str(answer["access_token"]), scopes=tokens.scopes)

    def grant(self, *, tokens: TokenSet, context: dict[str, Any]) -> Grant:
        auth = {"Authorization": f"Bearer {tokens.access_token}"}
        permissions = http.request("GET", self._graph("/me/permissions"), headers=auth).json()
        granted = tuple(
            str(item["permission"])
            for item in permissions.get("data") or []
            if item.get("status") == "granted"
        )
        pages = http.request(
            "GET",
            self._graph("/me/accounts"),
            headers=auth,
            params={
                "fields": "id,name,access_token,instagram_business_account{id,username}",
                "limit": "100",
            },
        ).json()
        verify_token = self._verify_token()
        accounts = []
        for page in pages.get("data") or []:
            instagram = page.get("instagram_business_account") or {}
            config: dict[str, Any] = {
                "graph_url": self.endpoint("graph"),
                "api_version": self.version,
                "instagram_accounts": f"{instagram['id']}:{page['id']}" if instagram else "",
            }
            accounts.append(
                Account(
                    id=str(page["id"]),
                    name=str(page.get("name") or page["id"]),
                    config=config,
                    credentials={
                        "page_tokens": f"{page['id']}:{page['access_token']}",
                        "app_secret": settings.META_APP_SECRET,
                        "verify_token": verify_token,
                    },
                    detail=f"Instagram @{instagram.get('username', instagram['id'])}"
                    if instagram
                    else "",
                )
            )
        return Grant(accounts=accounts, granted=granted, choose=True)

    def _verify_token(self) -> str:
        """The app has one callback and one verify token: reuse the one its pages share."""
        for channel in Channel.objects.filter(kind=self.kind):
            credentials = channel.credentials or {}
            if credentials.get("verify_token") and hmac.compare_digest(
                str(credentials.get("app_secret", "")).encode(),
                settings.META_APP_SECRET.encode(),
            ):
                return str(credentials["verify_token"])
        return secrets.token_urlsafe(24)

    def _app_token(self) -> str:
        return f"{settings.META_APP_ID}|{settings.META_APP_SECRET}"

    def subscribe(self, channel: Channel) -> str:
        credentials = channel.credentials or {}
        done = []
        for page, token in _pairs(str(credentials.get("page_tokens", ""))).items():
            http.request(
                "POST",
                self._graph(f"/{page}/subscribed_apps"),
                headers={"Authorization": f"Bearer {token}"},
                data={"subscribed_fields": PAGE_FIELDS},
            )
            done.append(f"page {page}")
        done.append(self._ensure_app_callback(channel))
        return "; ".join(done)

    def _ensure_app_callback(self, channel: Channel) -> str:
        """Register the callback once per app: every page's events then reach one URL, and
        the receiving channel routes each page's part to its own channel."""
        path = f"/{settings.META_APP_ID}/subscriptions"
        params = {"access_token": self._app_token()}
        listed = http.request("GET", self._graph(path), params=params).json().get("data") or []
        have = {item.get("object") for item in listed if item.get("active", True)}
        wanted = {"page": PAGE_FIELDS, "instagram": INSTAGRAM_FIELDS}
        added = []
        for obj, fields in wanted.items():
            if obj in have:
                continue
            http.request(
                "POST",
                self._graph(path),
                params=params,
                data={
                    "object": obj,
                    "callback_url": channel.webhook_url,
                    "fields": fields,
                    "verify_token": str((channel.credentials or {}).get("verify_token", "")),
                },
            )
            added.append(obj)
        if not added:
            return "app callback already registered"
        return "app callback registered for " + ", ".join(added)

    def revoke(self, channel: Channel) -> None:
        pages = _pairs(str((channel.credentials or {}).get("page_tokens", "")))
        if not pages:
            raise AdapterError("The channel holds no page token to revoke.", permanent=True)
        for page, token in pages.items():
            http.request(
                "DELETE",
                self._graph(f"/{page}/subscribed_apps"),
                headers={"Authorization": f"Bearer {token}"},
            )
