"""The sandbox as a `requests` transport and an SMTP stand-in, mounted only in demo mode."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import requests.adapters
from django.db import transaction

from channels import http
from channels.adapters.mail import smtp
from desk.demo.sandbox import platform


class SandboxTransport(requests.adapters.BaseAdapter):
    """Answers http://sandbox.socialdesk.invalid/<platform>/... in-process."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        name, _, rest = parts.path.lstrip("/").partition("/")
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        body: Any = None
        if request.body:
            raw = request.body if isinstance(request.body, bytes) else str(request.body).encode()
            try:
                body = json.loads(raw)
            except ValueError:
                body = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        # Its own savepoint: a delivery holds the message's row lock in an open transaction.
        with transaction.atomic():
            answer = platform.answer(
                platform=name,
                method=request.method or "GET",
                path=f"/{rest}",
                params=params,
                body=body,
            )
        response = requests.Response()
        response.status_code = answer.status
        response._content = json.dumps(answer.body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def mount_sandbox() -> None:
    http.mount(f"{platform.BASE_URL}/", SandboxTransport())
    smtp.mount(platform.SMTP_HOST, platform.deliver_mail)
