"""Sending through the gate: staff replies, approvals, and rules' holding replies.

Every function here runs `gate.check` before it writes, whatever its caller checked before,
and records what it sent in the ticket's audit (TicketEvent). The message is queued in the
same transaction and handed to the channel's delivery task once it commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channels.tasks import deliver_message
from desk.access import Capability, can
from desk.outbound import gate
from desk.outbound.models import ReplyApproval
from desk.privacy.services.reply_notice import notice_for_reply, record_reply_notice
from tickets.models import Conversation, Message, Ticket, TicketEvent
from tickets.text import as_recorded

log = logging.getLogger(__name__)

# A reply's audit note, stored in English and shown in the reader's language.
_VOICE_NOTES: dict[str, str] = {
    Message.Voice.COMPANY: gettext_noop("in the company's voice"),
    Message.Voice.PERSONAL: gettext_noop("as a personal opinion"),
}


class ReplyRefused(Exception):
    """A message that must not be sent as written; the text says why, for the person."""


class ApprovalClosed(Exception):
    """The approval was decided already."""


@dataclass(frozen=True)
class Draft:
    text: str
    voice: str = Message.Voice.COMPANY
    is_holding: bool = False


def check_reply(
    *,
    ticket: Ticket,
    user: Any,
    draft: Draft,
    seen_message_id: int | None,
    confirmed_collision: bool,
    confirmed_duplicate: bool,
) -> gate.GateCheck:
    """The composer's question: may this draft go as it is, and what must the author confirm."""
    return gate.check(
        gate.Outgoing(gate.Kind.REPLY, ticket, user, draft.text, draft.voice),
        seen_message_id=seen_message_id,
        confirmed_collision=confirmed_collision,
        confirmed_duplicate=confirmed_duplicate,
    )


def send(*, ticket: Ticket, user: Any, draft: Draft) -> Message:
    """Send a staff reply; refused (ReplyRefused) unless the gate lets it through unaided."""
    outgoing = gate.Outgoing(gate.Kind.REPLY, ticket, user, draft.text, draft.voice)
    _require_passes(outgoing)
    return _post(ticket=ticket, author=user, draft=draft)


def request_approval(
    *, ticket: Ticket, user: Any, draft: Draft, reason: gate.Reason
) -> ReplyApproval:
    outgoing = gate.Outgoing(gate.Kind.REPLY, ticket, user, draft.text, draft.voice)
    result = gate.check(outgoing)
    if result.blocked:
        raise ReplyRefused(result.reason)
    with transaction.atomic():
        approval = ReplyApproval.objects.create(
            ticket=ticket,
            drafted_by=user,
            text=draft.text.strip(),
            voice=draft.voice,
            is_holding=draft.is_holding,
            reason=as_recorded(reason)[:300],
        )
        TicketEvent.record(ticket, "approval_requested", actor=user, new=approval.pk, note=reason)
    return approval


def approve(*, approval: ReplyApproval, user: Any, text: str = "") -> Message:
    """A spokesperson posts the draft (as edited) in the company's name."""
    if not can(user, Capability.APPROVE_REPLIES):
        raise ReplyRefused(_("Only spokespeople approve replies."))
    with transaction.atomic():
        approval = ReplyApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.state != ReplyApproval.State.PENDING:
            raise ApprovalClosed(_("This draft was decided already."))
        final = text.strip() or approval.text
        ticket = approval.ticket
        author = approval.drafted_by or user
        _require_passes(
            gate.Outgoing(
                gate.Kind.APPROVED_REPLY, ticket, user, final, approval.voice, approved_by=user
            )
        )
        draft = Draft(text=final, voice=approval.voice, is_holding=approval.is_holding)
        message = _post(ticket=ticket, author=author, draft=draft)
        approval.state = ReplyApproval.State.APPROVED
        approval.decided_by = user
        approval.decided_at = timezone.now()
        approval.message = message
        approval.save()
        TicketEvent.record(ticket, "approval_granted", actor=user, new=approval.pk)
    return message


def reject(*, approval: ReplyApproval, user: Any, note: str) -> None:
    if not can(user, Capability.APPROVE_REPLIES):
        raise ReplyRefused(_("Only spokespeople approve replies."))
    with transaction.atomic():
        approval = ReplyApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.state != ReplyApproval.State.PENDING:
            raise ApprovalClosed(_("This draft was decided already."))
        approval.state = ReplyApproval.State.REJECTED
        approval.decided_by = user
        approval.decided_at = timezone.now()
        approval.decision_note = note.strip()
        approval.save()
        TicketEvent.record(
            approval.ticket, "approval_rejected", actor=user, new=approval.pk, note=note
        )


def send_rule_holding_reply(*, ticket_id: int, text: str) -> Message | None:
    """A routing rule's holding reply, once the ticket is committed; a refusal is audited."""
    ticket = Ticket.objects.select_related("channel", "conversation").get(pk=ticket_id)
    outgoing = gate.Outgoing(gate.Kind.RULE_HOLDING_REPLY, ticket, None, text)
    result = gate.check(outgoing)
    if result.blocked:
        TicketEvent.record(ticket, "holding_reply_refused", note=result.reason)
        log.warning("holding reply for ticket %s refused: %s", ticket_id, result.reason)
        return None
    try:
        return _post(ticket=ticket, author=None, draft=Draft(text=text, is_holding=True))
    except ReplyRefused as exc:
        TicketEvent.record(ticket, "holding_reply_refused", note=str(exc)[:1000])
        log.warning("holding reply for ticket %s refused: %s", ticket_id, exc)
        return None


def _require_passes(outgoing: gate.Outgoing) -> None:
    result = gate.check(outgoing)
    if result.blocked or result.approval_reason:
        raise ReplyRefused(result.reason)


def _post(*, ticket: Ticket, author: Any, draft: Draft) -> Message:
    """Queue a reply for delivery through the ticket's channel (the gate has passed).

    Queueing changes no SLA clock: the reply counts as a response when the platform accepts
    it (desk.sla.delivery, on channels.hooks.reply_delivered). The conversation's first reply
    carries the retention notice where its channel gives it that way; the notice counts as
    given once that message is delivered (desk.privacy). A personal reply carries the
    employee disclosure (`#MyEmployer`, 000 HARMAN), appended here so no path can post one
    without it.
    """
    text = draft.text.strip()
    if not text:
        raise ReplyRefused(_("The reply is empty."))
    voice = draft.voice
    if voice not in Message.Voice.values:
        raise ReplyRefused(_("Unknown voice %(voice)r.") % {"voice": voice})
    disclosure = settings.EMPLOYEE_DISCLOSURE.strip()
    if voice == Message.Voice.PERSONAL and disclosure and disclosure not in text:
        text = f"{text} {disclosure}"
    adapter = ticket.channel.adapter()
    limit = adapter.max_reply_length
    if limit is not None and len(text) > limit:
        raise ReplyRefused(
            _("%(platform)s allows %(limit)s characters; this reply has %(length)s.")
            % {"platform": adapter.label, "limit": limit, "length": len(text)}
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        conversation = ticket.conversation
        notice = notice_for_reply(conversation=conversation, text=text, max_length=limit)
        sent_text = notice.reply_text if notice else text
        if limit is not None and len(sent_text) > limit:
            raise ReplyRefused(
                _(
                    "%(platform)s allows %(limit)s characters; with the retention notice this "
                    "first reply has %(length)s."
                )
                % {"platform": adapter.label, "limit": limit, "length": len(sent_text)}
            )
        parent = (
            conversation.messages.filter(direction=Message.Direction.INBOUND)
            .order_by("-created_at", "-id")
            .first()
        )
        reply = Message.objects.create(
            conversation=conversation,
            channel=ticket.channel,
            direction=Message.Direction.OUTBOUND,
            parent=parent,
            sent_by=author if getattr(author, "is_authenticated", False) else None,
            text=sent_text,
            language=ticket.language,
            is_holding_reply=draft.is_holding,
            voice=voice,
            delivery_state=Message.Delivery.QUEUED,
            created_at=now,
        )
        # Who approved it is the approval's own event; the note says in whose voice.
        TicketEvent.record(
            ticket,
            "holding_reply" if draft.is_holding else "reply",
            actor=author,
            new=reply.pk,
            note=_VOICE_NOTES.get(voice, ""),
        )
        if ticket.status == Ticket.Status.NEW:
            ticket.set_status(Ticket.Status.OPEN, actor=author)
        extra = (
            record_reply_notice(conversation=conversation, reply_notice=notice, reply=reply)
            if notice
            else []
        )
        Conversation.active_at(conversation.pk, now)
        for message in (reply, *extra):
            transaction.on_commit(partial(_enqueue_delivery, message.pk))
    return reply


def _enqueue_delivery(message_id: int) -> None:
    try:
        deliver_message.apply_async((message_id,))
    except Exception:  # noqa: BLE001 - the message stays queued; the delivery sweep retries
        log.warning("could not enqueue delivery of %s", message_id, exc_info=True)
