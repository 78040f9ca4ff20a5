"""A staff member's own e-mail address for notifications, changed once the new address confirms.

The address receives ticket subjects and customers' names, so a session alone must not be able
to send them elsewhere: the change is a signed link mailed to the new address, and it holds
only for the user who asked, for a day, and while the old address is still the one on record
(a later change voids the links of earlier ones).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from desk.notifications.services import interface_language, send_to_staff

_SALT = "desk.notifications.address"
VALID_SECONDS = 24 * 3600


def send_confirmation(user: Any, address: str) -> bool:
    """E-mail the new address a link that makes it the user's; False if the mail failed."""
    token = signing.dumps({"user": user.pk, "to": address, "from": user.email}, salt=_SALT)
    link = settings.PUBLIC_BASE_URL + reverse("notifications:confirm-address", args=[token])
    with translation.override(interface_language(user)):
        subject = "[socialdesk] " + _("Confirm your e-mail address")
        text = _(
            "Open this link within 24 hours to receive your socialdesk notifications at this "
            "address:\n\n%(link)s\n\nIf you did not ask for this, ignore this e-mail."
        ) % {"link": link}
    return send_to_staff(address, subject, text)


def confirm(user: Any, token: str) -> str | None:
    """Make the link's address the user's; returns it, or None for a link that does not hold."""
    new = new_address(user, token)
    if new is None:
        return None
    user.email = new
    user.save(update_fields=["email"])
    return new


def new_address(user: Any, token: str) -> str | None:
    """The address the link would make this user's now, or None."""
    try:
        claim = signing.loads(token, salt=_SALT, max_age=VALID_SECONDS)
    except signing.BadSignature:  # also an expired one
        return None
    if claim.get("user") != user.pk or claim.get("from") != user.email:
        return None
    return str(claim["to"])
