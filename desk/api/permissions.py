from typing import Any

from django.utils.translation import gettext, gettext_lazy
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from desk.models import ApiClient, Scope


class MissingScope(PermissionDenied):
    default_code = "missing_scope"

    def __init__(self, scope: Scope) -> None:
        super().__init__(
            gettext("This token lacks the scope '%(scope)s', which this request needs.")
            % {"scope": scope.value}
        )
        self.error_fields = {"missing_scope": scope.value}


class NotForTokens(PermissionDenied):
    default_code = "not_for_tokens"
    default_detail = gettext_lazy("This endpoint is not open to API tokens.")


def required_scope(view: Any, method: str) -> Scope | None:
    """The scope a token needs for `method` on `view`, from the view's `required_scopes`."""
    scopes: dict[str, Scope] = getattr(view, "required_scopes", {})
    return scopes.get("GET" if method.upper() == "HEAD" else method.upper())


class TokenHasScope(BasePermission):
    """A token may use a view only with the scope the view names for the method.

    Fails closed: a view a token can reach but that names no scope for the method refuses
    tokens, so a new endpoint is never open to every client by omission. Methods the view
    does not handle are left to DRF's 405; OPTIONS needs any one of the view's scopes.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        client = request.user
        if not isinstance(client, ApiClient):
            return True
        method = request.method or "GET"
        if method == "OPTIONS":
            scopes = set(getattr(view, "required_scopes", {}).values())
            if not scopes & set(client.scopes):
                raise NotForTokens()
            return True
        if not hasattr(view, method.lower()):
            return True
        scope = required_scope(view, method)
        if scope is None:
            raise NotForTokens()
        if not client.has_scope(scope):
            raise MissingScope(scope)
        return True
