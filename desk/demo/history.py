"""A plausible past for the demo: older mentions were answered and resolved, as in a desk
that has been running for weeks, so the inbox and the dashboards show a working team; and
one agent's draft waits for a spokesperson's approval."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.outbound.models import ReplyApproval
from desk.outbound.services import Draft, check_reply, request_approval
from desk.privacy.services.notices import record_notice
from desk.privacy.services.reply_notice import notice_for_reply
from desk.sla import clocks
from tickets.models import Conversation, Message, Ticket, TicketEvent

ANSWERS = {
    "en": "Thanks for getting in touch, we have looked into it and sent you the details.",
    "de": "Danke für Ihre Nachricht, wir haben es geprüft und Ihnen die Details geschickt.",
    "fr": "Merci pour votre message, nous avons vérifié et vous avons envoyé les détails.",
    "pl": "Dziękujemy za wiadomość, sprawdziliśmy to i wysłaliśmy szczegóły.",
    "sv": "Tack för ditt meddelande, vi har tittat på det och skickat detaljerna.",
}
APOLOGIES = {
    "en": "We are sorry about this. Our team is looking into it and will get back to you today.",
    "de": "Das tut uns leid. Unser Team sieht sich das an und meldet sich heute bei Ihnen.",
    "fr": "Nous en sommes désolés. Notre équipe s'en occupe et revient vers vous aujourd'hui.",
    "pl": "Przepraszamy. Nasz zespół już się tym zajmuje i odezwie się dzisiaj.",
    "sv": "Vi beklagar. Vårt team tittar på det och hör av sig i dag.",
}
# Older than this, a demo ticket has usually been answered.
ANSWERED_AFTER = timedelta(days=2)


def answer_history(*, rng: random.Random, responder: Any, share: float = 0.8) -> int:
    """Answer and resolve most demo tickets older than two days, at plausible past moments
    (a few business-day hours after they arrived). Returns how many were answered."""
    now = timezone.now()
    answered = 0
    old = Ticket.objects.filter(
        status=Ticket.Status.NEW, created_at__lt=now - ANSWERED_AFTER
    ).select_related("conversation", "channel")
    for ticket in old.order_by("created_at"):
        if rng.random() > share:
            continue
        at = ticket.created_at + timedelta(minutes=rng.randint(20, 60 * 60))
        _answer(ticket=ticket, responder=responder, at=min(at, now))
        answered += 1
    return answered


def _answer(*, ticket: Ticket, responder: Any, at: datetime) -> None:
    conversation = ticket.conversation
    text = ANSWERS.get(ticket.language, ANSWERS["en"])
    with transaction.atomic():
        # As the reply service sends a first reply: with the retention notice where the
        # channel gives it that way, recorded as given (the past answer was delivered).
        carried = notice_for_reply(conversation=conversation, text=text, max_length=None)
        sent_text = carried.reply_text if carried is not None else text
        answer = _sent(ticket, responder, f"demo-reply-{ticket.pk}", at, sent_text)
        if carried is not None:
            carrier = (
                _sent(ticket, responder, f"demo-notice-{ticket.pk}", at, carried.standalone_text)
                if carried.standalone_text
                else answer
            )
            record_notice(
                conversation=conversation,
                notice=carried.notice,
                method=carried.method,
                given_at=at,
                message=carrier,
            )
        Conversation.active_at(conversation.pk, at)
        clocks.record_response(ticket=ticket, at=at)
        TicketEvent.record(ticket, "reply", actor=responder, note=gettext_noop("demo history"))
        ticket.set_status(
            Ticket.Status.RESOLVED, actor=responder, note=gettext_noop("demo history")
        )


def _sent(ticket: Ticket, responder: Any, platform_id: str, at: datetime, text: str) -> Message:
    return Message.objects.create(
        conversation=ticket.conversation,
        channel=ticket.channel,
        direction=Message.Direction.OUTBOUND,
        platform_id=platform_id,
        sent_by=responder,
        text=text,
        language=ticket.language,
        voice=Message.Voice.COMPANY,
        delivery_state=Message.Delivery.SENT,
        created_at=at,
    )


def draft_for_approval(*, drafter: Any) -> ReplyApproval | None:
    """The drafter's reply in the company's voice to the newest open public post in their
    queues, as the composer submits it: the gate holds it for a spokesperson."""
    candidates = Ticket.objects.filter(
        status__in=(Ticket.Status.NEW, Ticket.Status.OPEN),
        conversation__is_private=False,
        queue__in=drafter.desk_queues.all(),
    ).select_related("conversation", "channel")
    for ticket in candidates.order_by("-created_at")[:20]:
        draft = Draft(text=APOLOGIES.get(ticket.language, APOLOGIES["en"]))
        check = check_reply(
            ticket=ticket,
            user=drafter,
            draft=draft,
            seen_message_id=None,
            confirmed_collision=True,
            confirmed_duplicate=True,
        )
        if check.approval_reason and not check.blocked:
            return request_approval(
                ticket=ticket, user=drafter, draft=draft, reason=check.approval_reason
            )
    return None
