from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> "LegalHoldQuerySet":
        return self.filter(released_at__isnull=True)

    def covering(self, *, conversation: Any, contact: Any) -> "LegalHoldQuerySet":
        """Active holds that keep a conversation: on it, or on its person (values or OuterRefs)."""
        return self.active().filter(Q(conversation=conversation) | Q(contact=contact))


class LegalHold(models.Model):
    """Data kept for a legal claim (GDPR art. 17(3)(e)): neither retention nor erasure touch it."""

    contact = models.ForeignKey(
        "tickets.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conversation = models.ForeignKey(
        "tickets.Conversation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=True) ^ Q(conversation__isnull=True),
                name="legal_hold_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Hold on {self.target}"

    @property
    def target(self) -> str:
        """ "contact:14" or "conversation:34", as the holds page takes it: the same in every
        language, so the audit log can name it."""
        if self.contact_id:
            return f"contact:{self.contact_id}"
        return f"conversation:{self.conversation_id}"
