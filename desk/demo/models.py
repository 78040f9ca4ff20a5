from django.db import models
from django.utils import timezone


class SandboxPost(models.Model):
    """One post on the demo's sandbox platform: a customer's mention, or what we sent."""

    class Author(models.TextChoices):
        CUSTOMER = "customer", "customer"
        COMPANY = "company", "company"

    # The sandbox platform: x, facebook, instagram, mastodon, bluesky, youtube, email.
    platform = models.CharField(max_length=32)
    posted_by = models.CharField(max_length=10, choices=Author.choices)
    platform_id = models.CharField(max_length=255, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    author = models.CharField(max_length=255, blank=True)
    text = models.TextField()
    # False when the platform refused the post (the demo's rejecting channel).
    accepted = models.BooleanField(default=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.platform} {self.platform_id}"
