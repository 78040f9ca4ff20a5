"""In-app notifications for staff, also sent by e-mail, each delivered at most once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from channels.hooks import ChannelAlert
from desk.models import Notification

log = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
    email: bool = True,
) -> list[Notification]:
    """Notify each user once per dedupe_key: running twice, or twice at once, adds nothing."""
    created = []
    for user in users:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key[:200],
                )
        except IntegrityError:
            continue
        created.append(notification)
        if email and user.email:
            message = (f"[socialdesk] {title}", f"{body}\n\n{settings.PUBLIC_BASE_URL}{url}")
            transaction.on_commit(partial(_send, user.email, *message))
    return created


def _send(address: str, subject: str, text: str) -> None:
    # The in-app notification is the record; a mail server that is down must not undo it.
    try:
        send_mail(subject, text, None, [address])
    except (OSError, SMTPException):
        log.warning("could not e-mail a notification to %s", address, exc_info=True)


def notify_channel_alert(alert: ChannelAlert) -> int:
    """Receiver of channels.hooks.channel_alert: the administrators are told."""
    admins = get_user_model().objects.filter(Q(is_superuser=True) | Q(is_staff=True))
    return len(
        notify(
            users=admins,
            kind=alert.code,
            title=alert.title,
            body=alert.body,
            url=reverse("channel-health"),
            dedupe_key=alert.dedupe_key or f"{alert.code}:{alert.channel.pk}",
        )
    )
