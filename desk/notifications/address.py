"""A staff member's own e-mail address for notifications, changed once the new address confirms.

The address receives ticket subjects and customers' names, so a session alone must not be able
to send them elsewhere: the change is a signed link mailed to the new address, and it holds
only for the user who asked, for a day, and while the old address is still the one on record
(a later change voids the links of earlier ones). A change is told to the old address too, and
recorded on the audit log (through `address_changed`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from desk.notifications.services import interface_language, send_to_staff
from desk.ratelimit import count_in_window
from tickets.hooks import Hook
from tickets.text import isolated

_SALT = "desk.notifications.address"
VALID_SECONDS = 24 * 3600
# Each confirmation goes to an address the asker typed: a few an hour serve every honest
# change, and an account cannot be used to mail strangers in bulk.
CONFIRMATIONS_PER_HOUR = 5

# (user, old address or "", new address), once the change is saved; the privacy layer above
# records it on the audit log.
address_changed: Hook[[Any, str, str], None] = Hook("address_changed")


class TooManyConfirmations(Exception):
    pass


def send_confirmation(user: Any, address: str) -> bool:
    """E-mail the new address a link that makes it the user's; False if the mail failed.
    Raises TooManyConfirmations past the hour's allowance (nothing is sent)."""
    if count_in_window(f"address-confirmation:{user.pk}", 3600) > CONFIRMATIONS_PER_HOUR:
        raise TooManyConfirmations
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
    old = user.email
    user.email = new
    user.save(update_fields=["email"])
    address_changed(user, old, new)
    if old:
        _tell_old_address(user, old, new)
    return new


def _tell_old_address(user: Any, old: str, new: str) -> None:
    """Whoever changed it, the owner of the old address hears of it (a taken-over session
    cannot move the notifications away unnoticed)."""
    with translation.override(interface_language(user)):
        subject = "[socialdesk] " + _("Your e-mail address was changed")
        text = _(
            "Your socialdesk notifications now go to %(address)s.\n\nIf you did not make this "
            "change, tell your administrator at once."
        ) % {"address": isolated(new)}
    send_to_staff(old, subject, text)


def new_address(user: Any, token: str) -> str | None:
    """The address the link would make this user's now, or None."""
    try:
        claim = signing.loads(token, salt=_SALT, max_age=VALID_SECONDS)
    except signing.BadSignature:  # also an expired one
        return None
    if claim.get("user") != user.pk or claim.get("from") != user.email:
        return None
    return str(claim["to"])
