"""LinkedIn: three-legged OAuth, then the organization pages the member administers.

https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow —
access tokens last 60 days, refresh tokens (for approved Community Management apps) 365;
https://learn.microsoft.com/linkedin/marketing/community-management/organizations/organization-access-control-by-role
lists the pages (organizationAcls, role ADMINISTRATOR). Revocation: POST /oauth/v2/revoke.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from channels import http
from channels.models import Channel
from desk.connect import oauth
from desk.connect.oauth import OAuthClient, TokenSet
from desk.connect.platforms.base import Account, Connector, Grant

API_VERSION = "202509"


class LinkedInConnector(Connector):
    kind = "linkedin"
    endpoints = {
        "authorize": "https://www.linkedin.com/oauth/v2/authorization",
        "exchange": "https://www.linkedin.com/oauth/v2/accessToken",
        "revoke": "https://www.linkedin.com/oauth/v2/revoke",
        "api": "https://api.linkedin.com",
    }
    env_names = ("LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET")

    def configured(self) -> bool:
        return bool(settings.LINKEDIN_CLIENT_ID)

    def client(self, context: dict[str, Any]) -> OAuthClient:
        return OAuthClient(
            authorize_url=self.endpoint("authorize"),
            token_url=self.endpoint("exchange"),
            revoke_url=self.endpoint("revoke"),
            client_id=settings.LINKEDIN_CLIENT_ID,
            client_secret=settings.LINKEDIN_CLIENT_SECRET,
            scopes=tuple(self.needed_scopes),
            # LinkedIn offers PKCE to native apps only; a web app proves itself by its secret.
            pkce=False,
        )

    def _get(self, path: str, token: str, **params: str) -> Any:
        return http.request(
            "GET",
            f"{self.endpoint('api')}{path}",
            headers={
                "Authorization": f"Bearer {token}",
                "LinkedIn-Version": API_VERSION,
                "X-Restli-Protocol-Version": "2.0.0",
            },
            params=params or None,
        ).json()

    def grant(self, *, tokens: TokenSet, context: dict[str, Any]) -> Grant:
        acls = self._get(
            "/rest/organizationAcls",
            tokens.access_token,
            q="roleAssignee",
            role="ADMINISTRATOR",
            state="APPROVED",
        )
        accounts = []
        for element in acls.get("elements") or []:
            org_id = str(element.get("organization", "")).rsplit(":", 1)[-1]
            if not org_id.isdigit():
                continue
            org = self._get(f"/rest/organizations/{org_id}", tokens.access_token)
            accounts.append(
                Account(
                    id=org_id,
                    name=str(org.get("localizedName") or org_id),
                    config={
                        "organization_id": org_id,
                        "api_url": self.endpoint("api"),
                        "api_version": API_VERSION,
                        "token_url": self.endpoint("exchange"),
                        "client_id": settings.LINKEDIN_CLIENT_ID,
                        "token_expires_at": tokens.expires_at_iso(),
                    },
                    credentials={
                        "access_token": tokens.access_token,
                        "refresh_token": tokens.refresh_token,
                        "client_secret": settings.LINKEDIN_CLIENT_SECRET,
                    },
                )
            )
        return Grant(accounts=accounts, granted=tokens.scopes or (), choose=True)

    def revoke(self, channel: Channel) -> None:
        token = str((channel.credentials or {}).get("access_token", ""))
        oauth.revoke(client=self.client({}), token=token)
