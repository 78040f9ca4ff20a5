from django.conf import settings
from django.db import models


class UserPreference(models.Model):
    """A staff member's interface language and the time zone their dates are shown in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_preference"
    )
    language = models.CharField(max_length=8, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # While `language` is left to the browser: the language the desk's pages were last shown
    # in. Notifications and their e-mails are written in it, so that they match the pages.
    browser_language = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language or '-'} {self.time_zone or '-'}"
