"""Mailgun routes: a route's `forward("<webhook URL>")` action posts each mail to the channel.

https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/
Every post carries `timestamp`, `token` and `signature`: the hex HMAC-SHA256 of timestamp +
token keyed with the account's HTTP webhook signing key. A URL ending in "mime" gets the full
message in `body-mime`; otherwise the mail comes taken apart (`message-headers` as JSON pairs,
`body-plain`, `body-html`, `attachment-N` files) and is rebuilt for the mail parser.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import ClassVar

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from channels.adapters.base import ConfigField, InvalidPayload, SignatureError
from channels.adapters.mail.routes import SMTP_FIELDS, InboundMailAdapter
from channels.adapters.mail.routes.form import Form, assemble


class MailgunAdapter(InboundMailAdapter):
    kind = "mailgun"
    label = _("E-mail via Mailgun routes")
    description = "A support address whose mail Mailgun forwards to socialdesk; SMTP replies."
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        *SMTP_FIELDS,
        ConfigField(
            "signing_key",
            "HTTP webhook signing key",
            secret=True,
            help_text=_("Mailgun: Sending > Webhooks > HTTP webhook signing key."),
        ),
    )

    def verify_webhook(self, request: HttpRequest) -> None:
        key = self.secret("signing_key")
        if not key:
            raise SignatureError("This channel has no Mailgun signing key configured.")
        try:
            form = self.form_of(request)
        except InvalidPayload as exc:
            raise SignatureError(f"Not a Mailgun form: {exc}") from None
        timestamp, token = form.text("timestamp"), form.text("token")
        expected = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
        if not token or not hmac.compare_digest(form.text("signature").encode(), expected.encode()):
            raise SignatureError("Missing or wrong Mailgun signature.")
        self.check_timestamp(timestamp)
        self.refuse_replay(self._delivery_id(token))

    def delivery_id(self, request: HttpRequest) -> str | None:
        return self._delivery_id(self.form_of(request).text("token"))

    @staticmethod
    def _delivery_id(token: str) -> str:
        return f"mailgun-token:{token}"

    def mime_of(self, form: Form, *, stored: bytes) -> bytes:
        if "body-mime" in form:
            return form["body-mime"].data
        try:
            pairs = json.loads(form.text("message-headers") or "[]")
        except json.JSONDecodeError:
            raise InvalidPayload("message-headers is not JSON.") from None
        headers = [(str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2]
        if not headers:
            headers = [
                (name, form.text(key))
                for name, key in (("From", "from"), ("Subject", "subject"))
                if key in form
            ]
        return assemble(
            headers=headers,
            text=form.text("body-plain"),
            html=form.text("body-html"),
            files=form.files(),
            stand_in_id=stored,
        )
