"""Who may handle privacy matters. The one place that says so, until roles are formalized."""

from typing import Any

MANAGER_GROUP = "manager"


def is_manager(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    groups = getattr(user, "groups", None)
    return groups is not None and groups.filter(name=MANAGER_GROUP).exists()
