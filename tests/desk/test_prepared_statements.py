"""The ingest pipeline's long statements are prepared once per connection and stay correct when
the connection is replaced or a transaction that prepared them rolls back."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from desk.models import Inquiry
from tests.conftest import post_json, skip_or_fail
from tickets.models import Identity, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/inquiries/"


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("prepared statements are PostgreSQL's (DATABASE_URL)")


def inquiry(n: int, external_id: str | None = None) -> dict[str, Any]:
    return {
        "text": f"Where is my order {n}?",
        "author": {"name": f"Writer {n}", "email": f"writer{n}@example.org"},
        "external_id": external_id or f"order-{n}",
    }


def executed(api: Client, payload: dict[str, Any], status: int = 201) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = post_json(api, URL, payload)
    assert response.status_code == status, response.content
    return [query["sql"].split(None, 1)[0] for query in captured.captured_queries]


def test_a_connection_runs_the_new_author_and_new_rows_as_prepared_from_its_second_create(
    api: Client,
) -> None:
    first = executed(api, inquiry(1))
    second = executed(api, inquiry(2))
    third = executed(api, inquiry(3))

    assert "EXECUTE" not in first
    assert second.count("PREPARE") == 2 and second.count("EXECUTE") == 2
    assert "PREPARE" not in third and third.count("EXECUTE") == 2
    # What the prepared statements wrote is what the text wrote.
    assert Identity.objects.filter(email="writer3@example.org").count() == 1
    made = Inquiry.objects.get(external_id="order-3")
    assert made.ticket is not None
    assert made.ticket.contact_id == made.message.conversation.contact_id
    assert Ticket.objects.count() == 3


def test_a_new_connection_prepares_again(api: Client) -> None:
    executed(api, inquiry(1))
    executed(api, inquiry(2))
    connection.close()

    after_reconnect = executed(api, inquiry(3))
    again = executed(api, inquiry(4))

    assert "EXECUTE" not in after_reconnect
    assert again.count("PREPARE") == 2 and again.count("EXECUTE") == 2
    assert Inquiry.objects.count() == 4


def test_a_statement_prepared_in_a_transaction_that_rolled_back_stays_usable(
    api: Client,
) -> None:
    executed(api, inquiry(1))
    # The same external_id again: its new rows are prepared, then refused by the unique
    # constraint, and the transaction that prepared them rolls back.
    repeated = executed(api, inquiry(2, external_id="order-1"), status=200)
    assert repeated.count("PREPARE") == 2

    later = executed(api, inquiry(3))

    assert "PREPARE" not in later and later.count("EXECUTE") == 2
    assert Inquiry.objects.count() == 2


def test_prepared_statements_can_be_turned_off_for_a_pooler(api: Client, settings: Any) -> None:
    settings.PREPARED_STATEMENTS = False

    for n in range(3):
        assert not {"PREPARE", "EXECUTE"} & set(executed(api, inquiry(n)))
