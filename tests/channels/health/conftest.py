"""Channel health: a Meta channel on a fake Graph API, recipients of its warnings, and a
channel's delivery history laid out in time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from tests.conftest import make_staff_client
from tests.fakes.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph

META_PAGE_PERMISSIONS = (
    "pages_show_list",
    "pages_manage_metadata",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_messaging",
)


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph().running() as fake:
        fake.permissions = {name: "granted" for name in META_PAGE_PERMISSIONS}
        fake.subscribed_fields = {PAGE_ID: ["feed", "messages", "mention"]}
        yield fake


@pytest.fixture
def meta_channel(db: None, graph: FakeGraph) -> Channel:
    return create_channel(
        kind="meta",
        name="Facebook page",
        values={
            "graph_url": graph.url,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "page_tokens": f"{PAGE_ID}:{PAGE_TOKEN}",
        },
    )


@pytest.fixture
def manager_client(db: None, django_user_model: Any) -> Client:
    """A manager of the desk (not a Django staff user): looks after the channels."""
    return make_staff_client(django_user_model, "mia", "manager")


@pytest.fixture
def deliveries() -> Callable[..., None]:
    """Lay out a channel's webhook deliveries: `count` of them `every` apart, the last at
    `last`, as if the platform had sent them then."""

    def lay_out(channel: Channel, *, count: int, every: timedelta, last: datetime) -> None:
        InboundEvent.objects.bulk_create(
            InboundEvent(
                channel=channel,
                source=InboundEvent.Source.WEBHOOK,
                delivery_id=f"laid-out-{(last - index * every).timestamp()}",
                body=b"{}",
                state=InboundEvent.State.DONE,
                received_at=last - index * every,
            )
            for index in range(count)
        )

    return lay_out


def now() -> datetime:
    return timezone.now()
