"""Writes on the rule list: reordering keeps positions 10, 20, 30, ... so inserts stay easy."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from desk.classification.models import RoutingRule
from desk.config_snapshot import changed


def next_position() -> int:
    return (RoutingRule.objects.aggregate(p=Max("position"))["p"] or 0) + 10


def move_rule(*, rule: RoutingRule, up: bool) -> None:
    with transaction.atomic():
        rules = list(RoutingRule.objects.select_for_update().order_by("position", "id"))
        index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(rules):
            rules[index], rules[other] = rules[other], rules[index]
        now = timezone.now()
        for position, item in enumerate(rules, start=1):
            # updated_at moves too: it is what tells every process to recompile the list.
            RoutingRule.objects.filter(pk=item.pk).update(position=position * 10, updated_at=now)
        changed()  # an update sends no signal
