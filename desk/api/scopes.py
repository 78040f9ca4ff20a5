"""What a REST client's token may do. Chosen when the client is created (`api_client create
NAME --scope ...`); every API view a token reaches names the scope each method needs."""

from enum import StrEnum


class Scope(StrEnum):
    INQUIRIES_CREATE = "inquiries:create"
    INQUIRIES_READ = "inquiries:read"
    SLA_READ = "sla:read"


SCOPE_HELP: dict[Scope, str] = {
    Scope.INQUIRIES_CREATE: "post new inquiries",
    Scope.INQUIRIES_READ: "read the client's own inquiries and their tickets",
    Scope.SLA_READ: "read the SLA calendars and policies",
}


def all_scopes() -> list[str]:
    """Every scope: the default for a new client, and for clients made before scopes."""
    return [scope.value for scope in Scope]
