"""What the platform features keep about a person, removed by erasure and retention (registered
in the privacy app's ready(), run inside its transaction)."""

from __future__ import annotations

from django.db.models import Case, Value, When

from channels.models import InboundEvent
from channels.platforms.models import MessageRevision, PlatformAction
from desk.privacy.services.redaction import REDACTED, RedactionScope


def redact_message_revisions(scope: RedactionScope) -> int:
    """Earlier texts of edited messages, and the raw edit and removal events that carried the
    new texts (those events are linked from the revision, not from the message)."""
    changed = 0
    for messages in scope.messages():
        revisions = MessageRevision.objects.filter(message__in=messages.values("pk"))
        changed += InboundEvent.objects.filter(
            pk__in=revisions.filter(inbound_event__isnull=False).values("inbound_event_id")
        ).update(body=b"", headers={}, last_error="")
        changed += revisions.update(previous_text="")
    return changed


def redact_platform_actions(scope: RedactionScope) -> int:
    """Private replies to the person's comments: the text goes, the fact and times stay."""
    return sum(
        PlatformAction.objects.filter(message__in=messages.values("pk")).update(
            text=Case(When(text="", then=Value("")), default=Value(REDACTED)), error=""
        )
        for messages in scope.messages()
    )
