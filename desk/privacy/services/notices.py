"""Retention notices: which version applies, in which language, and the record of giving it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from channels.models import Channel
from desk.config_snapshot import cached
from desk.privacy.models import (
    ChannelNoticeConfig,
    ConversationNotice,
    NoticeMethod,
    RetentionNotice,
)
from desk.privacy.services import audit
from tickets.models import Conversation, Message

FALLBACK_LANGUAGE = "en"
# Where a web form's adapter puts the notice it showed before submission, in Mention.metadata:
# {"retention_notice": {"id": <RetentionNotice pk>, "shown_at": "<ISO 8601>"}}.
NOTICE_METADATA_KEY = "retention_notice"
# One line that links the full notice, in the notice's language, for public replies.
LINK_LINES = {
    "en": "How we store your data: {url}",
    "de": "Wie wir Ihre Daten speichern: {url}",
    "fr": "Comment nous conservons vos données : {url}",
    "pl": "Jak przechowujemy Twoje dane: {url}",
    "sv": "Så lagrar vi dina uppgifter: {url}",
}


def normalize_language(code: str) -> str:
    """'de-AT', 'DE_at' and 'de' are all German."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def current_notice(language: str, *, at: datetime | None = None) -> RetentionNotice | None:
    """The newest published version in this language (else in English) at the given moment."""
    at = at or timezone.now()
    published = RetentionNotice.objects.filter(published_at__lte=at).order_by("-version")
    for candidate in (normalize_language(language), FALLBACK_LANGUAGE):
        notice = published.filter(language=candidate).first()
        if notice is not None:
            return notice
    return None


def notice_url(notice: RetentionNotice) -> str:
    path = reverse(
        "privacy-notice", kwargs={"language": notice.language, "version": notice.version}
    )
    return f"{settings.PUBLIC_BASE_URL}{path}"


def link_line(notice: RetentionNotice) -> str:
    template = LINK_LINES.get(notice.language, LINK_LINES[FALLBACK_LANGUAGE])
    return template.format(url=notice_url(notice))


def channel_config(channel: Channel) -> ChannelNoticeConfig:
    """The channel's notice configuration. Unconfigured channels: forms show it before
    submission; others use settings.PRIVACY_DEFAULT_NOTICE_METHOD (the first reply)."""
    return cached(f"notice-config:{channel.pk}", lambda: _channel_config(channel))


def _channel_config(channel: Channel) -> ChannelNoticeConfig:
    config = ChannelNoticeConfig.objects.filter(channel=channel).first()
    if config is not None:
        return config
    method = (
        NoticeMethod.WEB_FORM
        if channel.adapter().shows_notice_before_submission
        else settings.PRIVACY_DEFAULT_NOTICE_METHOD
    )
    return ChannelNoticeConfig(channel=channel, method=method)


def notice_language(
    conversation: Conversation, *, config: ChannelNoticeConfig | None = None
) -> str:
    """The conversation's detected language if we have a notice in it; else the channel's
    default language; else English."""
    config = config or channel_config(conversation.channel)
    available = set(RetentionNotice.objects.values_list("language", flat=True).distinct())
    for candidate in (normalize_language(conversation.language), config.default_language):
        if candidate in available:
            return candidate
    return FALLBACK_LANGUAGE


def notice_for_conversation(
    conversation: Conversation,
    *,
    at: datetime | None = None,
    config: ChannelNoticeConfig | None = None,
) -> RetentionNotice | None:
    return current_notice(notice_language(conversation, config=config), at=at)


def record_notice(
    *,
    conversation: Conversation,
    notice: RetentionNotice,
    method: str,
    given_at: datetime,
    message: Message | None = None,
) -> ConversationNotice:
    """Record that the conversation's person was given this notice. A conversation has one
    record: the first is kept, a later call returns it unchanged."""
    existing = ConversationNotice.objects.filter(conversation=conversation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ConversationNotice.objects.create(
                conversation=conversation,
                notice=notice,
                language=notice.language,
                channel_id=conversation.channel_id,
                method=method,
                given_at=given_at,
                message=message,
            )
    except IntegrityError:
        return ConversationNotice.objects.get(conversation=conversation)


def record_shown_on_web_form(
    *,
    conversation: Conversation,
    notice: RetentionNotice,
    shown_at: datetime,
    message: Message | None = None,
) -> ConversationNotice:
    """For the web form: the person saw this notice before submitting what became this
    conversation (`message` is their submitted message)."""
    return record_notice(
        conversation=conversation,
        notice=notice,
        method=NoticeMethod.WEB_FORM,
        given_at=shown_at,
        message=message,
    )


def web_form_notice(*, language: str) -> dict[str, Any] | None:
    """What the web form shows before submission, and the id it sends back with the form."""
    notice = current_notice(language)
    if notice is None:
        return None
    return {
        "id": notice.pk,
        "language": notice.language,
        "version": notice.version,
        "text": notice.text,
        "retention_days": notice.retention_days,
        "legal_basis": notice.legal_basis,
        "url": notice_url(notice),
    }


def confirmation_email_notice(*, language: str) -> str:
    """The notice block for the web form's confirmation e-mail, in the person's language."""
    notice = current_notice(language)
    if notice is None:
        return ""
    return render_to_string(
        "privacy/notice_email.txt", {"notice": notice, "url": notice_url(notice)}
    ).strip()


def publish_notice(
    *, language: str, text: str, retention_days: int, legal_basis: str, actor: Any = None
) -> RetentionNotice:
    """Publish a new version in a language; it supersedes the previous one from now on."""
    language = normalize_language(language)
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"No desk language {language!r}.")
    with transaction.atomic():
        latest = RetentionNotice.objects.select_for_update().filter(language=language)
        version = (latest.aggregate(v=Max("version"))["v"] or 0) + 1
        notice = RetentionNotice.objects.create(
            language=language,
            version=version,
            text=text.strip(),
            retention_days=retention_days,
            legal_basis=legal_basis.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_published(notice, actor=actor)
    return notice


def record_published(notice: RetentionNotice, *, actor: Any) -> None:
    """The audit entry of a version published here or saved in the admin: it names the
    version, and its period is a count, read in the reader's language."""
    audit.record(
        actor=actor,
        action=audit.Action.NOTICE_PUBLISHED,
        target=notice,
        summary=str(notice),
        counts={"retention_days": notice.retention_days},
    )


def configure_channel(
    *, channel: Channel, method: str, default_language: str = FALLBACK_LANGUAGE, actor: Any = None
) -> ChannelNoticeConfig:
    if method not in NoticeMethod.values:
        raise ValueError(f"Unknown notice method {method!r}.")
    if default_language not in dict(settings.LANGUAGES):
        raise ValueError(f"No desk language {default_language!r}.")
    with transaction.atomic():
        config, _ = ChannelNoticeConfig.objects.update_or_create(
            channel=channel, defaults={"method": method, "default_language": default_language}
        )
        record_configured(config, actor=actor)
    return config


def record_configured(config: ChannelNoticeConfig, *, actor: Any) -> None:
    """Names only (the method's code and the default language), as every summary does."""
    audit.record(
        actor=actor,
        action=audit.Action.NOTICE_CONFIG_CHANGED,
        target=config.channel,
        summary=f"{config.method} · {config.default_language}",
    )


def conversations_without_notice() -> QuerySet[Conversation]:
    """Conversations whose person has not (yet) been given a notice, newest activity first."""
    return (
        Conversation.objects.filter(
            ~Exists(ConversationNotice.objects.filter(conversation=OuterRef("pk")))
        )
        .select_related("channel", "contact")
        .order_by("-last_activity_at", "-id")
    )
