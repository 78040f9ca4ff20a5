"""In-app notifications for staff, also sent by e-mail, each delivered at most once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from desk.models import Notification


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
            address = user.email
            transaction.on_commit(
                lambda address=address: send_mail(
                    f"[socialdesk] {title}",
                    f"{body}\n\n{settings.PUBLIC_BASE_URL}{url}",
                    None,
                    [address],
                    fail_silently=True,
                )
            )
    return created
