"""The demo's staff users: one per role."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User

ROLES = ("agent", "spokesperson", "manager", "admin")


def reset_passwords(*, alphabet: str) -> list[tuple[str, str, str]]:
    """Give each demo user a fresh password; returns (username, role, password)."""
    found = []
    for role in ROLES:
        user = User.objects.filter(username=f"demo-{role}").first()
        if user is None:
            continue
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        user.set_password(password)
        user.save(update_fields=["password"])
        found.append((user.username, role, password))
    return found
