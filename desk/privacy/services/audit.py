"""Writing the audit log: one call per thing someone viewed, exported, changed or erased."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from desk.privacy.models import AuditEntry

SYSTEM_ACTOR = "system"


class Action(StrEnum):
    CONVERSATION_VIEWED = "conversation.viewed"
    CONTACT_VIEWED = "contact.viewed"
    CONTACT_MERGED = "contact.merged"
    CONTACT_SPLIT = "contact.split"
    SUBJECT_SEARCHED = "subject.searched"
    SUBJECT_EXPORTED = "subject.exported"
    SUBJECT_ERASED = "subject.erased"
    RETENTION_RAN = "retention.ran"
    RETENTION_PREVIEWED = "retention.previewed"
    HOLD_PLACED = "hold.placed"
    HOLD_RELEASED = "hold.released"
    NOTICE_PUBLISHED = "notice.published"
    NOTICE_CONFIG_CHANGED = "notice_config.changed"
    STAFF_ADDRESS_CHANGED = "staff.address_changed"


# What the audit page shows for each action; the code stays beside it, as searched by.
ACTION_LABELS: dict[str, Any] = {
    Action.CONVERSATION_VIEWED: gettext_lazy("Conversation viewed"),
    Action.CONTACT_VIEWED: gettext_lazy("Contact viewed"),
    Action.CONTACT_MERGED: gettext_lazy("Contacts merged"),
    Action.CONTACT_SPLIT: gettext_lazy("Contact split off again"),
    Action.SUBJECT_SEARCHED: gettext_lazy("Data subject searched"),
    Action.SUBJECT_EXPORTED: gettext_lazy("Data subject's data exported"),
    Action.SUBJECT_ERASED: gettext_lazy("Data subject's data erased"),
    Action.RETENTION_RAN: gettext_lazy("Retention run"),
    Action.RETENTION_PREVIEWED: gettext_lazy("Retention previewed"),
    Action.HOLD_PLACED: gettext_lazy("Legal hold placed"),
    Action.HOLD_RELEASED: gettext_lazy("Legal hold released"),
    Action.NOTICE_PUBLISHED: gettext_lazy("Retention notice published"),
    Action.NOTICE_CONFIG_CHANGED: gettext_lazy("Notice settings changed"),
    Action.STAFF_ADDRESS_CHANGED: gettext_lazy("Own e-mail address changed"),
}


def record(
    *,
    actor: Any,
    action: Action | str,
    target: models.Model | None = None,
    summary: str = "",
    actor_name: str = "",
    counts: dict[str, int] | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user, or None for the system (a nightly task, a command).

    `summary` is stored as written and read in every language, so it names things (ids,
    addresses, a reason typed by staff), not sentences; numbers go in `counts`, by the kinds
    of desk.privacy.services.redaction.RECORD_LABELS."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(actor_name or (user.get_username() if user else SYSTEM_ACTOR))[:150],
        action=str(action),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:500],
        counts=counts or {},
    )


def record_view(*, actor: Any, target: models.Model) -> AuditEntry:
    """Staff opened something that holds personal data (a conversation, a contact)."""
    return record(actor=actor, action=f"{target._meta.model_name}.viewed", target=target)


def on_address_changed(user: Any, old: str, new: str) -> None:
    """A staff member's notification address changed (they confirmed the new one)."""
    record(
        actor=user,
        action=Action.STAFF_ADDRESS_CHANGED,
        target=user,
        summary=f"{old or '–'} → {new}",
    )
