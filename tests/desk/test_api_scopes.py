"""Scoped REST tokens: chosen with `api_client create --scope`, enforced on every endpoint."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from desk.models import Inquiry
from tests.conftest import post_json

INQUIRY = {"text": "Where is my order 4711?", "author": {"name": "Ann"}}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def client_with(*scopes: str, name: str = "shop") -> Client:
    flags = [arg for scope in scopes for arg in ("--scope", scope)]
    token = run("api_client", "create", name, *flags).strip().splitlines()[-1]
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def posted_inquiry_id() -> str:
    writer = client_with("inquiries:create", "inquiries:read", name="writer")
    return post_json(writer, "/api/v1/inquiries/", INQUIRY).json()["id"]


def test_a_new_client_gets_every_scope_by_default(db: None) -> None:
    output = run("api_client", "create", "shop")

    assert "inquiries:create inquiries:read sla:read" in output
    assert run("api_client", "list").split("\t")[-1].strip() == (
        "inquiries:create inquiries:read sla:read"
    )


def test_the_list_shows_each_clients_scopes(db: None) -> None:
    run("api_client", "create", "reader", "--scope", "inquiries:read")
    run("api_client", "create", "shop", "--scope", "sla:read", "--scope", "inquiries:create")

    lines = run("api_client", "list").strip().splitlines()
    assert lines[0].startswith("reader\t") and lines[0].endswith("\tactive\tinquiries:read")
    assert lines[1].endswith("\tactive\tinquiries:create sla:read")


def test_an_unknown_scope_is_refused_by_the_command(db: None) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'inquiries:delete'"):
        run("api_client", "create", "shop", "--scope", "inquiries:delete")


def test_a_token_without_inquiries_create_cannot_post(db: None) -> None:
    reader = client_with("inquiries:read")

    response = post_json(reader, "/api/v1/inquiries/", INQUIRY)

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "missing_scope",
            "message": "This token lacks the scope 'inquiries:create', which this request needs.",
            "missing_scope": "inquiries:create",
        }
    }
    assert not Inquiry.objects.exists()


def test_a_token_without_inquiries_read_cannot_list_inquiries(db: None) -> None:
    writer = client_with("inquiries:create")
    assert post_json(writer, "/api/v1/inquiries/", INQUIRY).status_code == 201

    response = writer.get("/api/v1/inquiries/")

    assert response.status_code == 403
    assert response.json()["error"]["missing_scope"] == "inquiries:read"


def test_a_token_without_inquiries_read_cannot_read_an_inquiry(db: None) -> None:
    inquiry_id = posted_inquiry_id()
    sla_only = client_with("sla:read")

    response = sla_only.get(f"/api/v1/inquiries/{inquiry_id}/")

    assert response.status_code == 403
    assert response.json()["error"]["missing_scope"] == "inquiries:read"


def test_a_create_only_token_still_gets_its_new_inquiry_back(db: None) -> None:
    writer = client_with("inquiries:create")

    response = post_json(writer, "/api/v1/inquiries/", INQUIRY)

    assert response.status_code == 201
    assert response.json()["ticket"]["status"] == "new"


@pytest.mark.parametrize(
    "path", ["/api/v1/calendars/", "/api/v1/sla-policies/", "/api/v1/calendars/1/"]
)
def test_the_sla_configuration_needs_sla_read(db: None, path: str) -> None:
    inquiries_only = client_with("inquiries:create", "inquiries:read")

    response = inquiries_only.get(path)

    assert response.status_code == 403
    assert response.json()["error"]["missing_scope"] == "sla:read"


def test_a_token_with_sla_read_reads_the_calendars(db: None) -> None:
    assert client_with("sla:read").get("/api/v1/calendars/").status_code == 200


def test_a_revoked_token_gets_401_whatever_its_scopes(db: None) -> None:
    everything = client_with()
    run("api_client", "revoke", "shop")

    assert everything.get("/api/v1/inquiries/").status_code == 401
    assert post_json(everything, "/api/v1/inquiries/", INQUIRY).status_code == 401


def test_an_unhandled_method_is_still_405_not_403(db: None) -> None:
    reader = client_with("inquiries:read")

    assert reader.delete("/api/v1/inquiries/").status_code == 405


def test_every_token_operation_in_the_schema_names_its_scope_and_documents_403(db: None) -> None:
    schema = Client().get("/api/schema/?format=json").json()
    token_operations = [
        (path, operation)
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if {"ApiClientToken": []} in operation.get("security", [])
    ]

    assert len(token_operations) == 7
    for path, operation in token_operations:
        (scope,) = operation["x-required-scopes"]
        assert f"`{scope}`" in operation["description"], path
        assert "403" in operation["responses"], path
