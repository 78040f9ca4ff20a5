"""Marking a channel as working follows its event's commit, and cannot undo the answer.

Transactional: the requests commit, so what waits for the commit runs inside them, as in
production.
"""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from channels.models import Channel
from desk.models import Inquiry
from tests.conftest import post_json, skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def channel_rows_refuse_updates() -> Iterator[None]:
    """The database refuses every change of a channel's row, as a lost connection or a lock
    timeout would just after an event's commit."""
    if connection.vendor != "postgresql":
        skip_or_fail("the refusing trigger is PostgreSQL's (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_channel_update() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'channel rows are read-only now'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_channel_update BEFORE UPDATE ON channels_channel "
            "FOR EACH ROW EXECUTE FUNCTION refuse_channel_update()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_channel_update ON channels_channel")
            cursor.execute("DROP FUNCTION refuse_channel_update()")


def test_an_inquiry_stored_is_answered_as_created_even_if_marking_its_channel_fails(
    api: Client, channel_rows_refuse_updates: None
) -> None:
    response = post_json(
        api, "/api/v1/inquiries/", {"text": "Where is my order?", "author": {"name": "Ann"}}
    )

    assert response.status_code == 201, response.content
    assert Inquiry.objects.filter(pk=response.json()["id"]).exists()
    assert Channel.objects.get(kind="api").last_success_at is None


def test_an_inquiry_marks_its_channel_working_once_committed(api: Client) -> None:
    response = post_json(
        api, "/api/v1/inquiries/", {"text": "Where is my order?", "author": {"name": "Ann"}}
    )

    assert response.status_code == 201
    assert Channel.objects.get(kind="api").last_success_at is not None
