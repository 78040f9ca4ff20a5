from django.conf import settings
from django.db import models


class ContactMerge(models.Model):
    """Two contact records found to be one person: what moved, so a split can move it back.

    The absorbed contact is kept (empty) rather than deleted: a split gives the person's
    accounts back to the very record they had, and links to it keep working meanwhile.
    """

    survivor = models.ForeignKey(
        "tickets.Contact", on_delete=models.CASCADE, related_name="merges_kept"
    )
    absorbed = models.ForeignKey(
        "tickets.Contact", on_delete=models.CASCADE, related_name="merges_absorbed"
    )
    # Primary keys per kind of row moved: identities, conversations, tickets, holds, badges;
    # and the absorbed engagement tally that was added to the survivor's.
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    split_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            # A record is absorbed at most once at a time; after a split it may be again.
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=models.Q(split_at__isnull=True),
                name="contact_merge_absorbed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} -> {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        return self.split_at is None
