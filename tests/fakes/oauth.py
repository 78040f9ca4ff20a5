"""A platform's OAuth 2.0 authorization server, as a part of a fake platform.

The consent page is HTML with an "Allow" and a "Cancel" link back to the redirect URI, as a
person would click them; the token endpoint checks what a real one checks: the code (once),
the redirect URI, the client's credentials, and the PKCE verifier against the challenge
(S256); the revocation endpoint records what was revoked. A test narrows what is granted
(`granted`) to play a person who unticks permissions.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.fakes.server import Request, Response


@dataclass
class IssuedCode:
    client_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str
    method: str


@dataclass
class AuthorizationServer:
    client_id: str
    client_secret: str
    authorize_path: str
    token_path: str
    revoke_path: str = ""
    # The tokens to issue: (access, refresh); the platform's API accepts the access token.
    issue: Callable[[], tuple[str, str]] = lambda: ("access-1", "refresh-1")
    expires_in: int | None = 7200
    # Whether the token answer names the scopes (Meta's does not: /me/permissions does).
    reports_scope: bool = True
    # When set, what the person allows instead of everything asked for.
    granted: list[str] | None = None
    codes: dict[str, IssuedCode] = field(default_factory=dict)
    exchanges: list[dict[str, str]] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    last_scopes: list[str] = field(default_factory=list)
    revoke_status: int = 200

    def handle(self, request: Request) -> Response | None:
        if request.path == self.authorize_path and request.method == "GET":
            return self._consent(request)
        if request.path == self.token_path and request.method == "POST":
            form = self._form(request)
            if form.get("grant_type") == "authorization_code":
                return self._exchange(request, form)
        if self.revoke_path and request.path == self.revoke_path and request.method == "POST":
            if self.revoke_status != 200:
                return Response(self.revoke_status, {"error": "temporarily_unavailable"})
            self.revoked.append(self._form(request).get("token", ""))
            return Response(200, {})
        return None

    @staticmethod
    def _form(request: Request) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(request.body.decode()).items()}

    def _consent(self, request: Request) -> Response:
        redirect = request.arg("redirect_uri") or ""
        state = request.arg("state") or ""
        asked = (request.arg("scope") or "").replace(",", " ").split()
        code = secrets.token_urlsafe(16)
        scopes = asked if self.granted is None else [s for s in asked if s in self.granted]
        if not asked and self.granted is not None:
            scopes = list(self.granted)
        self.codes[code] = IssuedCode(
            client_id=request.arg("client_id") or "",
            redirect_uri=redirect,
            scopes=scopes,
            challenge=request.arg("code_challenge") or "",
            method=request.arg("code_challenge_method") or "",
        )
        allow = f"{redirect}?{urlencode({'code': code, 'state': state})}"
        cancel = f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}"
        page = (
            "<!doctype html><title>Authorize</title><h1>Allow socialdesk?</h1>"
            f"<p id='scopes'>{html.escape(' '.join(asked))}</p>"
            f"<a id='allow' href='{html.escape(allow)}'>Allow</a> "
            f"<a id='cancel' href='{html.escape(cancel)}'>Cancel</a>"
        ).encode()
        return Response(200, page, {"Content-Type": "text/html; charset=utf-8"})

    def _client_ok(self, request: Request, form: dict[str, str]) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            given = base64.b64decode(header[6:]).decode()
            return given == f"{self.client_id}:{self.client_secret}"
        return form.get("client_id") == self.client_id and (
            not self.client_secret or form.get("client_secret") == self.client_secret
        )

    def _exchange(self, request: Request, form: dict[str, str]) -> Response:
        self.exchanges.append(form)
        issued = self.codes.pop(form.get("code", ""), None)
        if issued is None or issued.redirect_uri != form.get("redirect_uri"):
            return Response(400, {"error": "invalid_grant"})
        if not self._client_ok(request, form) or issued.client_id != self.client_id:
            return Response(401, {"error": "invalid_client"})
        if issued.challenge:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if issued.method != "S256" or expected != issued.challenge:
                return Response(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access, refresh = self.issue()
        self.last_scopes = issued.scopes
        answer: dict[str, Any] = {"access_token": access, "token_type": "bearer"}
        if refresh:
            answer["refresh_token"] = refresh
        if self.expires_in:
            answer["expires_in"] = self.expires_in
        if self.reports_scope:
            answer["scope"] = " ".join(issued.scopes)
        return Response(200, answer)
