"""Writes and reads of notifications: create once per key, e-mail as each person prefers,
mark read, and the daily digest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import ngettext

from desk.models import Notification, NotificationPreference

log = logging.getLogger(__name__)
Email = NotificationPreference.Email
# A text written at notification time: a callable is called in each recipient's language.
Text = str | Callable[[], str]


def interface_language(user: Any) -> str:
    """The language a staff member reads the desk in: their preference, else the one their
    browser last had the pages shown in, else the default."""
    return _interface_languages([user]).get(user.pk, settings.LANGUAGE_CODE)


def _interface_languages(users: list[Any]) -> dict[int, str]:
    # The preference lives with the desk's pages (desk.triage, a layer above): read through
    # the user's reverse relation rather than an import, in one query for all recipients.
    rows = get_user_model().objects.filter(pk__in=[u.pk for u in users])
    return {
        pk: language or browser_language or settings.LANGUAGE_CODE
        for pk, language, browser_language in rows.values_list(
            "pk", "desk_preference__language", "desk_preference__browser_language"
        )
    }


def _in_language(text: Text, language: str) -> str:
    if not callable(text):
        return text
    with translation.override(language):
        return str(text())


def email_mode(user: Any) -> str:
    """How this user gets notifications by e-mail; never without an address."""
    if not getattr(user, "email", ""):
        return Email.NEVER
    preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    return preference.email if preference else Email.IMMEDIATE


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    dedupe_key: str,
    email: bool = True,
) -> list[Notification]:
    """Notify each user once per dedupe_key: running twice, or twice at once, adds nothing.

    Everyone sees it in the notification centre; who prefers it at once also gets an e-mail
    after the commit, who prefers a digest gets it in the next one. A title or body given as
    a callable is written in each recipient's interface language, and kept in every other one
    for the centre to show in the language the reader has when reading.
    """
    created = []
    recipients = list(users)
    languages = _interface_languages(recipients)
    texts = (
        {
            code: [_in_language(title, code)[:200], _in_language(body, code)]
            for code, _name in settings.LANGUAGES
        }
        if callable(title) or callable(body)
        else {}
    )
    for user in recipients:
        language = languages.get(user.pk, settings.LANGUAGE_CODE)
        written = texts.get(language) or [
            _in_language(title, language)[:200],
            _in_language(body, language),
        ]
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=written[0],
                    body=written[1],
                    url=url,
                    dedupe_key=dedupe_key[:200],
                    texts=texts,
                )
        except IntegrityError:
            continue
        created.append(notification)
        if email and email_mode(user) == Email.IMMEDIATE:
            transaction.on_commit(partial(_send_one, notification, user.email))
    return created


def _send_one(notification: Notification, address: str) -> None:
    text = f"{notification.body}\n\n{settings.PUBLIC_BASE_URL}{notification.url}"
    if send_to_staff(address, f"[socialdesk] {notification.title}", text):
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def send_to_staff(address: str, subject: str, text: str) -> bool:
    """Send one e-mail to a staff member; False, and logged, when the mail server fails."""
    # The in-app notification is the record; a mail server that is down must not undo it.
    try:
        send_mail(subject, text, None, [address])
    except (OSError, SMTPException):
        log.warning("could not e-mail a notification to %s", address, exc_info=True)
        return False
    return True


def unread(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(*, user: Any, notification_id: int) -> bool:
    """Mark one of the user's notifications read; False if it is not theirs."""
    found = Notification.objects.filter(pk=notification_id, user=user)
    if not found.exists():
        return False
    found.filter(read_at__isnull=True).update(read_at=timezone.now())
    return True


def mark_all_read(*, user: Any, kinds: Iterable[str] | None = None) -> int:
    pending = unread(user)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    return pending.update(read_at=timezone.now())


def send_digests(*, now: datetime | None = None) -> int:
    """E-mail each digest reader what they were notified of and not yet sent; returns how
    many digests went out. Each notification is in one digest at most."""
    now = now or timezone.now()
    sent = 0
    readers = NotificationPreference.objects.filter(email=Email.DIGEST).select_related("user")
    for preference in readers.exclude(user__email="").filter(user__is_active=True):
        user = preference.user
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(user=user, emailed_at__isnull=True, created_at__lte=now)
                .order_by("created_at", "id")
            )
            if not pending:
                continue
            language = interface_language(user)
            titles = [n.in_language(language)[0] for n in pending]
            lines = [
                f"- {title}\n  {settings.PUBLIC_BASE_URL}{n.url}" if n.url else f"- {title}"
                for title, n in zip(titles, pending, strict=True)
            ]
            with translation.override(language):
                subject = "[socialdesk] " + ngettext(
                    "%(count)d notification since your last digest",
                    "%(count)d notifications since your last digest",
                    len(pending),
                ) % {"count": len(pending)}
            if not send_to_staff(user.email, subject, "\n".join(lines)):
                continue
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            NotificationPreference.objects.filter(pk=preference.pk).update(last_digest_at=now)
        sent += 1
    return sent
