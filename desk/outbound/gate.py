"""The one gate every message leaving the company passes (000 HARMAN, 002, 003, 004).

`check` answers, for something about to be sent on a ticket, whether it may go as it is:

1. who: the actor's role and queues (a rule's holding reply and a web form's receipt are the
   company speaking, with no person behind them);
2. netiquette: a ticket marked as a netiquette violation gets no answer (002) until a person
   with the right role takes the mark back; a read-only channel (a feed) takes no answer;
3. confidential terms: never disclose what is not public (000);
4. approval: a routing rule asked for it, a negative public post, or the company's voice from
   someone who may not speak for it (004) — the draft then waits for a spokesperson;
5. confirmations an agent may override: somebody else replied meanwhile, or the draft nearly
   repeats a reply already posted (003: consistent, but no copy-paste).

The services in `desk.outbound.services` (and the web form's receipt, desk.webform) call it
before every send and record what they sent (or refused) in the ticket's audit, so no path can
post around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from desk.access import Capability, can, visible_queue_ids
from desk.classification.models import TicketDecision
from desk.outbound.models import ConfidentialTerm
from tickets.models import Message, Ticket
from tickets.text import with_values, worded

NEAR_DUPLICATE_WINDOW = timedelta(days=7)
NEAR_DUPLICATE_SIMILARITY = 0.8
# The newest public replies compared against a draft; older ones in the window are rarer
# copy-paste sources and comparing is linear in their number.
NEAR_DUPLICATE_CANDIDATES = 500
NEGATIVE = "negative"


class Kind(StrEnum):
    REPLY = "reply"  # a public or private reply written by staff
    APPROVED_REPLY = "approved_reply"  # a draft a spokesperson approved
    RULE_HOLDING_REPLY = "rule_holding_reply"  # a routing rule's "we are on it"
    PRIVATE_REPLY = "private_reply"  # a private message answering a public comment
    HIDE_COMMENT = "hide_comment"  # moderation: hiding a customer's comment
    RECEIPT = "receipt"  # the automatic receipt for a web form submission


# Messages the company sends with no person behind them: the managers' own texts.
AUTOMATIC = frozenset({Kind.RULE_HOLDING_REPLY, Kind.RECEIPT})


# What only a text-carrying message needs checked.
CARRIES_TEXT = frozenset(
    {Kind.REPLY, Kind.APPROVED_REPLY, Kind.RULE_HOLDING_REPLY, Kind.PRIVATE_REPLY, Kind.RECEIPT}
)


@dataclass(frozen=True)
class Outgoing:
    kind: Kind
    ticket: Ticket
    # The person sending; None only for the automatic kinds (AUTOMATIC).
    actor: Any
    text: str = ""
    voice: str = Message.Voice.COMPANY
    # The spokesperson who approved the draft (APPROVED_REPLY).
    approved_by: Any = None


# Why a message may not go (or must wait): the gate's messages stay lazy, so the person sees
# them in their language and the audit stores their English source (TicketEvent.record),
# which the trail words in each reader's.
Reason = str | Promise
# The gate's reasons that name something: recorded in English with the names in place, and
# worded again for each reader of the trail (tickets.text.reworded).
CONFIDENTIAL_TERM = with_values(gettext_noop("The text contains a confidential term: %(terms)s."))
TAKES_NO_REPLIES = with_values(
    gettext_noop("%(kind)s channels take no replies: answer on the original through its link.")
)


@dataclass
class GateCheck:
    refused: Reason = ""
    # (segment, is_confidential) pieces of the text, for highlighting; empty when clean.
    confidential: list[tuple[str, bool]] = field(default_factory=list)
    blocked_terms: list[str] = field(default_factory=list)
    approval_reason: Reason = ""
    replied_meanwhile: Message | None = None
    near_duplicate: Message | None = None

    @property
    def blocked(self) -> bool:
        return bool(self.refused or self.blocked_terms)

    @property
    def reason(self) -> Reason:
        """Why the message cannot go as it is (for the audit and error messages)."""
        if self.refused:
            return self.refused
        if self.blocked_terms:
            return worded(CONFIDENTIAL_TERM, terms=", ".join(self.blocked_terms))
        return self.approval_reason


def check(
    outgoing: Outgoing,
    *,
    seen_message_id: int | None = None,
    confirmed_collision: bool = True,
    confirmed_duplicate: bool = True,
) -> GateCheck:
    result = GateCheck()
    result.refused = (
        _who_may_not(outgoing) or _netiquette(outgoing) or _channel_takes_no_replies(outgoing)
    )
    if result.refused:
        return result
    if outgoing.kind in CARRIES_TEXT:
        spans = confidential_matches(outgoing.text)
        if spans:
            result.blocked_terms = sorted({outgoing.text[s:e].lower() for s, e in spans})
            result.confidential = split_by_matches(outgoing.text, spans)
            return result
    result.approval_reason = approval_reason(outgoing)
    if result.approval_reason:
        return result
    if outgoing.kind == Kind.REPLY:
        ticket = outgoing.ticket
        if not confirmed_collision and seen_message_id is not None:
            result.replied_meanwhile = replied_meanwhile(
                ticket=ticket, user=outgoing.actor, seen_message_id=seen_message_id
            )
        if not confirmed_duplicate and not ticket.conversation.is_private:
            result.near_duplicate = near_duplicate(outgoing.text)
    return result


def _who_may_not(outgoing: Outgoing) -> Reason:
    actor, ticket = outgoing.actor, outgoing.ticket
    if actor is None:
        if outgoing.kind in AUTOMATIC:
            return ""
        return _("Only staff send messages; rules send only holding replies.")
    if not can(actor, Capability.WORK_TICKETS):
        return _("Your role does not allow working on tickets.")
    if ticket.queue_id not in visible_queue_ids(actor):
        return _("This ticket is not in your queues.")
    if outgoing.kind == Kind.APPROVED_REPLY and not can(
        outgoing.approved_by, Capability.APPROVE_REPLIES
    ):
        return _("Only spokespeople approve replies.")
    return ""


def _channel_takes_no_replies(outgoing: Outgoing) -> Reason:
    """A read-only source (a feed) carries no answer: staff reply on the original."""
    adapter = outgoing.ticket.channel.adapter()
    if outgoing.kind in CARRIES_TEXT and not adapter.takes_replies:
        return worded(TAKES_NO_REPLIES, kind=adapter.label)
    return ""


def _netiquette(outgoing: Outgoing) -> Reason:
    if outgoing.kind == Kind.HIDE_COMMENT:
        return ""
    if outgoing.ticket.status == Ticket.Status.IGNORED:
        return _(
            "This ticket is marked as a netiquette violation: it gets no answer. Take the "
            "mark back first if it was set in error."
        )
    return ""


def approval_reason(outgoing: Outgoing) -> Reason:
    """Why this message needs a spokesperson's approval first, or "" when it does not."""
    if outgoing.kind not in (Kind.REPLY, Kind.PRIVATE_REPLY):
        # Approved drafts were approved; a rule's holding reply is the managers' own text.
        return ""
    ticket, user = outgoing.ticket, outgoing.actor
    if routing_asked_for_approval(ticket) and not can(user, Capability.APPROVE_REPLIES):
        return _("A routing rule asked for a spokesperson's approval of replies on this ticket.")
    if ticket.conversation.is_private or outgoing.kind == Kind.PRIVATE_REPLY:
        return ""
    if ticket.sentiment == NEGATIVE and not can(user, Capability.ANSWER_NEGATIVE_POSTS):
        return _("Only spokespeople answer negative public posts.")
    if outgoing.voice == Message.Voice.COMPANY and not can(user, Capability.POST_COMPANY_VOICE):
        return _("Only spokespeople post in the company's voice on public channels.")
    return ""


def routing_asked_for_approval(ticket: Ticket) -> bool:
    return TicketDecision.objects.filter(ticket_id=ticket.pk, needs_approval=True).exists()


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
    """A public reply we posted this week that the draft nearly repeats."""
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
