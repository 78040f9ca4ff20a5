from typing import Any

from django import template

from desk.dashboards.permissions import can_view_dashboards

register = template.Library()


@register.filter(name="can_view_dashboards")
def can_view_dashboards_filter(user: Any) -> bool:
    return can_view_dashboards(user)
