from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from channels.models import Channel
from tickets.models import Message, Ticket


@pytest.fixture(autouse=True)
def channel_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    # Fake platforms live on 127.0.0.1, which production refuses; retries wait briefly.
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.HTTP_RETRY_BASE_SECONDS = 0.01
    settings.HTTP_MAX_RETRY_WAIT_SECONDS = 2
    settings.HTTP_TIMEOUT_SECONDS = 5
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEBFORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def run_command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def poll(django_capture_on_commit_callbacks: Any) -> Callable[[Channel], str]:
    """Poll a channel as `manage.py channel poll` does, processing what it stored."""

    def run(channel: Channel) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return run_command("channel", "poll", channel.name)

    return run


@pytest.fixture
def reply_to(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> Callable[[Ticket, str], Message]:
    """Answer a ticket as an agent does on the ticket page; delivery runs inline."""

    def send(ticket: Ticket, text: str) -> Message:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                f"/tickets/{ticket.pk}/reply/", {"text": text, "voice": "company"}
            )
        assert response.status_code == 302
        # On private channels the retention notice follows the first reply as its own message.
        return Message.objects.get(direction="out", text__startswith=text)

    return send


LONG_TEXT = ("Grüße 👋🏽 مرحبا بالعالم zero\u200bwidth\u200d joiner <b>&amp;</b> " * 200)[:10_000]


@pytest.fixture(autouse=True)
def notice_in_channel_profile(settings: Any) -> None:
    """Adapter tests look at transport, not at the retention notice (tests/desk/privacy do):
    with the notice given in the channel profile, replies go out exactly as written."""
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "channel_profile"


@pytest.fixture
def staff_client(spokesperson_client: Client) -> Client:
    """Adapter tests answer as a spokesperson: who may post what is tested in tests/desk."""
    return spokesperson_client
