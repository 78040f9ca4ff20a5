"""Notifications for staff: one path in (`notify`), seen in the desk's notification centre
(bell, list, filters, mark read) and, for people with an address, by e-mail at once or in a
daily digest (`desk.notifications.services`)."""

from desk.notifications.services import Text, interface_language, notify

__all__ = ["Text", "interface_language", "notify"]
