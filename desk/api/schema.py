from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from desk.api.permissions import required_scope


class MissingScopeDetail(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    missing_scope = serializers.CharField()


class MissingScopeError(serializers.Serializer):
    error = MissingScopeDetail()


class ScopedAutoSchema(AutoSchema):
    """Each operation says which token scope it needs (in its description and as
    `x-required-scopes`) and documents the 403 a token without it gets."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        scope = required_scope(self.view, self.method)
        if operation is None or scope is None:
            return operation
        operation["x-required-scopes"] = [scope.value]
        note = f"Needs a token with the scope `{scope}`."
        description = operation.get("description")
        operation["description"] = f"{description}\n\n{note}" if description else note
        operation["responses"]["403"] = {
            "description": f"The token lacks the scope `{scope}`.",
            "content": {
                "application/json": {
                    "schema": self.resolve_serializer(MissingScopeError, "response").ref
                }
            },
        }
        return operation
