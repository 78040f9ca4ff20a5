"""A partner system behind a generic webhook channel that accepts our replies."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.server import FakePlatform, Request, Response

REPLY_PATH = "/replies"


class FakePartner(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.replies: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    @property
    def reply_url(self) -> str:
        return f"{self.url}{REPLY_PATH}"

    def handle(self, request: Request) -> Response:
        if request.method == "POST" and request.path == REPLY_PATH:
            self.replies.append(request.json())
            return Response(201, {"id": f"partner-reply-{next(self._ids)}"})
        return Response(404, {"error": "not found"})
