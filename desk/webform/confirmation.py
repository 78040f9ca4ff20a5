"""The receipt a person gets after sending the web form, with the notice they were shown.

A receipt leaves the company like any reply, so it passes the outbound gate on the ticket the
submission became: a submission marked as a netiquette violation gets no receipt, a notice or
greeting that carries a confidential term is held back, and either outcome is written to the
ticket's audit. The receipt therefore waits until the submission has been processed.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from channels.models import InboundEvent
from desk.outbound import gate
from desk.webform.words import LANGUAGES, form_words
from tickets.models import Message, Ticket, TicketEvent


class Receipt(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    MISSING = "missing"
    # Not processed yet: the task asks again a little later.
    WAITING = "waiting"
    # Processed without a ticket (spam, a monitored channel): nobody to answer for.
    NO_TICKET = "no ticket"
    REFUSED = "refused"


def send_confirmation(*, event_id: int) -> Receipt:
    with transaction.atomic():
        event = (
            InboundEvent.objects.select_for_update()
            .select_related("channel")
            .filter(pk=event_id, source=InboundEvent.Source.FORM)
            .first()
        )
        if event is None:
            return Receipt.MISSING
        if event.headers.get("confirmation_sent_at") or event.headers.get("confirmation_outcome"):
            return Receipt.ALREADY_SENT
        if event.state == InboundEvent.State.PENDING:
            return Receipt.WAITING
        ticket = _ticket_of(event)
        if ticket is None:
            return _record(event, Receipt.NO_TICKET)
        form = json.loads(bytes(event.body))
        language = form.get("language", "en")
        words = form_words(language if language in LANGUAGES else "en")
        intro = words["confirm_intro"] % {"name": form["name"]}
        # The gate reads what the company writes; the person's own message, quoted back to
        # them, discloses nothing and is theirs to word as they like.
        company_text = f"{intro}\n{form['notice'].get('text', '')}"
        result = gate.check(gate.Outgoing(gate.Kind.RECEIPT, ticket, None, company_text))
        if result.blocked:
            TicketEvent.record(ticket, "receipt_refused", note=result.reason)
            return _record(event, Receipt.REFUSED)
        _mail(event, form, words, intro).send()
        TicketEvent.record(ticket, "receipt_sent", note=form["email"])
        event.headers = {**event.headers, "confirmation_sent_at": timezone.now().isoformat()}
        event.save(update_fields=["headers"])
    return Receipt.SENT


def _ticket_of(event: InboundEvent) -> Ticket | None:
    message = Message.objects.filter(inbound_event=event).only("conversation_id").first()
    if message is None:
        return None
    return (
        Ticket.objects.select_related("channel", "conversation")
        .filter(conversation_id=message.conversation_id)
        .order_by("-id")
        .first()
    )


def _record(event: InboundEvent, outcome: Receipt) -> Receipt:
    event.headers = {**event.headers, "confirmation_outcome": outcome.value}
    event.save(update_fields=["headers"])
    return outcome


def _mail(
    event: InboundEvent, form: dict[str, Any], words: dict[str, str], intro: str
) -> EmailMessage:
    adapter = event.channel.adapter()
    domain = adapter.sender.rpartition("@")[2] or "socialdesk.invalid"
    return EmailMessage(
        subject=words["confirm_subject"],
        body=render_to_string(
            "webform/confirmation_email.txt", {"words": words, "form": form, "intro": intro}
        ),
        from_email=adapter.sender,
        to=[form["email"]],
        headers={
            "Message-ID": f"<webform-receipt-{event.pk}@{domain}>",
            # RFC 3834: a machine's message, so auto-responders do not answer it.
            "Auto-Submitted": "auto-generated",
        },
    )
