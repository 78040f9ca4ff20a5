import hashlib
import secrets
import uuid
from enum import StrEnum

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


# What a REST client's token may do. Chosen when the client is created (`api_client create
# NAME --scope ...`); every API view a token reaches names the scope each method needs.
class Scope(StrEnum):
    INQUIRIES_CREATE = "inquiries:create"
    INQUIRIES_READ = "inquiries:read"
    SLA_READ = "sla:read"


SCOPE_HELP: dict[Scope, str] = {
    Scope.INQUIRIES_CREATE: "post new inquiries",
    Scope.INQUIRIES_READ: "read the client's own inquiries and their tickets",
    Scope.SLA_READ: "read the SLA calendars and policies",
}


def all_scopes() -> list[str]:
    """Every scope: the default for a new client, and for clients made before scopes."""
    return [scope.value for scope in Scope]


class ApiClient(models.Model):
    """A system that posts inquiries over the REST API (a shop, a CRM, a chatbot).

    Tokens are shown once and stored only as a SHA-256 digest: `<prefix>.<secret>`, where the
    prefix finds the row and the digest proves the secret.
    """

    name = models.CharField(max_length=100, unique=True)
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="+")
    token_prefix = models.CharField(max_length=12, unique=True)
    token_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the token may do (Scope values); checked on every API request.
    scopes = models.JSONField(default=all_scopes)

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    # DRF's IsAuthenticated asks the authenticated principal this.
    is_authenticated = True

    @staticmethod
    def digest(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def issue_token(self) -> str:
        """Set a fresh token on this client (not yet saved) and return it in clear, once."""
        self.token_prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        self.token_digest = self.digest(secret)
        return f"{self.token_prefix}.{secret}"

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class Inquiry(models.Model):
    """An inquiry posted by a REST client; the ticket is found through its message."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Looked up through inquiry_unique_external_id, which leads with it.
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="inquiries", db_index=False
    )
    external_id = models.CharField(max_length=200, null=True, blank=True)
    message = models.OneToOneField(
        "tickets.Message", on_delete=models.PROTECT, related_name="inquiry"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "inquiries"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"], name="inquiry_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)


class Notification(models.Model):
    """Something a staff member should see: an SLA warning, a breach, a crisis alert."""

    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="desk_notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # One notification per (user, dedupe key): a sweep that runs twice notifies once.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by e-mail (at once, or in a daily digest); empty until then.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # {language: [title, body]} in every interface language, when the desk wrote the text (not
    # a person): the centre shows it in the language the reader has now, which may not be the
    # one they had when it was written. title and body hold the one it was written in.
    texts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_once_per_user"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def in_language(self, language: str) -> tuple[str, str]:
        """(title, body) in `language` where the desk wrote it in every language."""
        found = self.texts.get(language[:2]) if language else None
        return (found[0], found[1]) if found else (self.title, self.body)

    @property
    def shown_title(self) -> str:
        return self.in_language(get_language())[0]

    @property
    def shown_body(self) -> str:
        return self.in_language(get_language())[1]


class NotificationPreference(models.Model):
    """How a staff member with an e-mail address also receives notifications by e-mail."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("Once a day, in a digest")
        NEVER = "never", _("Never (in the desk only)")

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.IMMEDIATE)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
