"""What the channels layer reports (channels.hooks) that someone must hear about: connected
in the desk app's ready(), above the services it uses (notifications, SLA)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from channels.hooks import ChannelAlert
from channels.models import DeliveryAttempt
from desk.access import Role
from desk.notifications.services import notify
from desk.sla.delivery import ticket_of_reply
from tickets.models import Message
from tickets.text import isolated


def on_reply_failed(message_id: int) -> None:
    """Tell the reply's author at once: the customer has not got it, the clock runs on."""
    message = Message.objects.select_related("sent_by").filter(pk=message_id).first()
    if message is None or message.sent_by is None:
        return
    ticket = ticket_of_reply(message)
    if ticket is None:
        return
    attempts = DeliveryAttempt.objects.filter(message=message).count()
    final = message.delivery_state == Message.Delivery.FAILED

    def title() -> str:
        state = _("failed") if final else _("not delivered yet, will retry")
        return _("Reply not delivered (%(state)s): #%(ticket)s %(subject)s") % {
            "state": state,
            "ticket": ticket.pk,
            "subject": isolated(ticket.subject[:80]),
        }

    notify(
        users=[message.sent_by],
        kind="delivery_failed",
        title=title,
        body=lambda: (
            isolated(message.delivery_error) + "\n" + _("Retry, edit or send another way.")
        ),
        url=reverse("ticket-detail", args=[ticket.pk]) + f"#message-{message.pk}",
        dedupe_key=f"delivery-failed:{message.pk}:{attempts}",
    )


def channel_alert_recipients() -> list[Any]:
    """Who looks after the channels: staff administrators, superusers, and the managers and
    admins of the desk (they run the desk's operations; agents are not troubled)."""
    users = get_user_model().objects.filter(is_active=True)
    return list(
        users.filter(
            Q(is_superuser=True) | Q(is_staff=True) | Q(groups__name__in=[Role.MANAGER, Role.ADMIN])
        ).distinct()
    )


def on_channel_alert(alert: ChannelAlert) -> None:
    notify(
        users=channel_alert_recipients(),
        kind="channel_alert",
        title=alert.title,
        body=alert.body,
        url=reverse("channel-health"),
        dedupe_key=alert.dedupe_key or f"channel:{alert.channel.pk}:{alert.code}",
    )
