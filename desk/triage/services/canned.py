"""Canned replies with placeholders filled for one ticket."""

from __future__ import annotations

import re
from typing import Any

from tickets.models import Ticket

_PLACEHOLDER = re.compile(r"\{(name|first_name|agent|ticket)\}")


def fill_placeholders(text: str, *, ticket: Ticket, agent: Any) -> str:
    """Fill {name}, {first_name}, {agent} and {ticket}; other braces are left as written."""
    name = str(ticket.contact.display_name or "").strip()
    values = {
        "name": name,
        "first_name": name.split()[0] if name else "",
        "agent": (agent.get_full_name() or agent.get_username()).split()[0],
        "ticket": f"#{ticket.pk}",
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
