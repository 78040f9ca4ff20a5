from django.db import models


class Contact(models.Model):
    """One person, however many platform accounts we have seen them use."""

    display_name = models.CharField(max_length=200, blank=True)
    primary_email = models.EmailField(blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name or self.primary_email or f"Contact {self.pk}"


class Identity(models.Model):
    """One account on one platform. The same X account seen by two X channels is one identity."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=32)
    external_id = models.CharField(max_length=255)
    handle = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="identity_unique_account"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.handle or self.external_id} ({self.kind})"
