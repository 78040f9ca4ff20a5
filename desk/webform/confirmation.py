"""The receipt a person gets after sending the web form, with the notice they were shown."""

from __future__ import annotations

import json

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from channels.adapters.webform_texts import WORDS
from channels.models import InboundEvent


def send_confirmation(*, event_id: int) -> str:
    with transaction.atomic():
        event = (
            InboundEvent.objects.select_for_update()
            .select_related("channel")
            .filter(pk=event_id, source=InboundEvent.Source.FORM)
            .first()
        )
        if event is None:
            return "missing"
        if event.headers.get("confirmation_sent_at"):
            return "already sent"
        form = json.loads(bytes(event.body))
        words = WORDS.get(form.get("language", "en"), WORDS["en"])
        adapter = event.channel.adapter()
        domain = adapter.sender.rpartition("@")[2] or "socialdesk.invalid"
        message = EmailMessage(
            subject=words["confirm_subject"],
            body=render_to_string(
                "webform/confirmation_email.txt",
                {
                    "words": words,
                    "form": form,
                    "intro": words["confirm_intro"].format(name=form["name"]),
                },
            ),
            from_email=adapter.sender,
            to=[form["email"]],
            headers={
                "Message-ID": f"<webform-receipt-{event.pk}@{domain}>",
                # RFC 3834: a machine's message, so auto-responders do not answer it.
                "Auto-Submitted": "auto-generated",
            },
        )
        message.send()
        event.headers = {**event.headers, "confirmation_sent_at": timezone.now().isoformat()}
        event.save(update_fields=["headers"])
    return "sent"
