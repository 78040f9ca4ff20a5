"""The ingest pipeline's long statements are prepared once per connection and stay correct when
the connection is replaced or a transaction that prepared them rolls back."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from desk.models import Inquiry
from tests.conftest import post_json, skip_or_fail
from tickets import prepared
from tickets.models import Contact, Identity, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/inquiries/"


@pytest.fixture(autouse=True)
def _new_postgresql_connection() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("prepared statements are PostgreSQL's (DATABASE_URL)")
    connection.close()  # each test starts with a connection that has prepared nothing


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


def test_a_connection_prepares_the_new_author_and_new_rows_once_and_then_executes_them(
    api: Client,
) -> None:
    first = executed(api, inquiry(1))
    second = executed(api, inquiry(2))
    third = executed(api, inquiry(3))

    # The author and the new rows prepared in the transaction (with a savepoint each), the
    # counters after the commit on their own.
    assert first.count("SAVEPOINT") == 2 and first.count("PREPARE") == 1
    assert first.count("EXECUTE") == 3
    assert second.count("EXECUTE") == 3 and not {"SAVEPOINT", "PREPARE"} & set(second)
    assert third == second
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

    assert after_reconnect.count("SAVEPOINT") == 2 and after_reconnect.count("EXECUTE") == 3
    assert Inquiry.objects.count() == 3


def test_a_statement_prepared_in_a_transaction_that_rolled_back_stays_usable(
    api: Client,
) -> None:
    executed(api, inquiry(1))
    connection.close()
    # On a new connection, the same external_id again: its statements are prepared, the new
    # rows refused by the unique constraint, and the transaction that prepared them rolls back.
    repeated = executed(api, inquiry(2, external_id="order-1"), status=200)
    assert repeated.count("SAVEPOINT") == 2

    later = executed(api, inquiry(3))

    # Only the counters after the commit, which the refused create never reached, are new.
    assert later.count("EXECUTE") == 3 and "SAVEPOINT" not in later
    assert later.count("PREPARE") == 1
    assert Inquiry.objects.count() == 2


def test_a_connection_closed_after_each_request_runs_the_text(api: Client) -> None:
    kept = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        runs = [executed(api, inquiry(n)) for n in range(3)]
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = kept

    assert not any("EXECUTE" in run for run in runs)


def test_a_statement_postgresql_will_not_prepare_runs_as_text_in_the_same_transaction(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A parameter that nothing gives a type: PREPARE refuses it, the text form sends a literal.
    sql = "SELECT %s IS NULL"
    with transaction.atomic(), connection.cursor() as cursor:
        Contact.objects.create(display_name="Ada")
        prepared.execute(connection, cursor, sql, ["x"])
        first = cursor.fetchone()
        prepared.execute(connection, cursor, sql, [None])
        second = cursor.fetchone()
        Contact.objects.create(display_name="Bob")

    assert (first, second) == ((False,), (True,))
    assert sorted(Contact.objects.values_list("display_name", flat=True)) == ["Ada", "Bob"]
    assert "not prepared, run as text" in caplog.text


def test_prepared_statements_can_be_turned_off_for_a_pooler(api: Client, settings: Any) -> None:
    settings.PREPARED_STATEMENTS = False

    for n in range(3):
        assert "EXECUTE" not in executed(api, inquiry(n))
