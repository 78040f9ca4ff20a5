"""Bluesky: an app password, checked by opening a session with it.

https://docs.bsky.app/docs/api/com-atproto-server-create-session — the session's access JWT
names what the app password may do in its `scope` claim (`com.atproto.appPass`, or
`com.atproto.appPassPrivileged` when it may also read direct messages).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from channels import http
from channels.errors import AdapterError
from channels.models import Channel
from desk.connect.platforms.base import Account, Connector, Grant

PRIVILEGED = "com.atproto.appPassPrivileged"
BASIC = "com.atproto.appPass"


def _claims(jwt: str) -> dict[str, Any]:
    """The token's claims, read only to show the grant: the PDS checks the token itself."""
    try:
        part = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


class BlueskyConnector(Connector):
    kind = "bluesky"
    uses_oauth = False

    def verify(self, *, service_url: str, handle: str, app_password: str) -> Grant:
        session = http.request(
            "POST",
            f"{service_url}/xrpc/com.atproto.server.createSession",
            json_body={"identifier": handle, "password": app_password},
            retry_unsafe=False,
        ).json()
        scope = str(_claims(str(session.get("accessJwt", ""))).get("scope", ""))
        granted = (BASIC, PRIVILEGED) if scope == PRIVILEGED else (scope,) if scope else ()
        account = Account(
            id=str(session["did"]),
            name=f"@{session.get('handle', handle)}",
            config={
                "service_url": service_url,
                "handle": str(session.get("handle", handle)),
                "direct_messages": scope == PRIVILEGED,
            },
            credentials={"app_password": app_password},
        )
        return Grant(accounts=[account], granted=granted)

    def revoke(self, channel: Channel) -> None:
        # revokeAppPassword needs the account's main session, which we never hold.
        raise AdapterError(
            "An app password can only be revoked by the account: Bluesky Settings > "
            "Privacy and security > App passwords.",
            permanent=True,
        )
