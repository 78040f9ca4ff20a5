"""Checks a reply passes before it is sent, and the approval of public replies.

Order of the checks (`check_reply`): confidential terms block; a reply the author may not
post goes to a spokesperson for approval; a reply posted by someone else meanwhile and a
near-duplicate of a recent public reply each ask the author to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.triage.models import ConfidentialTerm, ReplyApproval
from desk.triage.permissions import Capability, can
from tickets.models import Message, Ticket, TicketEvent
from tickets.services import ReplyRefused, post_reply

NEAR_DUPLICATE_WINDOW = timedelta(days=7)
NEAR_DUPLICATE_SIMILARITY = 0.8
# The newest public replies compared against a draft; older ones in the window are rarer
# copy-paste sources and comparing is linear in their number.
NEAR_DUPLICATE_CANDIDATES = 500
NEGATIVE = "negative"


@dataclass(frozen=True)
class Draft:
    text: str
    voice: str
    is_holding: bool = False


@dataclass
class ReplyCheck:
    # (segment, is_confidential) pieces of the draft, for highlighting; empty when clean.
    confidential: list[tuple[str, bool]] = field(default_factory=list)
    blocked_terms: list[str] = field(default_factory=list)
    approval_reason: str = ""
    replied_meanwhile: Message | None = None
    near_duplicate: Message | None = None

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_terms)


def check_reply(
    *,
    ticket: Ticket,
    user: Any,
    draft: Draft,
    seen_message_id: int | None,
    confirmed_collision: bool,
    confirmed_duplicate: bool,
) -> ReplyCheck:
    check = ReplyCheck()
    matches = confidential_matches(draft.text)
    if matches:
        check.blocked_terms = sorted({draft.text[s:e].lower() for s, e in matches})
        check.confidential = split_by_matches(draft.text, matches)
        return check
    check.approval_reason = approval_reason(ticket=ticket, user=user, voice=draft.voice)
    if check.approval_reason:
        return check
    if not confirmed_collision and seen_message_id is not None:
        check.replied_meanwhile = replied_meanwhile(
            ticket=ticket, user=user, seen_message_id=seen_message_id
        )
    if not confirmed_duplicate and not ticket.conversation.is_private:
        check.near_duplicate = near_duplicate(draft.text)
    return check


def confidential_matches(text: str) -> list[tuple[int, int]]:
    """Spans of confidential terms in the text, as whole words, ignoring case."""
    terms = list(ConfidentialTerm.objects.values_list("term", flat=True))
    if not terms:
        return []
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def split_by_matches(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def approval_reason(*, ticket: Ticket, user: Any, voice: str) -> str:
    """Why this user may not post this reply themselves, or "" when they may."""
    if ticket.conversation.is_private:
        return ""
    if ticket.sentiment == NEGATIVE and not can(user, Capability.ANSWER_NEGATIVE_POSTS):
        return _("Only spokespeople answer negative public posts.")
    if voice == Message.Voice.COMPANY and not can(user, Capability.POST_COMPANY_VOICE):
        return _("Only spokespeople post in the company's voice on public channels.")
    return ""


def replied_meanwhile(*, ticket: Ticket, user: Any, seen_message_id: int) -> Message | None:
    return (
        Message.objects.filter(
            conversation_id=ticket.conversation_id,
            direction=Message.Direction.OUTBOUND,
            id__gt=seen_message_id,
        )
        .exclude(sent_by=user)
        .select_related("sent_by")
        .order_by("-id")
        .first()
    )


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def similarity(a: str, b: str) -> float:
    left, right = _shingles(a), _shingles(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def near_duplicate(text: str) -> Message | None:
    """A public reply we posted this week that the draft nearly repeats (003: answers must
    agree, but not be copy-paste)."""
    since = timezone.now() - NEAR_DUPLICATE_WINDOW
    recent = (
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            created_at__gte=since,
            conversation__is_private=False,
        )
        .exclude(delivery_state=Message.Delivery.FAILED)
        .order_by("-created_at")[:NEAR_DUPLICATE_CANDIDATES]
    )
    for message in recent:
        if similarity(text, message.text) >= NEAR_DUPLICATE_SIMILARITY:
            return message
    return None


def send(*, ticket: Ticket, user: Any, draft: Draft, approved_by: Any = None) -> Message:
    return post_reply(
        ticket=ticket,
        author=user,
        text=draft.text,
        is_holding=draft.is_holding,
        voice=draft.voice,
        disclosure=settings.EMPLOYEE_DISCLOSURE,
        approved_by=approved_by,
    )


def request_approval(*, ticket: Ticket, user: Any, draft: Draft, reason: str) -> ReplyApproval:
    with transaction.atomic():
        approval = ReplyApproval.objects.create(
            ticket=ticket,
            drafted_by=user,
            text=draft.text.strip(),
            voice=draft.voice,
            is_holding=draft.is_holding,
            reason=reason[:300],
        )
        TicketEvent.record(ticket, "approval_requested", actor=user, new=approval.pk, note=reason)
    return approval


class ApprovalClosed(Exception):
    """The approval was decided already."""


def approve(*, approval: ReplyApproval, user: Any, text: str = "") -> Message:
    """A spokesperson posts the draft (as edited) in the company's name."""
    if not can(user, Capability.APPROVE_REPLIES):
        raise ReplyRefused(_("Only spokespeople approve replies."))
    with transaction.atomic():
        approval = ReplyApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.state != ReplyApproval.State.PENDING:
            raise ApprovalClosed(_("This draft was decided already."))
        final = text.strip() or approval.text
        if confidential_matches(final):
            raise ReplyRefused(_("The reply contains a confidential term."))
        message = send(
            ticket=approval.ticket,
            user=approval.drafted_by or user,
            draft=Draft(text=final, voice=approval.voice, is_holding=approval.is_holding),
            approved_by=user,
        )
        approval.state = ReplyApproval.State.APPROVED
        approval.decided_by = user
        approval.decided_at = timezone.now()
        approval.message = message
        approval.save()
        TicketEvent.record(approval.ticket, "approval_granted", actor=user, new=approval.pk)
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
