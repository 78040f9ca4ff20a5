"""SendGrid Inbound Parse: mail for the parse host name is posted to the channel's URL.

https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook
With "POST the raw, full MIME message" (send_raw) the mail is the `email` field; otherwise
it comes taken apart (`headers`, `text`, `html`, `attachmentN`) and is rebuilt here.
Signing needs a security policy attached to the parse setting
(https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/securing-your-parse-webhooks):
SendGrid signs timestamp + body with ECDSA P-256/SHA-256 and sends the base64 DER signature
and the timestamp in the headers below; we verify with the policy's public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from email import policy
from email.parser import HeaderParser
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from channels.adapters.base import ConfigField, SignatureError
from channels.adapters.mail.routes import SMTP_FIELDS, InboundMailAdapter
from channels.adapters.mail.routes.form import Form, assemble

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"


class SendGridAdapter(InboundMailAdapter):
    kind = "sendgrid"
    label = _("E-mail via SendGrid Inbound Parse")
    description = "A support address whose mail SendGrid Inbound Parse posts; SMTP replies."
    kept_headers = (SIGNATURE_HEADER, TIMESTAMP_HEADER)
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        *SMTP_FIELDS,
        ConfigField(
            "public_key",
            "Verification public key",
            help_text=_("The public key of the parse webhook's security policy (base64)."),
            example="MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...",
        ),
    )

    def verify_webhook(self, request: HttpRequest) -> None:
        key = self._public_key()
        given = request.headers.get(SIGNATURE_HEADER, "")
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        try:
            signature = base64.b64decode(given, validate=True)
            key.verify(signature, timestamp.encode() + request.body, ec.ECDSA(hashes.SHA256()))
        except (binascii.Error, ValueError, InvalidSignature):
            raise SignatureError(f"Missing or wrong {SIGNATURE_HEADER} header.") from None
        self.check_timestamp(timestamp)
        self.refuse_replay(self._delivery_id(given))

    def _public_key(self) -> ec.EllipticCurvePublicKey:
        text = "".join(
            line
            for line in str(self.config.get("public_key") or "").splitlines()
            if not line.startswith("-----")
        )
        try:
            key = load_der_public_key(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            raise SignatureError("This channel's SendGrid public key is not readable.") from None
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise SignatureError("This channel's SendGrid public key is not an EC key.")
        return key

    def delivery_id(self, request: HttpRequest) -> str | None:
        # SendGrid sends no delivery id; the signature is unique to one signed delivery.
        return self._delivery_id(request.headers.get(SIGNATURE_HEADER, ""))

    @staticmethod
    def _delivery_id(signature: str) -> str:
        return f"sendgrid-sig:{hashlib.sha256(signature.encode()).hexdigest()}"

    def mime_of(self, form: Form, *, stored: bytes) -> bytes:
        if "email" in form:
            return form["email"].data
        original = HeaderParser(policy=policy.compat32).parsestr(form.text("headers"))
        headers = [(name, str(value)) for name, value in original.items()]
        if not headers:
            headers = [("From", form.text("from")), ("To", form.text("to"))]
            headers.append(("Subject", form.text("subject")))
        return assemble(
            headers=headers,
            text=form.text("text"),
            html=form.text("html"),
            files=form.files(),
            stand_in_id=stored,
        )
