"""The notice that travels with the first reply of a conversation, and only with the first.

The reply service asks `notice_for_reply` inside its transaction; on a public conversation the
notice is appended to the reply (the full text, or a link when the platform's limit leaves no
room for it), on a private one it follows as a message of its own. The notice counts as given
when the message carrying it is delivered (`on_reply_delivered`); until then it is in transit,
and a carrier that failed for good leaves the next reply to carry it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.privacy.models import ConversationNotice, NoticeInTransit, NoticeMethod, RetentionNotice
from desk.privacy.models.notices import SENT_METHODS
from desk.privacy.services.notices import (
    channel_config,
    link_line,
    notice_for_conversation,
    record_notice,
)
from desk.sla.delivery import accepted_at
from tickets.models import Conversation, Message


@dataclass(frozen=True)
class ReplyNotice:
    notice: RetentionNotice
    method: str
    # The reply as it is sent: with the notice appended, or unchanged.
    reply_text: str
    # A message of its own that follows the reply (private conversations), or "".
    standalone_text: str


def notice_for_reply(
    *, conversation: Conversation, text: str, max_length: int | None
) -> ReplyNotice | None:
    """The notice to send with this reply, or None if it was given already or goes otherwise.

    Call it inside the reply's transaction: it locks the conversation so that two first
    replies at once carry the notice once.
    """
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    if ConversationNotice.objects.filter(conversation=conversation).exists():
        return None
    in_transit = NoticeInTransit.objects.filter(
        conversation=conversation, message__delivery_state=Message.Delivery.QUEUED
    )
    if in_transit.exists():
        return None
    config = channel_config(conversation.channel)
    if config.method not in SENT_METHODS:
        return None
    notice = notice_for_conversation(conversation, config=config)
    if notice is None:
        return None
    full = notice.text if config.method == NoticeMethod.FIRST_REPLY else link_line(notice)
    if conversation.is_private:
        return ReplyNotice(notice, config.method, text, full)
    appended = f"{text}\n\n{full}"
    if config.method == NoticeMethod.FIRST_REPLY and max_length and len(appended) > max_length:
        return ReplyNotice(notice, NoticeMethod.PUBLIC_LINK, f"{text}\n\n{link_line(notice)}", "")
    return ReplyNotice(notice, config.method, appended, "")


def record_reply_notice(
    *, conversation: Conversation, reply_notice: ReplyNotice, reply: Message
) -> list[Message]:
    """Record the notice as travelling in this reply (given once it is delivered); returns the
    extra messages to deliver."""
    carrier = reply
    extra = []
    if reply_notice.standalone_text:
        carrier = Message.objects.create(
            conversation=conversation,
            channel=reply.channel,
            direction=Message.Direction.OUTBOUND,
            parent=reply.parent,
            text=reply_notice.standalone_text,
            language=reply_notice.notice.language,
            delivery_state=Message.Delivery.QUEUED,
            created_at=reply.created_at,
        )
        extra.append(carrier)
    NoticeInTransit.objects.create(
        message=carrier,
        conversation=conversation,
        notice=reply_notice.notice,
        method=reply_notice.method,
    )
    return extra


def on_reply_delivered(message_id: int) -> None:
    """The platform accepted a message: the notice it carries is given, now."""
    carried = (
        NoticeInTransit.objects.filter(message_id=message_id)
        .select_related("conversation", "notice", "message")
        .first()
    )
    if carried is None or carried.message.delivery_state != Message.Delivery.SENT:
        return
    record_notice(
        conversation=carried.conversation,
        notice=carried.notice,
        method=carried.method,
        given_at=accepted_at(carried.message),
        message=carried.message,
    )


def as_written(replies: dict[int, str]) -> dict[int, str]:
    """Replies (message id: text) as staff wrote them: the notice that `notice_for_reply`
    appended to a first reply is taken off again, found by the records of which message
    carried which notice. Staff reading an earlier answer to reuse it want the answer."""
    carried = [
        record
        for model in (ConversationNotice, NoticeInTransit)
        for record in model.objects.filter(
            message_id__in=replies, method__in=SENT_METHODS
        ).select_related("notice")
    ]
    written = dict(replies)
    for record in carried:
        pk = record.message_id
        if pk is None:
            continue
        for appended in (record.notice.text, link_line(record.notice)):
            if replies[pk].endswith(f"\n\n{appended}"):
                written[pk] = replies[pk].removesuffix(f"\n\n{appended}")
                break
    return written
