"""Who sees the dashboards: the one check every dashboard page, export and API view uses.

Managers are users in the "manager" group, and superusers. When the triage desk's roles land
(desk.triage.permissions, Capability.VIEW_DASHBOARDS), this is the one place to switch.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

MANAGER_GROUP = "manager"


def can_view_dashboards(user: Any) -> bool:
    # A REST client (desk.models.ApiClient) is never a manager, whatever it authenticates as.
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        return False
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or user.groups.filter(name=MANAGER_GROUP).exists())
