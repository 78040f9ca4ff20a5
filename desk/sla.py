"""Service-level due times for tickets.

First version: the first response is due 24 hours after the mention arrived. The
business-hours engine (calendars, policies, pauses) replaces this module's internals.
"""

from datetime import datetime, timedelta

FIRST_RESPONSE_TARGET = timedelta(hours=24)


def first_response_due_at(received_at: datetime) -> datetime:
    return received_at + FIRST_RESPONSE_TARGET
