import hmac
from typing import Any

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from desk.config_snapshot import cached
from desk.models import SCOPE_HELP, ApiClient, Scope


class ApiClientTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <prefix>.<secret>`; the request's user is the ApiClient."""

    keyword = b"token"

    def authenticate(self, request: Request) -> tuple[ApiClient, str] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(gettext("Send the header as 'Authorization: Token <key>'."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(gettext("The token contains invalid characters.")) from None
        prefix, _, secret = token.partition(".")
        # Kept with the configuration: issuing, revoking or changing a client or its channel
        # makes every process read it again.
        client = cached(f"api-client:{prefix}", lambda: _active_client(prefix))
        if client is None or not hmac.compare_digest(client.token_digest, ApiClient.digest(secret)):
            raise AuthenticationFailed(gettext("Invalid or revoked token."))
        return client, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


def _active_client(prefix: str) -> ApiClient | None:
    return (
        ApiClient.objects.select_related("channel")
        .filter(token_prefix=prefix, revoked_at__isnull=True)
        .first()
    )


def client_of(request: Any) -> ApiClient:
    return request.user


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "desk.api.auth.ApiClientTokenAuthentication"
    name = "ApiClientToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <key>`, as printed by `manage.py api_client create NAME "
                "[--scope SCOPE ...]`. A token holds scopes: "
                + "; ".join(f"`{scope}` to {SCOPE_HELP[scope]}" for scope in Scope)
                + ". Each operation names the one it needs (`x-required-scopes`); "
                "without it the answer is 403 with `missing_scope`."
            ),
        }
