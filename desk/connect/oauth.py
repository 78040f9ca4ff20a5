"""The OAuth 2.0 authorization-code flow, the same for every platform that uses it.

RFC 6749 section 4.1 with the protections of RFC 9700 (OAuth 2.0 security best current
practice): an unguessable `state` kept in the administrator's session, single-use and
expiring, so a callback started by anyone else (a forged link, a replayed redirect) is
refused; PKCE with S256 (RFC 7636) wherever the platform supports it, so a stolen code is
useless without the verifier that never left the server. Tokens are exchanged through the
one outbound client (channels.http) and handed to the caller, which stores them encrypted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from channels import crypto, http
from channels.errors import AdapterError

FLOW_KEY = "connect_flow"
# How long the administrator may take at the platform's consent screen.
STATE_SECONDS = 600


class FlowRefused(Exception):
    """The callback cannot be trusted or was declined; the message is shown to the admin."""


@dataclass(frozen=True)
class OAuthClient:
    """One platform's OAuth endpoints and our registered application there."""

    authorize_url: str
    token_url: str
    client_id: str
    client_secret: str = ""
    scopes: tuple[str, ...] = ()
    scope_separator: str = " "
    pkce: bool = True
    # "basic": client id and secret in an Authorization header (X, Mastodon accept it);
    # "body": both in the form (Google, LinkedIn, Meta).
    client_auth: str = "body"
    revoke_url: str = ""
    extra_params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None
    # What the platform says it granted; None when the token answer does not say.
    scopes: tuple[str, ...] | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def expires_at_iso(self) -> str:
        if not self.expires_in:
            return ""
        moment = timezone.now() + timedelta(seconds=self.expires_in)
        return moment.isoformat(timespec="seconds")


def redirect_uri(kind: str) -> str:
    """The address registered with the platform; built from PUBLIC_BASE_URL, like webhooks."""
    return settings.PUBLIC_BASE_URL + reverse("connect-callback", kwargs={"kind": kind})


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def begin(
    request: HttpRequest, *, kind: str, client: OAuthClient, context: dict[str, Any] | None = None
) -> str:
    """Remember a new flow in the session and return the platform's authorization URL.

    `context` travels with the flow (a Mastodon app's client credentials), encrypted like
    everything secret that sits in the session store.
    """
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if client.pkce else ""
    request.session[FLOW_KEY] = {
        "kind": kind,
        "state": state,
        "started": time.time(),
        "sealed": crypto.encrypt({"verifier": verifier, "context": context or {}}),
    }
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri(kind),
        "state": state,
        **client.extra_params,
    }
    if client.scopes:
        params["scope"] = client.scope_separator.join(client.scopes)
    if verifier:
        params["code_challenge"] = _challenge(verifier)
        params["code_challenge_method"] = "S256"
    return f"{client.authorize_url}?{urlencode(params)}"


@dataclass(frozen=True)
class Callback:
    code: str
    verifier: str
    context: dict[str, Any]


def finish(request: HttpRequest, *, kind: str) -> Callback:
    """Check the callback against the flow in the session (which it ends) and return the code.

    Refused: no flow, another platform's flow, a state that differs, a flow too old, and
    the platform's own error (the administrator cancelled, or the platform refused).
    """
    flow = request.session.pop(FLOW_KEY, None)
    given = request.GET.get("state", "")
    if not isinstance(flow, dict) or flow.get("kind") != kind:
        raise FlowRefused(_("No connection was started here for this platform."))
    if not given or not hmac.compare_digest(given.encode(), str(flow["state"]).encode()):
        raise FlowRefused(_("The state parameter does not match the one this session sent."))
    if time.time() - float(flow["started"]) > STATE_SECONDS:
        raise FlowRefused(_("The sign-in took too long; start again."))
    if request.GET.get("error"):
        description = request.GET.get("error_description", "")
        raise FlowRefused(
            _("The platform answered %(error)s: %(description)s")
            % {"error": request.GET["error"], "description": description or "-"}
        )
    code = request.GET.get("code", "")
    if not code:
        raise FlowRefused(_("The platform sent no authorization code."))
    sealed = crypto.decrypt(flow["sealed"])
    return Callback(code=code, verifier=sealed["verifier"], context=sealed["context"])


def _client_auth(client: OAuthClient, form: dict[str, str]) -> dict[str, str]:
    if client.client_auth == "basic" and client.client_secret:
        pair = f"{client.client_id}:{client.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    form["client_id"] = client.client_id
    if client.client_secret:
        form["client_secret"] = client.client_secret
    return {}


def _token_set(answer: dict[str, Any], separator: str = " ") -> TokenSet:
    if not isinstance(answer, dict) or not answer.get("access_token"):
        raise AdapterError("The platform's token answer holds no access token.", permanent=True)
    scope = answer.get("scope")
    scopes = None
    if isinstance(scope, str):
        scopes = tuple(s for s in scope.replace(",", " ").split() if s)
    expires = str(answer.get("expires_in") or "")
    return TokenSet(
        access_token=str(answer["access_token"]),
        refresh_token=str(answer.get("refresh_token") or ""),
        expires_in=int(expires) if expires.isdigit() else None,
        scopes=scopes,
        raw=answer,
    )


def exchange_code(*, kind: str, client: OAuthClient, callback: Callback) -> TokenSet:
    """Trade the authorization code (and the PKCE verifier) for tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": callback.code,
        "redirect_uri": redirect_uri(kind),
    }
    if callback.verifier:
        form["code_verifier"] = callback.verifier
    headers = _client_auth(client, form)
    # A code is single-use: a retry after a lost answer would be refused anyway.
    answer = http.request(
        "POST", client.token_url, headers=headers, data=form, retry_unsafe=False
    ).json()
    return _token_set(answer)


def refresh(*, client: OAuthClient, refresh_token: str) -> TokenSet:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    headers = _client_auth(client, form)
    answer = http.request(
        "POST", client.token_url, headers=headers, data=form, retry_unsafe=False
    ).json()
    return _token_set(answer)


def revoke(*, client: OAuthClient, token: str, hint: str = "") -> None:
    """RFC 7009 revocation; raises AdapterError when the platform refuses or cannot be reached."""
    if not client.revoke_url:
        raise AdapterError("This platform offers no revocation endpoint.", permanent=True)
    form = {"token": token}
    if hint:
        form["token_type_hint"] = hint
    headers = _client_auth(client, form)
    http.request("POST", client.revoke_url, headers=headers, data=form)
