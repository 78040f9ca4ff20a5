"""Posting mail to a channel's webhook URL as SendGrid Inbound Parse and Mailgun routes do."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from channels.models import Channel
from tests.fakes.smtp import FakeSmtp

# (name, value) for a field, (name, filename, content type, bytes) for a file.
FormPart = tuple[str, bytes] | tuple[str, str, str, bytes]


def multipart(parts: list[FormPart]) -> tuple[bytes, str]:
    boundary = "xYzZY" + secrets.token_hex(6)
    chunks = []
    for part in parts:
        if len(part) == 2:
            name, value = part
            head = f'Content-Disposition: form-data; name="{name}"\r\n'
        else:
            name, filename, content_type, value = part
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n"
            )
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode() + value + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class SendGridSigner:
    """The key pair of a parse webhook's security policy; SendGrid keeps the private half."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())

    @property
    def public_key(self) -> str:
        der = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode()

    def headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.private_key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return {
            "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": base64.b64encode(signature).decode(),
            "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP": stamp,
        }


def post_form(
    channel: Channel, body: bytes, content_type: str, *, capture: Any, **headers: str
) -> Any:
    """POST as the service does, running what the commit enqueues (processing)."""
    with capture(execute=True):
        return Client().post(channel.webhook_path, data=body, content_type=content_type, **headers)


def mailgun_signature(
    key: str, *, timestamp: int | None = None, token: str | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or secrets.token_hex(25)
    digest = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    return {"timestamp": stamp, "token": token, "signature": digest}


def mailgun_urlencoded(fields: dict[str, str]) -> tuple[bytes, str]:
    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


def smtp_values(smtp: FakeSmtp) -> dict[str, str]:
    """The SMTP half of an inbound-parse channel's settings, pointed at a fake server."""
    return {
        "address": "support@infopark.example",
        "smtp_host": "127.0.0.1",
        "smtp_port": str(smtp.port),
        "smtp_security": "none",
        "smtp_login": "false",
    }
