"""Legal holds: placed and released by managers, always on the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.privacy.models import LegalHold
from desk.privacy.services import audit
from tickets.models import Contact, Conversation


class InvalidHold(ValueError):
    pass


def place_hold(
    *,
    contact: Contact | None = None,
    conversation: Conversation | None = None,
    reason: str,
    actor: Any,
) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise InvalidHold(_("Say why the data must be kept (the claim or case)."))
    if (contact is None) == (conversation is None):
        raise InvalidHold(_("A hold covers either one contact or one conversation."))
    with transaction.atomic():
        hold = LegalHold.objects.create(
            contact=contact,
            conversation=conversation,
            reason=reason,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action=audit.Action.HOLD_PLACED,
            target=hold,
            summary=f"{hold.target} · {reason}",
        )
    return hold


def release_hold(*, hold: LegalHold, actor: Any) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            return hold
        hold.released_at = timezone.now()
        hold.released_by = actor if getattr(actor, "is_authenticated", False) else None
        hold.save(update_fields=["released_at", "released_by"])
        audit.record(
            actor=actor, action=audit.Action.HOLD_RELEASED, target=hold, summary=hold.target
        )
    return hold
