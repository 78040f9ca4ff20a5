from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from tests.conftest import post_json

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def inquire(api: Client, when: datetime, text: str = "Where is my order?") -> dict[str, Any]:
    with time_machine.travel(when, tick=False):
        response = post_json(api, "/api/v1/inquiries/", {"text": text, "author": {"name": "Ann"}})
    assert response.status_code == 201
    return response.json()
