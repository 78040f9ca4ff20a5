from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext


class Contact(models.Model):
    """One person, however many platform accounts we have seen them use."""

    display_name = models.CharField(max_length=200, blank=True)
    primary_email = models.EmailField(blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return (
            self.display_name
            or self.primary_email
            or gettext("Contact %(number)s") % {"number": self.pk}
        )


class IdentityQuerySet(models.QuerySet["Identity"]):
    def with_seen(self) -> IdentityQuerySet:
        """Each account with `first_seen_at` and `last_seen_at`: the times of its first and
        latest post that we keep (None when we keep none). The posts are the record: a
        mention fetched days after it was written, or a returning writer, moves nothing else."""
        # Imported here: conversations' models refer to these, and the package loads this first.
        from tickets.models.conversations import Message

        posts = Message.objects.filter(
            author_identity=OuterRef("pk"), direction=Message.Direction.INBOUND
        ).values("created_at")
        return self.annotate(
            first_seen_at=Subquery(posts.order_by("created_at")[:1]),
            last_seen_at=Subquery(posts.order_by("-created_at")[:1]),
        )


class Identity(models.Model):
    """One account on one platform. The same X account seen by two X channels is one identity."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=32)
    external_id = models.CharField(max_length=255)
    handle = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True, db_index=True)

    objects = IdentityQuerySet.as_manager()

    # Present on accounts read through IdentityQuerySet.with_seen() only; not columns.
    first_seen_at: datetime | None
    last_seen_at: datetime | None

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="identity_unique_account"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.handle or self.external_id} ({self.kind})"
