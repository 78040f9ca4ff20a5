"""Who sees the dashboards: the one check every dashboard page, export and API view uses."""

from __future__ import annotations

from typing import Any

from desk.triage.permissions import is_manager


def can_view_dashboards(user: Any) -> bool:
    return is_manager(user)
