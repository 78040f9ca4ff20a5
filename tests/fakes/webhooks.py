"""Posting platform webhook deliveries to our real endpoint, signed as each platform signs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from django.test import Client

from channels.models import Channel


def body_of(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def x_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def meta_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(
    channel: Channel, body: bytes, *, header: str, signature: str | None, capture: Any
) -> Any:
    """POST a delivery as the platform does, running what the commit enqueues."""
    extra = {} if signature is None else {f"HTTP_{header.upper().replace('-', '_')}": signature}
    with capture(execute=True):
        return Client().post(
            channel.webhook_path, data=body, content_type="application/json", **extra
        )
